"""Factories for the foundation's models; apps add theirs next to these."""

import datetime

import factory
from django.utils import timezone

from accounts.models import LaoType, Organisation, Role, User
from courses.models import Programme, Round


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("dla_code",)

    dla_code = factory.Sequence(lambda n: f"9{n:06d}")
    lao_type = LaoType.SAO
    name_th = factory.Sequence(lambda n: f"องค์การบริหารส่วนตำบลทดสอบ {n}")
    name_en = factory.Sequence(lambda n: f"Test SAO {n}")
    province_code = "50"
    district_code = "5001"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    prefix = "นาย"
    first_name = factory.Sequence(lambda n: f"ทดสอบ{n}")
    last_name = "ใจดี"
    role = Role.PARTICIPANT
    organisation = factory.SubFactory(OrganisationFactory)
    password = factory.django.Password("test-password-2569")


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme
        django_get_or_create = ("code",)

    title = "โครงการอบรมทดสอบ"
    title_en = "Test programme"
    code = factory.Sequence(lambda n: f"programme-{n}")
    circular_number = "มท ๐๘๒๐.๒/ว ๑๑๑๔"


class RoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Round

    programme = factory.SubFactory(ProgrammeFactory)
    number = factory.Sequence(lambda n: n % 4 + 1)
    title = factory.LazyAttribute(lambda r: f"การอบรมครั้งที่ {r.number}")
    starts_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=7))
    ends_at = factory.LazyAttribute(lambda r: r.starts_at + datetime.timedelta(hours=3))
    join_window_minutes = 30
    capacity = 100
    registration_opens_at = factory.LazyFunction(
        lambda: timezone.now() - datetime.timedelta(days=1)
    )
    registration_closes_at = factory.LazyAttribute(
        lambda r: r.starts_at - datetime.timedelta(hours=1)
    )

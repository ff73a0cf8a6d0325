import pytest

from courses.models import Enrolment, EnrolmentStatus
from courses.services import cancel_enrolment, enrol_participant
from tests.factories import OrganisationFactory, RoundFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_beyond_its_quota_an_lao_waits_even_with_seats_free():
    round_ = RoundFactory(capacity=10, lao_quota=2)
    lao, other_lao = OrganisationFactory(), OrganisationFactory()
    colleagues = UserFactory.create_batch(3, organisation=lao)
    statuses = [enrol_participant(user=u, round_=round_).status for u in colleagues]
    assert statuses == [EnrolmentStatus.ENROLLED] * 2 + [EnrolmentStatus.WAITLISTED]
    assert (
        enrol_participant(user=UserFactory(organisation=other_lao), round_=round_).status
        == EnrolmentStatus.ENROLLED
    )


def test_promotion_skips_people_whose_lao_is_at_its_quota():
    round_ = RoundFactory(capacity=2, lao_quota=1)
    lao_a, lao_b = OrganisationFactory(), OrganisationFactory()
    a_seat = enrol_participant(user=UserFactory(organisation=lao_a), round_=round_)
    b_seat = enrol_participant(user=UserFactory(organisation=lao_b), round_=round_)
    a_waiting = enrol_participant(user=UserFactory(organisation=lao_a), round_=round_)
    c_waiting = enrol_participant(
        user=UserFactory(organisation=OrganisationFactory()), round_=round_
    )
    assert a_waiting.status == c_waiting.status == EnrolmentStatus.WAITLISTED

    cancel_enrolment(enrolment=b_seat)  # frees a seat, but LAO A already holds its one
    assert Enrolment.objects.get(pk=a_waiting.pk).status == EnrolmentStatus.WAITLISTED
    assert Enrolment.objects.get(pk=c_waiting.pk).status == EnrolmentStatus.ENROLLED

    cancel_enrolment(enrolment=a_seat)  # LAO A's seat frees: its colleague moves up
    assert Enrolment.objects.get(pk=a_waiting.pk).status == EnrolmentStatus.ENROLLED


def test_without_a_quota_seats_go_strictly_in_queue_order():
    round_ = RoundFactory(capacity=1)
    lao = OrganisationFactory()
    seat = enrol_participant(user=UserFactory(organisation=lao), round_=round_)
    first = enrol_participant(user=UserFactory(organisation=lao), round_=round_)
    enrol_participant(user=UserFactory(), round_=round_)
    cancel_enrolment(enrolment=seat)
    assert Enrolment.objects.get(pk=first.pk).status == EnrolmentStatus.ENROLLED


def test_a_quota_of_zero_is_refused_by_the_database():
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        RoundFactory(lao_quota=0)

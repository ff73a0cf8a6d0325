"""People ready to enrol: a confirmed e-mail, a complete profile and the training consent."""

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone

from accounts.consent import PRIVACY_NOTICE_VERSION
from accounts.models import ConsentPurpose, ConsentRecord
from tests.factories import UserFactory


class ConsentRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConsentRecord

    user = factory.SubFactory(UserFactory)
    purpose = ConsentPurpose.TRAINING
    notice_version = PRIVACY_NOTICE_VERSION
    given_at = factory.LazyFunction(timezone.now)


class ReadyParticipantFactory(UserFactory):
    @factory.post_generation
    def ready(user, create, extracted, **kwargs):
        if not create:
            return
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        ConsentRecordFactory(user=user)

"""Reads of accounts that other code uses: whether a person may enrol yet."""

from allauth.account.models import EmailAddress
from django.db.models import Exists

from .models import ConsentPurpose, ConsentRecord, Organisation, User


def is_profile_complete(user: User) -> bool:
    return bool(user.first_name and user.last_name and user.organisation_id)


def has_verified_email(user: User) -> bool:
    return EmailAddress.objects.filter(user=user, email__iexact=user.email, verified=True).exists()


def has_active_consent(user: User, purpose: str = ConsentPurpose.TRAINING) -> bool:
    return ConsentRecord.objects.for_user(user).for_purpose(purpose).active().exists()


def missing_for_enrolment(user: User) -> list[str]:
    """What still stops the person enrolling, as codes (empty when ready).

    ``email_not_verified``, ``profile_incomplete``, ``consent_missing``.
    """
    return missing_from_flags(
        user, email_verified=has_verified_email(user), consent_given=has_active_consent(user)
    )


def readiness_annotations(user: User) -> dict:
    """The two readiness checks as ``Exists`` expressions, to ride along another query of
    the person's rows (see ``cms.views.MyTrainingView``)."""
    return {
        "email_verified": Exists(
            EmailAddress.objects.filter(user=user, email__iexact=user.email, verified=True)
        ),
        "consent_given": Exists(
            ConsentRecord.objects.for_user(user).for_purpose(ConsentPurpose.TRAINING).active()
        ),
    }


def missing_from_flags(user: User, *, email_verified: bool, consent_given: bool) -> list[str]:
    missing = []
    if not email_verified:
        missing.append("email_not_verified")
    if not is_profile_complete(user):
        missing.append("profile_incomplete")
    if not consent_given:
        missing.append("consent_missing")
    return missing


def organisations():
    """The LAO directory."""
    return Organisation.objects.all()

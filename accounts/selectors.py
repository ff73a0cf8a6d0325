"""Reads of accounts that other code uses: whether a person may enrol yet."""

from allauth.account.models import EmailAddress
from django.db.models import Exists

from .models import ConsentPurpose, ConsentRecord, Organisation, Role, User


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


# What a member of staff without an LAO is not reminded of: they run or follow the
# training, they do not take part in it (they are asked only if they enrol).
STAFF_EXEMPT_REMINDERS = frozenset({"profile_incomplete", "consent_missing"})


def reminders_for(user: User, missing: list[str]) -> list[str]:
    """The readiness codes worth a reminder on the person's own pages: all of them for a
    participant; for staff (trainers, coordinators, DLA) without an LAO, only the e-mail."""
    is_staff_member = user.is_superuser or user.role != Role.PARTICIPANT
    if is_staff_member and not user.organisation_id:
        return [code for code in missing if code not in STAFF_EXEMPT_REMINDERS]
    return missing

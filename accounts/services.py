"""Writes on people: registration, consent, invitations, PDPA erasure."""

import datetime
from collections.abc import Iterable

import geothai
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import transaction
from django.db.models import Exists
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.http import base36_to_int
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log
from wagtail.models import ModelLogEntry

from core.errors import CodedError

from .consent import OPTIONAL_PURPOSES, PRIVACY_NOTICE_VERSION, REQUIRED_PURPOSES
from .models import (
    DLA_ADMINISTRATORS_GROUP,
    ConsentPurpose,
    ConsentRecord,
    Organisation,
    Role,
    User,
)
from .personal_data import run_consent_withdrawn_hooks, run_erasure_hooks

# Fields a participant fills in about themselves (sign-up, profile, nominated import).
PROFILE_FIELDS = (
    "prefix",
    "first_name",
    "last_name",
    "first_name_en",
    "last_name_en",
    "position",
    "organisation",
    "phone",
    "line_id",
)
ERASED_EMAIL_DOMAIN = "erased.invalid"
STAFF_ROLES = (Role.TRAINER, Role.DLA_ADMIN)


class AccountError(CodedError):
    """A refused change to an account."""

    MESSAGES = {
        "consent_required": _(
            "Please give your consent to the processing of your personal data: "
            "without it you cannot take part in the training."
        ),
        "consent_not_given": _("This consent is not in effect, so there is nothing to withdraw."),
        "unknown_purpose": _("Unknown consent purpose."),
        "invitation_invalid": _(
            "This invitation link is not valid or has expired (links work for 14 days and "
            "only once). To get a new link, enter your e-mail address under “Forgot your "
            "password?” below, or sign up again with the same address: we will e-mail you a "
            "fresh invitation. If your account is already set up, just log in."
        ),
        "already_erased": _("This account has already been deleted."),
        "staff_account": _("Staff accounts are closed by a DLA administrator, not from this page."),
        "email_taken": _("An account with this e-mail address already exists."),
        "unknown_role": _("Unknown role."),
        "province_required": _("Choose the province a provincial coordinator follows."),
        "unknown_province": _("Unknown province code."),
        "not_a_nominee": _("This address has no invitation waiting to be accepted."),
    }


# --- Roles -------------------------------------------------------------------------------


def change_role(*, user: User, role: str, coordinated_province_code: str = "", changed_by) -> bool:
    """Give ``user`` a role (and, for a coordinator, a province); audited in Wagtail's history.

    Returns whether anything changed. Only coordinators keep a province.
    """
    if role not in Role.values:
        raise AccountError("unknown_role")
    province = coordinated_province_code if role == Role.PROVINCIAL_COORDINATOR else ""
    if role == Role.PROVINCIAL_COORDINATOR:
        if not province:
            raise AccountError("province_required")
        if not geothai.province(province):
            raise AccountError("unknown_province")
    with transaction.atomic():
        current = User.objects.select_for_update().get(pk=user.pk)
        before = (current.role, current.coordinated_province_code)
        if before == (role, province):
            return False
        # Trainers and DLA administrators are staff (the only ones let into the admins).
        staff = role in STAFF_ROLES or current.is_superuser
        User.objects.filter(pk=user.pk).update(
            role=role, coordinated_province_code=province, is_staff=staff
        )
        user.role, user.coordinated_province_code, user.is_staff = role, province, staff
        group = Group.objects.filter(name=DLA_ADMINISTRATORS_GROUP).first()
        if group is not None and role == Role.DLA_ADMIN:
            user.groups.add(group)
        elif group is not None:
            user.groups.remove(group)
        log(
            instance=user,
            action="esc.accounts.role_changed",
            user=changed_by,
            title=user.email,
            data={
                "role_before": before[0],
                "province_before": before[1],
                "role": role,
                "province": province,
            },
        )
    return True


# --- Registration and profile ---------------------------------------------------------


def register_participant(
    *,
    user: User,
    consents: Iterable[str],
    src: str = "",
    now: datetime.datetime | None = None,
) -> User:
    """Save a new participant filled in by the sign-up form, with the consents they gave.

    ``user`` is unsaved (allauth has set e-mail and password). The account and its consent
    records are written together or not at all. ``src`` is the QR link's tag, as the form
    cleaned it (``courses.links.clean_src`` wrote it into the link).
    """
    consents = set(consents)
    if not set(REQUIRED_PURPOSES) <= consents:
        raise AccountError("consent_required")
    now = now or timezone.now()
    with transaction.atomic():
        user.signup_src = src[:64]
        user.save()
        for purpose in _ordered_purposes(consents):
            give_consent(user=user, purpose=purpose, now=now)
    return user


def update_profile(*, user: User, profile: dict) -> User:
    """Change the participant's own profile fields (names, LAO, phone, LINE ID...)."""
    changed = [name for name in PROFILE_FIELDS if name in profile]
    with transaction.atomic():
        for name in changed:
            setattr(user, name, profile[name])
        user.save(update_fields=changed)
    return user


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


def missing_from_flags(user: User, *, email_verified: bool, consent_given: bool) -> list[str]:
    missing = []
    if not email_verified:
        missing.append("email_not_verified")
    if not is_profile_complete(user):
        missing.append("profile_incomplete")
    if not consent_given:
        missing.append("consent_missing")
    return missing


# --- Consent -----------------------------------------------------------------------


def _ordered_purposes(purposes: Iterable[str]) -> list[str]:
    order = [*REQUIRED_PURPOSES, *OPTIONAL_PURPOSES]
    return sorted(set(purposes), key=order.index)


def give_consent(
    *, user: User, purpose: str, now: datetime.datetime | None = None
) -> ConsentRecord:
    """Record a consent under the current notice version; giving it twice changes nothing."""
    if purpose not in ConsentPurpose.values:
        raise AccountError("unknown_purpose")
    now = now or timezone.now()
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()
        record = ConsentRecord.objects.for_user(user).for_purpose(purpose).active().first()
        if record is not None:
            return record
        record = ConsentRecord.objects.create(
            user=user, purpose=purpose, notice_version=PRIVACY_NOTICE_VERSION, given_at=now
        )
        log(
            instance=user,
            action="esc.accounts.consent_given",
            user=user,
            title=user.email,
            data={"purpose": purpose, "notice_version": PRIVACY_NOTICE_VERSION},
        )
    return record


def withdraw_consent(
    *, user: User, purpose: str, now: datetime.datetime | None = None
) -> ConsentRecord:
    """Withdraw a consent. Apps that rely on it are told inside the same transaction.

    Withdrawing the training consent cancels the person's places in rounds that have not
    started (``courses`` does this through ``CONSENT_WITHDRAWN_HOOK``); past records stay.
    """
    if purpose not in ConsentPurpose.values:
        raise AccountError("unknown_purpose")
    now = now or timezone.now()
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()
        record = (
            ConsentRecord.objects.select_for_update()
            .for_user(user)
            .for_purpose(purpose)
            .active()
            .first()
        )
        if record is None:
            raise AccountError("consent_not_given")
        record.withdrawn_at = now
        record.save(update_fields=["withdrawn_at"])
        run_consent_withdrawn_hooks(user, purpose, now)
        log(
            instance=user,
            action="esc.accounts.consent_withdrawn",
            user=user,
            title=user.email,
            data={"purpose": purpose},
        )
    return record


# --- Nominated participants and invitations ------------------------------------------


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    """Links in invitation e-mails: valid 14 days, and only until a password is set."""

    key_salt = "accounts.services.InvitationTokenGenerator"
    timeout_seconds = 14 * 24 * 3600

    def check_token(self, user, token):
        if not (user and token):
            return False
        try:
            ts_b36, _hash = token.split("-")
            ts = base36_to_int(ts_b36)
        except ValueError:
            return False
        for secret in [self.secret, *self.secret_fallbacks]:
            if constant_time_compare(self._make_token_with_timestamp(user, ts, secret), token):
                break
        else:
            return False
        return (self._num_seconds(self._now()) - ts) <= self.timeout_seconds


invitation_tokens = InvitationTokenGenerator()


def invite_participant(
    *,
    email: str,
    profile: dict,
    invited_by: User | None,
    src: str = "nominated",
) -> User:
    """Create an inactive account for a nominated officer and e-mail an invitation.

    The officer sets a password and gives consent themselves (``accept_invitation``):
    nobody consents on another person's behalf.
    """
    from .tasks import send_invitation

    email = email.strip().lower()
    with transaction.atomic():
        if User.objects.filter(email__iexact=email).exists():
            raise AccountError("email_taken")
        user = User(email=email, is_active=False, signup_src=src[:64])
        for name in PROFILE_FIELDS:
            if name in profile:
                setattr(user, name, profile[name])
        user.set_unusable_password()
        user.save()
        EmailAddress.objects.create(user=user, email=email, primary=True, verified=False)
        log(
            instance=user,
            action="esc.accounts.invited",
            user=invited_by,
            title=email,
        )
        transaction.on_commit(lambda: send_invitation.enqueue(user_id=user.pk))
    return user


# One fresh invitation per address in this many seconds, however often it is asked for.
REINVITE_COOLDOWN_SECONDS = 5 * 60


def pending_nominee(email: str) -> User | None:
    """The account a trainer's nominee import made for ``email``, not claimed yet.

    Only such accounts: inactive, never logged in, no usable password, not erased. An account
    a DLA administrator closed has logged in or has a password, and stays closed.
    """
    user = (
        User.objects.filter(
            email__iexact=(email or "").strip(),
            is_active=False,
            erased_at__isnull=True,
            last_login__isnull=True,
        )
        .select_related("organisation")
        .first()
    )
    if user is None or user.has_usable_password():
        return None
    return user


def reinvite_participant(*, user: User) -> bool:
    """Send a nominee a fresh invitation (valid 14 days from now); the way to claim an
    account whose invitation was lost or expired. Returns whether an e-mail went out: at
    most one per address every few minutes, so the form cannot be used to flood a mailbox.
    """
    from .tasks import send_invitation

    if pending_nominee(user.email) is None:
        raise AccountError("not_a_nominee")
    if not cache.add(f"esc:reinvite:{user.pk}", True, timeout=REINVITE_COOLDOWN_SECONDS):
        return False
    with transaction.atomic():
        log(instance=user, action="esc.accounts.reinvited", user=None, title=user.email)
        transaction.on_commit(lambda: send_invitation.enqueue(user_id=user.pk))
    return True


def accept_invitation(
    *,
    user: User,
    token: str,
    password: str,
    consents: Iterable[str],
    now: datetime.datetime | None = None,
) -> User:
    """Activate a nominated account: set the password, verify the e-mail, record consent."""
    consents = set(consents)
    if user.is_active or user.erased_at or not invitation_tokens.check_token(user, token):
        raise AccountError("invitation_invalid")
    if not set(REQUIRED_PURPOSES) <= consents:
        raise AccountError("consent_required")
    now = now or timezone.now()
    with transaction.atomic():
        user.set_password(password)
        user.is_active = True
        user.save(update_fields=["password", "is_active"])
        # The link reached the person through this mailbox: the address is theirs.
        address, _created = EmailAddress.objects.get_or_create(
            user=user, email__iexact=user.email, defaults={"email": user.email, "primary": True}
        )
        if not address.verified:
            address.verified = True
            address.save(update_fields=["verified"])
        for purpose in _ordered_purposes(consents):
            give_consent(user=user, purpose=purpose, now=now)
    return user


# --- Erasure (PDPA) ------------------------------------------------------------------


def erase_account(*, user: User, now: datetime.datetime | None = None) -> User:
    """Delete an account as docs/pdpa.md describes: personal data erased, counts kept.

    The row stays, anonymised, so enrolment and attendance counts per round and LAO do
    not change; nothing left on it names or reaches the person.
    """
    now = now or timezone.now()
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if user.erased_at is not None:
            raise AccountError("already_erased")
        if user.is_staff or user.is_superuser:
            raise AccountError("staff_account")
        run_erasure_hooks(user, now)
        ConsentRecord.objects.for_user(user).active().update(withdrawn_at=now)
        EmailAddress.objects.filter(user=user).delete()
        for name in (
            "prefix",
            "first_name",
            "last_name",
            "first_name_en",
            "last_name_en",
            "phone",
            "line_id",
            "position",
        ):
            setattr(user, name, "")
        user.email = f"erased-{user.pk}@{ERASED_EMAIL_DOMAIN}"
        user.set_unusable_password()
        user.is_active = False
        user.erased_at = now
        user.save()
        user.groups.clear()
        user.user_permissions.clear()
        # Earlier log entries were labelled with the e-mail address.
        ModelLogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(User), object_id=str(user.pk)
        ).update(label=user.email)
        log(instance=user, action="esc.accounts.erased", user=None, title=user.email)
    return user


# --- Download my data -----------------------------------------------------------------


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def account_sections(user: User) -> list:
    """The accounts app's own part of "download my data"."""
    from .personal_data import PersonalDataSection

    organisation: Organisation | None = user.organisation
    profile = {
        "email": user.email,
        "prefix": user.prefix,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "first_name_en": user.first_name_en,
        "last_name_en": user.last_name_en,
        "position": user.position,
        "phone": user.phone,
        "line_id": user.line_id,
        "lao_dla_code": organisation.dla_code if organisation else "",
        "lao_name": organisation.name_th if organisation else "",
        "lao_province": organisation.province_name_th if organisation else "",
        "lao_district": organisation.district_name_th if organisation else "",
        "role": user.role,
        "signup_src": user.signup_src,
        "date_joined": _iso(user.date_joined),
        "last_login": _iso(user.last_login),
    }
    consents = [
        {
            "purpose": record.purpose,
            "purpose_label": str(record.get_purpose_display()),
            "notice_version": record.notice_version,
            "given_at": _iso(record.given_at),
            "withdrawn_at": _iso(record.withdrawn_at),
        }
        for record in ConsentRecord.objects.for_user(user).order_by("given_at", "pk")
    ]
    return [
        PersonalDataSection(key="profile", title=str(_("Profile")), rows=[profile]),
        PersonalDataSection(key="consents", title=str(_("Consents")), rows=consents),
    ]

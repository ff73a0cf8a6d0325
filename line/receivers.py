"""What LINE listens to: the domain apps' signals (sent after commit) and allauth's.

Each receiver only enqueues a task (ids in), and only while the channel is on."""

from allauth.account.signals import user_signed_up
from allauth.socialaccount.signals import social_account_added, social_account_updated

from certificates.signals import certificate_issued, certificate_revoked
from courses.signals import enrolment_changed, round_rescheduled
from sessions.signals import room_opened

from . import client
from .models import NoticeKind


def _enrolment_changed(sender, enrolment_id, previous_status=None, **kwargs):
    if client.is_enabled():
        from .tasks import send_enrolment_line_notice

        send_enrolment_line_notice.enqueue(
            enrolment_id=enrolment_id, previous_status=previous_status
        )


def _round_rescheduled(sender, round_id, **kwargs):
    if client.is_enabled():
        from .tasks import ensure_line_round_schedule

        ensure_line_round_schedule.enqueue(round_id=round_id)


def _room_opened(sender, live_session_id, **kwargs):
    if client.is_enabled():
        from .tasks import send_room_open_line_notice

        send_room_open_line_notice.enqueue(live_session_id=live_session_id)


def _certificate(kind):
    def receiver(sender, certificate_id, **kwargs):
        if client.is_enabled():
            from .tasks import send_certificate_line_notice

            send_certificate_line_notice.enqueue(certificate_id=certificate_id, kind=kind)

    return receiver


_certificate_issued = _certificate(NoticeKind.CERTIFICATE_ISSUED)
_certificate_revoked = _certificate(NoticeKind.CERTIFICATE_REVOKED)


def _line_account(sociallogin):
    account = getattr(sociallogin, "account", None)
    if account is None or account.provider != "line":
        return None
    return account


def _social_account_added(sender, request, sociallogin, **kwargs):
    account = _line_account(sociallogin)
    if account is not None:
        from .services import link_from_login

        link_from_login(
            user=sociallogin.user,
            line_user_id=account.uid,
            display_name=str(account.extra_data.get("displayName") or ""),
        )


def _user_signed_up(sender, request, user, sociallogin=None, **kwargs):
    if sociallogin is not None:
        _social_account_added(sender, request, sociallogin)


def connect() -> None:
    enrolment_changed.connect(_enrolment_changed, dispatch_uid="line.enrolment_changed")
    round_rescheduled.connect(_round_rescheduled, dispatch_uid="line.round_rescheduled")
    room_opened.connect(_room_opened, dispatch_uid="line.room_opened")
    certificate_issued.connect(_certificate_issued, dispatch_uid="line.certificate_issued")
    certificate_revoked.connect(_certificate_revoked, dispatch_uid="line.certificate_revoked")
    social_account_added.connect(_social_account_added, dispatch_uid="line.social_added")
    social_account_updated.connect(_social_account_added, dispatch_uid="line.social_updated")
    user_signed_up.connect(_user_signed_up, dispatch_uid="line.user_signed_up")

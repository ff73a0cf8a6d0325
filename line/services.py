"""Linking a LINE account, the participant's choice of channels, and webhook events.

A link needs the participant's consent for training notices via LINE
(``ConsentPurpose.LINE``). It is made one of two ways:

* LINE Login (allauth's LINE provider, ``process=connect``): we learn the LINE user ID; the
  link is pending until the person is a friend of the official account (LINE Login's
  ``bot_prompt`` offers it; the ``follow`` webhook or the profile call tells us);
* a one-time code from the profile page that the participant sends to the official account
  as a message: the ``message`` webhook carries their LINE user ID with the code.

``unfollow`` (the person blocked the account) stops LINE messages; the e-mails come back.
"""

from __future__ import annotations

import datetime
import logging
import secrets

from allauth.socialaccount.models import SocialAccount
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import ConsentPurpose
from accounts.selectors import has_active_consent
from accounts.services import withdraw_consent
from core.errors import CodedError

from . import client
from .models import Channels, LineLink, LineWebhookEvent, WebhookStatus

logger = logging.getLogger(__name__)

CODE_LIFETIME = datetime.timedelta(minutes=30)
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed on phones
CODE_PREFIX = "ESC-"


class LineError(CodedError):
    MESSAGES = {
        "line_off": _("LINE notices are not available on this site."),
        "consent_missing": _(
            "Please tick the box to consent to receiving training notices via LINE."
        ),
        "not_linked": _("Your account is not linked to LINE."),
        "unknown_channels": _("Choose LINE, e-mail or both."),
    }


def _forget_link(user) -> None:
    LineLink.objects.filter(user=user).delete()
    SocialAccount.objects.filter(user=user, provider="line").delete()


def require_consent(user) -> None:
    if not has_active_consent(user, ConsentPurpose.LINE):
        raise LineError("consent_missing")


def new_link_code(*, user, now: datetime.datetime | None = None) -> LineLink:
    """A one-time code to send to the official account; a new one replaces the last."""
    if not client.is_enabled():
        raise LineError("line_off")
    require_consent(user)
    now = now or timezone.now()
    for _attempt in range(5):
        code = CODE_PREFIX + "".join(secrets.choice(CODE_ALPHABET) for _ in range(6))
        try:
            with transaction.atomic():
                link, _created = LineLink.objects.select_for_update().get_or_create(user=user)
                link.link_code = code
                link.link_code_expires_at = now + CODE_LIFETIME
                link.save(update_fields=["link_code", "link_code_expires_at"])
                return link
        except IntegrityError:  # the same code drawn twice: draw again
            continue
    raise RuntimeError("could not draw a unique LINE code")  # pragma: no cover


def _attach(*, user, line_user_id: str, display_name: str, now) -> LineLink:
    """Give ``user`` this LINE user ID (taking it from anyone else who held it: the person
    has just proved it is theirs)."""
    LineLink.objects.filter(line_user_id=line_user_id).exclude(user=user).update(
        line_user_id=None, following=False
    )
    link, _created = LineLink.objects.select_for_update().get_or_create(user=user)
    if link.line_user_id != line_user_id:
        link.following = False
    link.line_user_id = line_user_id
    link.display_name = display_name[:255] or link.display_name
    link.linked_at = now
    link.link_code = None
    link.link_code_expires_at = None
    link.save()
    return link


def link_from_login(*, user, line_user_id: str, display_name: str = "") -> LineLink | None:
    """allauth has connected a LINE account to ``user`` (LINE Login). Without the LINE
    consent the login stays a way to sign in and no messages are sent."""
    if not has_active_consent(user, ConsentPurpose.LINE):
        return None
    with transaction.atomic():
        link = _attach(
            user=user, line_user_id=line_user_id, display_name=display_name, now=timezone.now()
        )
        link_id = link.pk

        def check():
            from .tasks import refresh_friendship

            refresh_friendship.enqueue(link_id=link_id)

        transaction.on_commit(check)
    return link


def refresh_friendship_status(*, link_id: int) -> bool | None:
    """Ask LINE whether the linked person has the official account as a friend."""
    link = LineLink.objects.filter(pk=link_id, line_user_id__isnull=False).first()
    if link is None or not client.is_enabled():
        return None
    try:
        name = client.get_friend_display_name(link.line_user_id)
    except client.LineApiError as error:
        logger.warning("Could not read the LINE profile of link %s: %s", link_id, error)
        return None
    following = name is not None
    updates = {"following": following}
    if name:
        updates["display_name"] = name[:255]
    if following:
        updates["unfollowed_at"] = None
    LineLink.objects.filter(pk=link.pk).update(**updates)
    return following


def unlink_line(*, user) -> None:
    """Remove the link and the LINE log-in, and withdraw the LINE consent: the person is
    back to e-mail only. Linking again asks for the consent again."""
    with transaction.atomic():
        _forget_link(user)
        if has_active_consent(user, ConsentPurpose.LINE):
            withdraw_consent(user=user, purpose=ConsentPurpose.LINE)


def set_channels(*, user, channels: str) -> LineLink:
    if channels not in Channels.values:
        raise LineError("unknown_channels")
    link = LineLink.objects.filter(user=user, line_user_id__isnull=False).first()
    if link is None:
        raise LineError("not_linked")
    link.channels = channels
    link.save(update_fields=["channels"])
    return link


def line_wanted_instead_of_email(user) -> bool:
    """True when the participant asked for LINE only and LINE can reach them now: their
    e-mail notices are then sent over LINE (and by e-mail only if LINE cannot take them)."""
    if not client.is_enabled():
        return False
    return LineLink.objects.reachable().filter(user=user, channels=Channels.LINE).exists()


# --- Webhooks ---------------------------------------------------------------------------


def store_webhook_events(events: list) -> list[int]:
    """Keep each event once (by ``webhookEventId``); returns the ids of the new ones."""
    new = []
    for event in events:
        if not isinstance(event, dict):
            continue
        event_id = str(event.get("webhookEventId") or "")[:64]
        if not event_id:
            continue
        source = event.get("source") if isinstance(event.get("source"), dict) else {}
        stored, created = LineWebhookEvent.objects.get_or_create(
            webhook_event_id=event_id,
            defaults={
                "event_type": str(event.get("type") or "")[:32],
                "line_user_id": str(source.get("userId") or "")[:64],
                "payload": event,
            },
        )
        if created:
            new.append(stored.pk)
    return new


def _code_in(text: str) -> str:
    cleaned = "".join(text.upper().split())
    if cleaned.startswith(CODE_PREFIX) and len(cleaned) == len(CODE_PREFIX) + 6:
        return cleaned
    return ""


def process_webhook_event(*, event_id: int, now: datetime.datetime | None = None) -> str:
    """Act on one stored event, once. Returns its status."""
    now = now or timezone.now()
    with transaction.atomic():
        event = LineWebhookEvent.objects.select_for_update().filter(pk=event_id).first()
        if event is None or event.status != WebhookStatus.RECEIVED:
            return event.status if event else ""
        handled = False
        line_user_id = event.line_user_id
        if event.event_type == "follow" and line_user_id:
            handled = bool(
                LineLink.objects.filter(line_user_id=line_user_id).update(
                    following=True, unfollowed_at=None
                )
            )
        elif event.event_type == "unfollow" and line_user_id:
            handled = bool(
                LineLink.objects.filter(line_user_id=line_user_id).update(
                    following=False, unfollowed_at=now
                )
            )
        elif event.event_type == "message" and line_user_id:
            message = event.payload.get("message") or {}
            code = _code_in(str(message.get("text") or "")) if message.get("type") == "text" else ""
            link = (
                LineLink.objects.select_for_update()
                .filter(link_code=code, link_code_expires_at__gt=now)
                .select_related("user")
                .first()
                if code
                else None
            )
            if link is not None and has_active_consent(link.user, ConsentPurpose.LINE):
                link = _attach(user=link.user, line_user_id=line_user_id, display_name="", now=now)
                # They wrote to the account, so they have it as a friend.
                LineLink.objects.filter(pk=link.pk).update(following=True, unfollowed_at=None)
                handled = True
        event.status = WebhookStatus.PROCESSED if handled else WebhookStatus.IGNORED
        event.processed_at = now
        event.save(update_fields=["status", "processed_at"])
    return event.status

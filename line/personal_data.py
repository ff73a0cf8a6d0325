"""PDPA for LINE: the link, the LINE log-in and the notices in "download my data"; on
deletion or when the LINE consent is withdrawn the link, the LINE log-in and the person's
webhook events go. Notice records hold no name or LINE ID (a kind, a key, a time) and stay,
so a re-run task sends nothing again."""

from allauth.socialaccount.models import SocialAccount
from django.utils.translation import gettext as _

from accounts.models import ConsentPurpose
from accounts.personal_data import PersonalDataSection

from .models import LineLink, LineNotice, LineWebhookEvent


def _iso(value):
    return value.isoformat() if value else None


def line_personal_data(user) -> list[PersonalDataSection]:
    link = LineLink.objects.filter(user=user).first()
    links = []
    if link is not None:
        links.append(
            {
                "line_user_id": link.line_user_id,
                "display_name": link.display_name,
                "friend_of_official_account": link.following,
                "notices_by": link.channels,
                "linked_at": _iso(link.linked_at),
                "blocked_at": _iso(link.unfollowed_at),
                "code_pending": bool(link.link_code),
            }
        )
    logins = [
        {"provider": account.provider, "uid": account.uid, "date_joined": _iso(account.date_joined)}
        for account in SocialAccount.objects.filter(user=user, provider="line")
    ]
    notices = [
        {
            "kind": notice.kind,
            "kind_label": str(notice.get_kind_display()),
            "channel": notice.channel,
            "sent_at": _iso(notice.created_at),
        }
        for notice in LineNotice.objects.filter(user=user).order_by("created_at", "pk")
    ]
    return [
        PersonalDataSection(key="line_link", title=_("LINE link"), rows=links + logins),
        PersonalDataSection(key="line_notices", title=_("LINE notices"), rows=notices),
    ]


def forget_line(user) -> None:
    line_user_ids = list(
        LineLink.objects.filter(user=user, line_user_id__isnull=False).values_list(
            "line_user_id", flat=True
        )
    )
    line_user_ids += list(
        SocialAccount.objects.filter(user=user, provider="line").values_list("uid", flat=True)
    )
    LineWebhookEvent.objects.filter(line_user_id__in=line_user_ids).delete()
    LineLink.objects.filter(user=user).delete()
    SocialAccount.objects.filter(user=user, provider="line").delete()


def erase_line(user, now) -> None:
    forget_line(user)


def line_consent_withdrawn(user, purpose, now) -> None:
    if purpose == ConsentPurpose.LINE:
        LineLink.objects.filter(user=user).delete()
        SocialAccount.objects.filter(user=user, provider="line").delete()

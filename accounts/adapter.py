"""allauth adapter: the sign-up form's profile and consents are saved with the account,
and allauth's e-mails are ours (templates/account/email/, in Thai, links on SITE_URL)."""

from types import SimpleNamespace
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.internal.ratelimit import get_ip
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from .access import coordinated_province_code, is_dla_admin, is_trainer
from .services import register_participant


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "email_taken": _(
            "This e-mail address is already registered. Log in with it, or use "
            "“Forgot your password?” on the log-in page."
        ),
        "too_many_login_attempts": _(
            "Too many wrong passwords for this e-mail address from your connection. Wait "
            "5 minutes and try again, or set a new password with “Forgot your password?”: "
            "that also lifts this block. Log-ins from other connections are not affected."
        ),
    }

    def _get_login_attempts_cache_key(self, request, **credentials):
        # Failed log-ins count per account AND client address (ACCOUNT_RATE_LIMITS
        # "login_failed": …/key). Counted per account alone, anybody who knows an address
        # could lock its owner out everywhere with five wrong passwords; per address alone,
        # one address could try every account. The per-address limit ("…/ip") still holds.
        return f"{super()._get_login_attempts_cache_key(request, **credentials)}:{get_ip(request)}"

    def send_mail(self, template_prefix, email, context):
        """allauth's e-mails in Thai, naming the site by ``SITE_URL``'s host and linking to it.

        allauth builds links from the request (127.0.0.1 behind a proxy, or whatever
        Host the browser sent) and names the site from the Sites framework; a participant
        must see the address DLA's circular gives.
        """
        host = site_host()
        context = {
            **{
                key: on_site(value) if key.endswith("_url") and isinstance(value, str) else value
                for key, value in context.items()
            },
            # allauth writes "Unspecified" when the browser sent no User-Agent.
            **(
                {"user_agent": _("not sent by the browser")}
                if context.get("user_agent") in ("", "Unspecified")
                else {}
            ),
            "current_site": SimpleNamespace(name=host, domain=host),
            "site_url": settings.SITE_URL,
            "site_host": host,
        }
        with translation.override("th"):
            super().send_mail(template_prefix, email, context)

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        if not hasattr(form, "profile_data"):
            if commit:
                user.save()
            return user
        for name, value in form.profile_data().items():
            setattr(user, name, value)
        if commit:
            register_participant(
                user=user,
                consents=form.consent_purposes(),
                src=form.cleaned_data.get("src", ""),
            )
        return user

    def get_login_redirect_url(self, request):
        """Where each role lands after logging in (a ``next`` the person followed wins):
        participants on "การอบรมของฉัน", trainers on their rounds (today's on top),
        provincial coordinators on their province's coverage, DLA administrators on the
        rounds' overview."""
        return landing_url(request.user) or super().get_login_redirect_url(request)


def landing_url(user) -> str | None:
    if not user.is_authenticated:
        return None
    if is_dla_admin(user):
        return reverse("reports:rounds")
    if is_trainer(user):
        return reverse("cms:my_rounds")
    if coordinated_province_code(user):
        return reverse("reports:coverage")
    return reverse("cms:my_training")


def site_host() -> str:
    """The host of ``SITE_URL`` (with its port, if any): the site's name in e-mails."""
    return urlsplit(settings.SITE_URL).netloc


def on_site(url: str) -> str:
    """``url`` moved onto ``SITE_URL`` (same path, query and fragment)."""
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    path += f"#{parts.fragment}" if parts.fragment else ""
    return settings.SITE_URL + path

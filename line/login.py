"""LINE Login through allauth's LINE provider, pointed at ``LINE_ACCESS_URL`` and
``LINE_API_URL`` (LINE itself in production, the emulator in development and tests).

allauth writes LINE's addresses as class attributes of its adapter; they become properties
that read the settings at each request, so a test that points the settings at an emulator
on a free port is followed at once.
"""

from allauth.socialaccount.providers.line.views import LineOAuth2Adapter
from django.conf import settings


def _access(path: str):
    return property(lambda self: settings.LINE_ACCESS_URL.rstrip("/") + path)


def _api(path: str):
    return property(lambda self: settings.LINE_API_URL.rstrip("/") + path)


def point_allauth_at_settings() -> None:
    LineOAuth2Adapter.authorize_url = _access("/oauth2/v2.1/authorize")
    LineOAuth2Adapter.access_token_url = _api("/oauth2/v2.1/token")
    LineOAuth2Adapter.profile_url = _api("/v2/profile")
    LineOAuth2Adapter.id_token_url = _api("/oauth2/v2.1/verify")


def login_available(request) -> bool:
    """Whether a LINE Login app is configured (settings or the SocialApp table)."""
    from allauth.socialaccount.adapter import get_adapter

    try:
        return bool(get_adapter(request).list_apps(request, provider="line"))
    except Exception:  # noqa: BLE001 - a misconfigured app must not break the profile page
        return False

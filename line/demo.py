"""Development only: the LINE Login app for the emulator that `make run` starts."""

from allauth.socialaccount.models import SocialApp
from django.conf import settings


def seed_line_login() -> SocialApp | None:
    """A SocialApp for LINE Login pointing at the emulator's demo channel (DEBUG only; in
    production the channel comes from LINE_LOGIN_CHANNEL_ID/SECRET, see docs/line.md)."""
    if not settings.DEBUG or not settings.LINE_LOGIN_CHANNEL_ID:
        return None
    if settings.SOCIALACCOUNT_PROVIDERS.get("line", {}).get("APPS"):
        return None  # configured in the settings already: a second app would be ambiguous
    app, _created = SocialApp.objects.update_or_create(
        provider="line",
        defaults={
            "name": "LINE Login (emulator)",
            "client_id": settings.LINE_LOGIN_CHANNEL_ID,
            "secret": settings.LINE_LOGIN_CHANNEL_SECRET,
        },
    )
    return app

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from sessions import bbb
from sessions.server_check import FAIL, OK, check_server

MARKS = {OK: "[OK]", "warn": "[!!]", FAIL: "[XX]"}
UNUSABLE = _("This BigBlueButton server cannot be used.")
USABLE = _("This BigBlueButton server can be used.")


def both_languages(text) -> str:
    with translation.override("th"):
        thai = str(text)
    with translation.override("en"):
        english = str(text)
    return f"{thai} / {english}"


class Command(BaseCommand):
    help = (
        "Try the configured BigBlueButton server or Scalelite (BBB_URL, BBB_SECRET, "
        "BBB_CHECKSUM_ALGORITHM): API version, create, join URL, getMeetingInfo, end. "
        "Prints what works in Thai and English; exits with 1 when the server cannot be used."
    )

    def handle(self, *args, **options):
        client = bbb.get_client()
        self.stdout.write(f"BBB_URL = {client.base_url}")
        self.stdout.write(
            f"BBB_CHECKSUM_ALGORITHM = {client.algorithm} · "
            f"BBB_SCALELITE = {settings.BBB_SCALELITE} · BBB_WEBHOOKS = {settings.BBB_WEBHOOKS}"
        )
        results = check_server(
            client,
            site_url=settings.SITE_URL,
            scalelite=settings.BBB_SCALELITE,
            webhooks=settings.BBB_WEBHOOKS,
        )
        for result in results:
            with translation.override("th"):
                thai = result.text()
            with translation.override("en"):
                english = result.text()
            self.stdout.write(f"{MARKS[result.status]} {thai}")
            self.stdout.write(f"     {english}")
        if any(r.status == FAIL and r.essential for r in results):
            raise CommandError(both_languages(UNUSABLE))
        self.stdout.write(both_languages(USABLE))

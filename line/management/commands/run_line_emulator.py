from django.conf import settings
from django.core.management.base import BaseCommand
from django.urls import reverse

from line_emulator import cli


class Command(BaseCommand):
    help = "Run the LINE emulator (Messaging API, LINE Login, phone page at /phone/)."

    def add_arguments(self, parser):
        cli.add_arguments(parser)
        parser.set_defaults(port=settings.LINE_EMULATOR_PORT)

    def handle(self, *args, **options):
        def announce(line: str) -> None:
            self.stdout.write(line)
            self.stdout.flush()

        cli.serve(
            host=options["host"],
            port=options["port"],
            access_token=options["access_token"] or settings.LINE_CHANNEL_ACCESS_TOKEN,
            channel_secret=options["channel_secret"] or settings.LINE_CHANNEL_SECRET,
            login_channel_id=options["login_channel_id"] or settings.LINE_LOGIN_CHANNEL_ID,
            login_channel_secret=options["login_channel_secret"]
            or settings.LINE_LOGIN_CHANNEL_SECRET,
            webhook_url=options["webhook_url"]
            or settings.SITE_URL + reverse("line_webhook:webhook"),
            quota=options["quota"],
            verbose=options["verbose"],
            announce=announce,
        )

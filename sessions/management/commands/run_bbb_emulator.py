from django.conf import settings
from django.core.management.base import BaseCommand

from bbb_emulator import cli


class Command(BaseCommand):
    help = (
        "Run the BigBlueButton emulator (API at /bigbluebutton/api/, test control at /_emulator/)."
    )

    def add_arguments(self, parser):
        cli.add_arguments(parser)
        parser.set_defaults(port=settings.BBB_EMULATOR_PORT)  # BBB_PORT, as BBB_URL uses

    def handle(self, *args, **options):
        def announce(line: str) -> None:
            self.stdout.write(line)
            self.stdout.flush()

        cli.serve(
            host=options["host"],
            port=options["port"],
            secret=options["secret"] if options["secret"] is not None else settings.BBB_SECRET,
            callback_mode=options["callback_mode"],
            profile=options["profile"],
            bbb_version=options["bbb_version"],
            default_logout_url=options["default_logout_url"] or settings.SITE_URL + "/",
            verbose=options["verbose"],
            announce=announce,
        )

from django.conf import settings
from django.core.management.base import BaseCommand

from sessions.emulator import RunningEmulator


class Command(BaseCommand):
    help = (
        "Run the BigBlueButton emulator (API at /bigbluebutton/api/, test control at /_emulator/)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8090)
        parser.add_argument("--secret", default=None, help="Shared secret (default: BBB_SECRET)")
        parser.add_argument(
            "--callback-mode",
            choices=["send", "capture"],
            default="send",
            help="send callbacks to the platform, or only record them",
        )
        parser.add_argument("--bbb-version", choices=["2.7", "3.0"], default="3.0")
        parser.add_argument("--verbose", action="store_true", help="log every request")

    def handle(self, *args, **options):
        secret = options["secret"] if options["secret"] is not None else settings.BBB_SECRET
        emulator = RunningEmulator(
            host=options["host"],
            port=options["port"],
            secret=secret,
            callback_mode=options["callback_mode"],
            version=options["bbb_version"],
            default_logout_url=settings.SITE_URL + "/",
            verbose=options["verbose"],
        )
        self.stdout.write(f"BigBlueButton emulator on {emulator.url}")
        self.stdout.flush()
        try:
            emulator.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            emulator.stop()

"""`python manage.py sar_assess FILE.json`: the sandbox's computation on a JSON file.

Prints the assessment as JSON on stdout and nothing else. Invalid input prints
``{"errors": {"field": ["message"]}}`` and exits with status 1. ``-`` reads stdin.
See docs/sar-sandbox.md and the contract in sar.md.
"""

import sys

from django.core.management.base import BaseCommand
from django.utils import translation

from sar.cli import assess_file_text, read_input
from sar.engine import dumps_exact


class Command(BaseCommand):
    help = "Assess a city from a JSON file with the SAR sandbox framework; prints JSON."
    # The output is JSON only: no system-check chatter (the framework is checked here).
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("file", help="the input JSON file, or - for stdin")

    def handle(self, *args, **options):
        with translation.override("th"):
            text, error = read_input(options["file"], stdin=sys.stdin)
            status, document = (1, error) if error else assess_file_text(text)
            self.stdout.write(dumps_exact(document))
        if status:
            raise SystemExit(status)

"""Load DLA's LAO list from a CSV or XLSX file: a dry run unless --commit is given.

python manage.py import_lao_directory lao.xlsx            # check, save nothing
python manage.py import_lao_directory lao.xlsx --commit   # save, all rows or none
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from accounts.admin_views import organisation_dataset
from accounts.resources import OrganisationResource
from core.imports import ImportFileError, run_import


class Command(BaseCommand):
    help = "Import the LAO directory (CSV in UTF-8 or XLSX); dry run unless --commit."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--commit", action="store_true", help="Save the rows.")

    def handle(self, *args, path, commit, **options):
        file = Path(path)
        if not file.exists():
            raise CommandError(f"No such file: {file}")
        with translation.override("th"):
            try:
                dataset = organisation_dataset(file.name.lower(), file.read_bytes())
            except ImportFileError as error:
                raise CommandError(error.message) from error
            report = run_import(OrganisationResource(), dataset, dry_run=not commit)
            for problem in report.problems:
                for message in problem.messages:
                    self.stderr.write(f"line {problem.line}: {message}")
        summary = (
            f"{report.total_rows} rows: {report.new} new, {report.updated} updated, "
            f"{report.skipped} unchanged, {len(report.problems)} with problems"
        )
        if report.has_errors:
            raise CommandError(f"{summary}. Nothing was saved.")
        if commit:
            self.stdout.write(self.style.SUCCESS(f"{summary}. Saved."))
        else:
            self.stdout.write(f"{summary}. Dry run: nothing saved (add --commit).")

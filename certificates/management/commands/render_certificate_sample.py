"""Render the demo certificate (a made-up participant) to a PNG for people to look at.

    python manage.py render_certificate_sample docs/certificate-sample.png [--pdf out.pdf]

Uses the demo template from seed_demo (run that first) and pypdfium2 (dev requirements)
or poppler's pdftoppm to turn the PDF page into an image.
"""

import datetime
import shutil
import subprocess
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from certificates.demo import THAI_TEMPLATE
from certificates.models import CertificateTemplate
from certificates.rendering import render_sample_pdf

# A fixed date keeps the committed PNG stable: 28 พฤศจิกายน พ.ศ. ๒๕๖๙.
SAMPLE_DATE = datetime.datetime(2026, 11, 28, 10, 0, tzinfo=datetime.UTC)


def pdf_to_png(pdf: bytes, output: Path, *, dpi: int) -> None:
    try:
        import pypdfium2
    except ImportError:
        pypdfium2 = None
    if pypdfium2 is not None:
        document = pypdfium2.PdfDocument(pdf)
        document[0].render(scale=dpi / 72).to_pil().save(output, optimize=True)
        return
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        raise CommandError("Install pypdfium2 (requirements-dev.txt) or poppler-utils.")
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "sample.pdf"
        source.write_bytes(pdf)
        subprocess.run(  # noqa: S603 - fixed program and arguments
            [
                pdftoppm,
                "-png",
                "-r",
                str(dpi),
                "-singlefile",
                str(source),
                str(output.with_suffix("")),
            ],
            check=True,
        )


class Command(BaseCommand):
    help = "Render the demo certificate to a PNG (and optionally the PDF)."

    def add_arguments(self, parser):
        parser.add_argument("output", type=Path)
        parser.add_argument("--pdf", type=Path, help="also write the PDF here")
        parser.add_argument("--dpi", type=int, default=110)

    def handle(self, *args, output: Path, pdf: Path | None, dpi: int, **options):
        template = CertificateTemplate.objects.filter(name=THAI_TEMPLATE["name"]).first()
        if template is None:
            raise CommandError("No demo template: run `manage.py seed_demo` first.")
        if template.latest_revision_id:
            template = template.latest_revision.as_object()
        data = render_sample_pdf(template, issued_at=timezone.localtime(SAMPLE_DATE))
        if pdf:
            pdf.write_bytes(data)
        pdf_to_png(data, output, dpi=dpi)
        self.stdout.write(self.style.SUCCESS(f"Wrote {output}"))

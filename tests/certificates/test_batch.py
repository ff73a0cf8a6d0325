"""Bulk issuance renders certificates in batches: the same certificates as one by one."""

import io

import pypdfium2
import pytest
from PIL import ImageChops
from pypdf import PdfReader

from certificates import rendering
from certificates.demo import seed_certificates
from certificates.models import Certificate, IssuanceJob
from certificates.pdf import render_pdf, render_pdfs
from certificates.rendering import issued_html
from certificates.services import RENDER_BATCH, issue_certificate, run_issuance_job
from tests.factories import OrganisationFactory, ProgrammeFactory, UserFactory

from .pdfcheck import pdf_text

pytestmark = pytest.mark.django_db

# Names with ำ (alone and under tone marks), ็, ์, ๆ and stacked marks.
NAMES = [
    ("นางสาว", "น้ำฝน", "ใจดี", "เทศบาลตำบลน้ำรึม"),
    ("นาย", "ศักดิ์ชัย", "ต่ำสูง", "องค์การบริหารส่วนตำบลปากน้ำ"),
    ("นาง", "กิ่งก้อย", "เด็กๆ ดี", "เทศบาลเมืองกำแพงเพชร"),
    ("ว่าที่ร้อยตรี", "ปิ่นปั่น", "ญี่ปุ่นค้ำ", "องค์การบริหารส่วนจังหวัดชัยภูมิ"),
]


@pytest.fixture
def certificates(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    programme = ProgrammeFactory(title="โครงการอบรมเมืองคาร์บอนต่ำ")
    policy = seed_certificates(programme)  # the demo templates: two logos, two signatures
    issued = []
    for prefix, first, last, lao in NAMES:
        user = UserFactory(
            prefix=prefix,
            first_name=first,
            last_name=last,
            organisation=OrganisationFactory(name_th=lao, province_code="50"),
        )
        result = issue_certificate(
            policy=policy, user=user, check_eligibility=False, notify=False, render=False
        )
        issued.append(result.certificate)
    return issued


def page_images(data: bytes, dpi: int = 100) -> list:
    return [page.render(scale=dpi / 72).to_pil() for page in pypdfium2.PdfDocument(data)]


def test_a_batch_gives_the_same_pages_text_title_and_bookmarks_as_one_by_one(certificates):
    htmls = [issued_html(certificate) for certificate in certificates]
    alone = [render_pdf(html) for html in htmls]
    batch = render_pdfs(htmls)

    assert len(batch) == len(alone) == len(NAMES)
    for single, batched in zip(alone, batch, strict=True):
        single_pages, batched_pages = page_images(single), page_images(batched)
        assert len(single_pages) == len(batched_pages) == 1
        difference = ImageChops.difference(
            single_pages[0].convert("RGB"), batched_pages[0].convert("RGB")
        )
        assert difference.getbbox() is None  # not one pixel differs
        assert pdf_text(batched) == pdf_text(single)
        single_reader, batched_reader = (
            PdfReader(io.BytesIO(single)),
            PdfReader(io.BytesIO(batched)),
        )
        assert batched_reader.metadata.title == single_reader.metadata.title
        assert batched_reader.metadata.author == single_reader.metadata.author
        assert [item.title for item in batched_reader.outline] == [
            item.title for item in single_reader.outline
        ]
    # Each certificate's own: the batch was split at the right pages.
    for certificate, batched in zip(certificates, batch, strict=True):
        assert certificate.number in pdf_text(batched)


def test_bulk_issuance_stores_each_certificate_its_own_pdf(certificates):
    policy = certificates[0].policy
    Certificate.objects.all().delete()
    job = IssuanceJob.objects.create(policy=policy, total=len(certificates))
    job.items.bulk_create([job.items.model(job=job, user=c.user) for c in certificates])

    run_issuance_job(job.pk)

    issued = list(Certificate.objects.order_by("pk"))
    assert len(issued) == len(NAMES) < RENDER_BATCH  # one batch, rendered when the job ends
    for certificate in issued:
        with certificate.pdf.open("rb") as handle:
            text = pdf_text(handle.read())
        assert certificate.number in text


def test_a_batch_that_fails_is_rendered_one_by_one(certificates, monkeypatch, caplog):
    def broken_batch(*args, **kwargs):
        raise ValueError("the batch broke")  # whatever WeasyPrint or pypdf may raise

    monkeypatch.setattr(rendering, "render_pdfs", broken_batch)
    from certificates.services import render_missing_pdfs

    assert render_missing_pdfs([c.pk for c in certificates]) == len(certificates)

    assert "one by one" in caplog.text
    for certificate in Certificate.objects.all():
        with certificate.pdf.open("rb") as handle:
            assert certificate.number in pdf_text(handle.read())


def test_the_certificates_own_browser_defaults_print_what_weasyprints_full_ones_print(
    certificates,
):
    """certificates.pdf replaces WeasyPrint's HTML5 default sheet by the few rules a
    certificate needs: the pages must not change by one pixel, whatever the names."""
    from weasyprint import HTML

    from certificates.pdf import _shared

    shared = _shared()
    for certificate in certificates:
        html = issued_html(certificate)
        ours = render_pdf(html)
        full_defaults = (
            HTML(string=html, url_fetcher=shared["fetcher"], base_url="file:///")
            .render(stylesheets=[shared["stylesheet"]], font_config=shared["font_config"])
            .write_pdf()
        )
        difference = ImageChops.difference(
            page_images(ours)[0].convert("RGB"), page_images(full_defaults)[0].convert("RGB")
        )
        assert difference.getbbox() is None
        assert pdf_text(ours) == pdf_text(full_defaults)

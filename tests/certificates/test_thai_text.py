"""The text of a certificate PDF reads back as printed: ำ, ็, ์, ๆ and stacked marks too."""

import shutil
import subprocess

import fontpkg
import pypdfium2
import pytest
from PIL import ImageChops

from certificates.pdf import SARABUN_WEIGHTS, render_pdf
from certificates.rendering import issued_html
from certificates.services import certificate_pdf_bytes, issue_certificate
from core.thai_fonts import sarabun_path
from tests.factories import OrganisationFactory, ProgrammeFactory, RoundFactory, UserFactory

from .conftest import enrol
from .factories import CompletionPolicyFactory
from .pdfcheck import pdf_text

pytestmark = pytest.mark.django_db

# ำ alone and under each tone mark, ็, ์, ๆ, stacked vowel + tone marks; "สำนักงาน" and
# "ตำบลนาคำ" put ำ and า in one line (the two shared a glyph, so one read as the other).
PEOPLE = [
    ("นางสาว", "น้ำฝน", "ใจดี", "เทศบาลตำบลนาคำ"),
    ("นาย", "ศักดิ์ชัย", "ต่ำสูงค๊ำ", "องค์การบริหารส่วนตำบลปากน้ำ"),
    ("นาง", "กิ่งก้อย", "เด็กๆ ดีจ๋ำ", "สำนักงานเทศบาลเมืองกำแพงเพชร"),
    ("ว่าที่ร้อยตรี", "ปิ่นปั่น", "ญี่ปุ่นค้ำ", "องค์การบริหารส่วนจังหวัดชัยภูมิ"),
]
PROGRAMME = "โครงการอบรมเมืองคาร์บอนต่ำ ผ่านระบบออนไลน์"


def squeeze(text: str) -> str:
    """Without white space: a line may wrap between two Thai words, which have none."""
    return "".join(text.split())


def pdftotext(data: bytes, tmp_path) -> str:
    """Poppler's text in the order it was written (``-raw``), as a viewer selects it."""
    source = tmp_path / "certificate.pdf"
    source.write_bytes(data)
    return subprocess.run(  # noqa: S603 - fixed program, our own file
        [shutil.which("pdftotext"), "-raw", "-enc", "UTF-8", str(source), "-"],
        capture_output=True,
        check=True,
        text=True,
    ).stdout


@pytest.fixture
def certificates(evidence):
    round_ = RoundFactory(number=1, programme=ProgrammeFactory(title=PROGRAMME))
    policy = CompletionPolicyFactory(programme=round_.programme)
    issued = []
    for prefix, first, last, lao in PEOPLE:
        user = UserFactory(
            prefix=prefix,
            first_name=first,
            last_name=last,
            organisation=OrganisationFactory(name_th=lao),
        )
        enrol(user, round_)
        result = issue_certificate(
            policy=policy, user=user, check_eligibility=False, notify=False, render=False
        )
        issued.append(result.certificate)
    return issued


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils is not installed")
def test_the_extracted_text_is_the_printed_name_lao_and_title(certificates, tmp_path):
    for certificate, (prefix, first, last, lao) in zip(certificates, PEOPLE, strict=True):
        data = certificate_pdf_bytes(certificate=certificate)
        for text in (pdf_text(data), pdftotext(data, tmp_path)):  # pypdf, poppler
            # Every character, in order. (Extractors may add a space where WeasyPrint
            # draws a tone mark raised and shifted, as over ป; the text itself is right.)
            assert squeeze(f"{prefix}{first}{last}") in squeeze(text)
            assert squeeze(lao) in squeeze(text)
            assert squeeze(PROGRAMME) in squeeze(text)
            assert "วุฒิบัตร" in text
            # The words with ำ exactly as printed, and no า read as ำ or the reverse.
            for word in (*f"{first} {last} {lao}".split(), "คาร์บอนต่ำ"):
                if "ำ" in word:
                    assert word in text, word
        # PDFium (Chrome's viewer) reads every ำ and า, and the tone marks above ำ, right
        # too; it still shows its own stand-in character for the glyph of the nikhahit.
        page = pypdfium2.PdfDocument(data)[0].get_textpage().get_text_range()
        for mark in ("ำ", "า", "่ำ", "้ำ", "๊ำ", "๋ำ"):
            assert page.count(mark) == pdf_text(data).count(mark), mark


def test_the_certificate_looks_the_same_as_with_the_original_font(certificates):
    from django.template.loader import render_to_string
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    from certificates.pdf import _shared, fonts_css

    html = issued_html(certificates[0])
    stylesheet = fonts_css() + render_to_string("certificates/pdf/certificate.css")
    original = stylesheet
    for weight in SARABUN_WEIGHTS:
        original = original.replace(
            sarabun_path(weight).as_uri(), fontpkg.path("Sarabun", weight=weight).as_uri()
        )
    assert original != stylesheet

    font_config = FontConfiguration()
    before = HTML(string=html, url_fetcher=_shared()["fetcher"], base_url="file:///").write_pdf(
        stylesheets=[CSS(string=original, font_config=font_config)], font_config=font_config
    )
    after = render_pdf(html)
    images = [
        pypdfium2.PdfDocument(data)[0].render(scale=150 / 72).to_pil() for data in (before, after)
    ]
    assert (
        ImageChops.difference(images[0].convert("RGB"), images[1].convert("RGB")).getbbox() is None
    )
    assert pdf_text(before) != pdf_text(after)  # the text differs: ำ only reads right after

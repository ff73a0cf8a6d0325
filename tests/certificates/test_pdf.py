import pytest

from certificates.models import Certificate
from certificates.rendering import certificate_html, prepare_template, sample_facts
from certificates.services import certificate_pdf_bytes, issue_certificate
from tests.factories import OrganisationFactory, RoundFactory, UserFactory

from .conftest import enrol
from .factories import CompletionPolicyFactory, EnglishTemplateFactory
from .pdfcheck import decode_qr, page_size_mm, pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate(evidence):
    round_ = RoundFactory(number=1)
    policy = CompletionPolicyFactory(
        programme=round_.programme, template_en=EnglishTemplateFactory()
    )
    user = UserFactory(
        prefix="นางสาว",
        first_name="น้ำฝน",
        last_name="ใจดี",
        first_name_en="Namfon",
        last_name_en="Jaidee",
        organisation=OrganisationFactory(name_th="เทศบาลนครเชียงใหม่", name_en="Chiang Mai"),
    )
    enrol(user, round_)
    return issue_certificate(policy=policy, user=user, render=False).certificate


def test_the_pdf_is_a4_landscape_with_the_ascii_number_and_a_qr_to_verify(certificate):
    data = certificate_pdf_bytes(certificate=certificate)

    assert data.startswith(b"%PDF")
    assert page_size_mm(data) == (297, 210)
    assert certificate.number in pdf_text(data)
    assert decode_qr(data) == [f"http://testserver/verify/{certificate.display_code}/"]
    # Stored once, then served from storage.
    certificate.refresh_from_db()
    assert certificate.pdf.name.endswith(f"{certificate.number}.pdf")
    assert certificate_pdf_bytes(certificate=certificate) == data


def test_the_english_pdf_has_the_english_name_and_the_same_qr(certificate):
    data = certificate_pdf_bytes(certificate=certificate, language="en")
    text = pdf_text(data)
    assert "Namfon Jaidee" in text
    assert "Certificate of Completion" in text
    assert certificate.number in text
    assert decode_qr(data) == [f"http://testserver/verify/{certificate.display_code}/"]


def test_a_lost_pdf_is_rendered_again_from_the_pinned_data(certificate, certificate_files):
    first = certificate_pdf_bytes(certificate=certificate)
    certificate.refresh_from_db()
    (certificate_files / certificate.pdf.name).unlink()
    again = certificate_pdf_bytes(certificate=Certificate.objects.get(pk=certificate.pk))
    assert certificate.number in pdf_text(again)
    assert len(again) == pytest.approx(len(first), rel=0.01)


def test_the_html_writes_the_name_with_its_prefix_and_the_thai_date(certificate):
    prepared = prepare_template(certificate.template_revision.as_object())
    facts = sample_facts()
    html = certificate_html(prepared, facts)
    assert "นางสาวน้ำฝน ใจดี" in html
    assert "พ.ศ. ๒๕" in html  # Thai digits on: the date in the Buddhist Era, Thai numerals
    assert facts.number in html  # the number stays ASCII


def test_thai_digits_off_keeps_arabic_digits(certificate):
    template = certificate.template_revision.as_object()
    template.thai_digits = False
    html = certificate_html(prepare_template(template), sample_facts())
    assert "พ.ศ. 25" in html


def test_text_from_the_template_is_escaped(certificate):
    template = certificate.template_revision.as_object()
    template.title = "<script>alert(1)</script>"
    html = certificate_html(prepare_template(template), sample_facts())
    assert "<script>alert" not in html
    assert "&lt;script&gt;" in html

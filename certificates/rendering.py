"""From a certificate's pinned data to its HTML and PDF.

What is printed comes from frozen sources: the template revision pinned at issue
(``Revision.as_object()``), the copies of its images made when it was pinned
(``certificates.pinning``) and the snapshot of names and titles on the certificate.
Nothing here reads the participant's current profile, the template's current state or
an image's current file.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from core.thai import format_thai_date, to_thai_digits

from .codes import format_code
from .models import PLACEHOLDER_RE, Certificate, CertificateTemplate
from .pdf import media_url, pinned_url, render_pdf, render_pdfs
from .pinning import (
    BACKGROUND_SPEC,
    LOGO_SPEC,
    SIGNATURE_SPEC,
    pinned_image_files,
    template_image_ids,
)
from .qr import qr_img

BANGKOK_PROVINCE_CODE = "10"


def verification_url(code: str) -> str:
    """The public address printed in the QR code (Thai, no language prefix)."""
    with translation.override("th"):
        path = reverse("certificates:verify", kwargs={"code": format_code(code)})
    return f"{settings.SITE_URL}{path}"


@dataclass(frozen=True)
class PrintedFacts:
    """The participant-specific text of one certificate in one language."""

    language: str
    name: str
    lao: str
    province: str
    programme: str
    round: str
    course: str
    training: str
    issued_at: datetime.datetime
    circular: str
    number: str
    code: str
    verify_url: str


def province_phrase(code: str, name: str, language: str) -> str:
    if not name:
        return ""
    if language == "th":
        return name if code == BANGKOK_PROVINCE_CODE else f"จังหวัด{name}"
    return name if code == BANGKOK_PROVINCE_CODE else f"{name} Province"


def rounds_phrase(numbers: list[int], language: str) -> str:
    """What a programme certificate covers: "ครบทั้ง 4 ครั้ง (ครั้งที่ 1 2 3 และ 4)" (the
    template turns the digits Thai); empty when the rounds were not recorded."""
    numbers = [str(n) for n in numbers]
    if not numbers:
        return ""
    if language == "th":
        listed = numbers[0] if len(numbers) == 1 else " ".join(numbers[:-1]) + " และ " + numbers[-1]
        return f"ครบทั้ง {len(numbers)} ครั้ง (ครั้งที่ {listed})"
    listed = numbers[0] if len(numbers) == 1 else ", ".join(numbers[:-1]) + " and " + numbers[-1]
    return f"all {len(numbers)} rounds (rounds {listed})"


def facts_for(certificate: Certificate, language: str = "th") -> PrintedFacts:
    thai = language == "th"
    if certificate.round_number:
        round_label = (
            f"ครั้งที่ {certificate.round_number}" if thai else f"Round {certificate.round_number}"
        )
    else:
        round_label = ""
    programme = certificate.programme_title if thai else certificate.programme_title_en
    round_title = certificate.round_title if thai else certificate.round_title_en
    if certificate.round_number:
        training = f"{round_label}: {round_title}" if round_title else round_label
    else:
        training = rounds_phrase([r["number"] for r in certificate.rounds_covered], language)
    return PrintedFacts(
        language=language,
        name=certificate.recipient_name if thai else certificate.recipient_name_en,
        lao=certificate.organisation_name if thai else certificate.organisation_name_en,
        province=province_phrase(
            certificate.province_code,
            certificate.province_name if thai else certificate.province_name_en,
            language,
        ),
        programme=programme,
        round=round_label,
        course=round_title or programme,
        training=training,
        issued_at=certificate.issued_at,
        circular=certificate.circular_number,
        number=certificate.number,
        code=format_code(certificate.verification_code),
        verify_url=verification_url(certificate.verification_code),
    )


SAMPLE_CODE = "7KQ3M9XD2FHTRB6W"


def sample_facts(language: str = "th", *, issued_at=None) -> PrintedFacts:
    """A made-up participant, for the template preview and the sample PNG."""
    thai = language == "th"
    return PrintedFacts(
        language=language,
        name="นางสาวน้ำฝน ใจดี" if thai else "Namfon Jaidee",
        lao="เทศบาลนครเชียงใหม่" if thai else "Chiang Mai City Municipality",
        province=province_phrase("50", "เชียงใหม่" if thai else "Chiang Mai", language),
        programme=(
            "โครงการอบรมเสริมศักยภาพเครือข่ายขับเคลื่อนเมืองสิ่งแวดล้อมยั่งยืน "
            "และจัดเก็บข้อมูลสู่เมืองคาร์บอนต่ำ ผ่านระบบออนไลน์ ครั้งที่ ๑ - ๔"
            if thai
            else "Online training for the sustainable environmental city network "
            "and low-carbon city data, rounds 1-4"
        ),
        round="",
        course="",
        training=rounds_phrase([1, 2, 3, 4], language),
        issued_at=issued_at or timezone.now(),
        circular="มท ๐๘๒๐.๒/ว ๑๑๑๔",
        number="ESC-2569-000123",
        code=format_code(SAMPLE_CODE),
        verify_url=verification_url(SAMPLE_CODE),
    )


@dataclass(frozen=True)
class Agency:
    name: str
    logo: str = ""


@dataclass(frozen=True)
class Signatory:
    name: str
    position_lines: tuple[str, ...]
    signature: str = ""


@dataclass(frozen=True)
class PreparedTemplate:
    """A template revision with its images resolved, reusable for many certificates."""

    language: str
    title: str
    body: str
    date_line: str
    circular_reference: str
    issuer: str
    thai_digits: bool
    agencies: tuple[Agency, ...] = ()
    signatories: tuple[Signatory, ...] = ()
    background: str = ""


def _image_url(image, spec: str) -> str:
    """A live image (the template editor's preview and the sample)."""
    if image is None:
        return ""
    try:
        return media_url(image.get_rendition(spec).file.name)
    except (OSError, ValueError):
        # A missing or unreadable file leaves the place empty rather than failing.
        return ""


def prepare_template(
    template: CertificateTemplate, *, pinned: dict[tuple[int, str], str] | None = None
) -> PreparedTemplate:
    """The template ready to print. With ``pinned`` (an issued certificate's revision) the
    images are the copies made when the revision was pinned, never the current files."""
    places = iter(template_image_ids(template))

    def url(image, spec: str) -> str:
        image_id, _spec = next(places)
        if pinned is None:
            return _image_url(image() if callable(image) else image, spec)
        name = pinned.get((image_id, spec)) if image_id is not None else None
        return pinned_url(name) if name else ""

    # The background is read only for a live template: an issued revision's image may be gone.
    background = url(lambda: template.background, BACKGROUND_SPEC)
    agencies = tuple(
        Agency(name=block.value["name"], logo=url(block.value["logo"], LOGO_SPEC))
        for block in template.agencies
    )
    signatories = tuple(
        Signatory(
            name=block.value["name"],
            position_lines=tuple(
                line.strip() for line in block.value["position"].splitlines() if line.strip()
            ),
            signature=url(block.value["signature"], SIGNATURE_SPEC),
        )
        for block in template.signatories
    )
    return PreparedTemplate(
        language=template.language,
        title=template.title,
        body=template.body,
        date_line=template.date_line,
        circular_reference=template.circular_reference,
        issuer=template.issuer,
        thai_digits=template.thai_digits,
        agencies=agencies,
        signatories=signatories,
        background=background,
    )


def _fill(text: str, values: dict[str, str], thai_digits: bool) -> SafeString:
    """Escape the text, put the values in, and wrap each value for the stylesheet."""

    def convert(value: str) -> str:
        return to_thai_digits(value) if thai_digits else value

    pieces = []
    position = 0
    for match in PLACEHOLDER_RE.finditer(text):
        pieces.append(escape(convert(text[position : match.start()])))
        key = match.group(1)
        if key in values:
            pieces.append(f'<span class="ph-{key}">{escape(convert(values[key]))}</span>')
        position = match.end()
    pieces.append(escape(convert(text[position:])))
    return mark_safe("".join(pieces))  # noqa: S308 - every piece is escaped above


def certificate_html(prepared: PreparedTemplate, facts: PrintedFacts) -> str:
    values = {
        "name": facts.name,
        "lao": facts.lao,
        "province": facts.province,
        "course": facts.course,
        "programme": facts.programme,
        "round": facts.round,
        "training": facts.training,
        "date": format_thai_date(
            facts.issued_at, "long", thai_digits=prepared.thai_digits, language=facts.language
        ),
        "circular": facts.circular,
    }
    digits = prepared.thai_digits
    lines = []
    for line in prepared.body.splitlines():
        if not line.strip():
            continue
        css = "recipient" if line.strip() == "{name}" else "line"
        lines.append({"css": css, "html": _fill(line.strip(), values, digits)})
    thai = facts.language == "th"
    context = {
        "prepared": prepared,
        "facts": facts,
        "title": _fill(prepared.title, values, digits),
        "lines": lines,
        "date_line": _fill(prepared.date_line, values, digits),
        "circular_reference": _fill(prepared.circular_reference, values, digits),
        "qr": mark_safe(qr_img(facts.verify_url, alt=facts.verify_url)),  # noqa: S308
        "number_label": "เลขที่" if thai else "No.",
        "verify_label": "ตรวจสอบวุฒิบัตร" if thai else "Verify this certificate",
        "code_label": "รหัสตรวจสอบ" if thai else "Verification code",
    }
    return render_to_string("certificates/pdf/certificate.html", context)


def issued_html(
    certificate: Certificate, language: str = "th", *, prepared_cache: dict | None = None
) -> str:
    """The HTML of an issued certificate, from its pinned revision and its snapshot.

    ``prepared_cache`` (revision id -> PreparedTemplate) saves the template work when
    rendering many certificates of the same template.
    """
    revision_id = (
        certificate.template_en_revision_id
        if language == "en"
        else certificate.template_revision_id
    )
    prepared = prepared_cache.get(revision_id) if prepared_cache is not None else None
    if prepared is None:
        revision = (
            certificate.template_en_revision if language == "en" else certificate.template_revision
        )
        prepared = prepare_template(revision.as_object(), pinned=pinned_image_files(revision))
        if prepared_cache is not None:
            prepared_cache[revision_id] = prepared
    return certificate_html(prepared, facts_for(certificate, language))


def render_certificate_pdf(
    certificate: Certificate, language: str = "th", *, prepared_cache: dict | None = None
) -> bytes:
    """The PDF of an issued certificate, from its pinned revision and its snapshot."""
    return render_pdf(issued_html(certificate, language, prepared_cache=prepared_cache))


def render_certificate_pdfs(
    certificates: list[Certificate], language: str = "th", *, prepared_cache: dict | None = None
) -> list[bytes]:
    """The PDFs of many certificates, rendered as one batch (see ``pdf.render_pdfs``): the
    same pages as ``render_certificate_pdf`` gives each."""
    return render_pdfs(
        [issued_html(c, language, prepared_cache=prepared_cache) for c in certificates]
    )


def sample_html(template: CertificateTemplate, *, issued_at=None) -> str:
    return certificate_html(
        prepare_template(template), sample_facts(template.language, issued_at=issued_at)
    )


def render_sample_pdf(template: CertificateTemplate, *, issued_at=None) -> bytes:
    return render_pdf(sample_html(template, issued_at=issued_at))

"""PDPA for certificates: what a deleted participant's certificates keep, and what they lose."""

import pytest

from accounts.services import erase_account
from certificates.eligibility import candidate_user_ids
from certificates.models import Certificate, ItemStatus
from certificates.services import (
    CertificateError,
    certificate_pdf_bytes,
    issue_certificate,
    reissue_certificate,
    start_bulk_issuance,
)
from tests.factories import RoundFactory, UserFactory

from .conftest import enrol
from .factories import CompletionPolicyFactory, EnglishTemplateFactory, PolicyConditionFactory
from .pdfcheck import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def policy(evidence):
    round_ = RoundFactory(number=1)
    policy = CompletionPolicyFactory(
        programme=round_.programme, round=round_, template_en=EnglishTemplateFactory()
    )
    PolicyConditionFactory(policy=policy, kind="attendance", min_percent=80)
    return policy


def participant(evidence, policy, **fields):
    user = UserFactory(**fields)
    enrol(user, policy.round)
    evidence.attend(user, policy.round)
    return user


def test_a_deleted_participants_certificate_stays_valid_masked_and_its_pdfs_go(
    client, evidence, policy, certificate_files, django_capture_on_commit_callbacks
):
    person = participant(
        evidence,
        policy,
        prefix="นางสาว",
        first_name="น้ำฝน",
        last_name="ใจดี",
        first_name_en="Namfon",
        last_name_en="Jaidee",
    )
    certificate = issue_certificate(policy=policy, user=person, render=False).certificate
    certificate_pdf_bytes(certificate=certificate)
    certificate_pdf_bytes(certificate=certificate, language="en")
    certificate.refresh_from_db()
    files = [certificate_files / certificate.pdf.name, certificate_files / certificate.pdf_en.name]
    assert all(path.exists() for path in files)

    with django_capture_on_commit_callbacks(execute=True):
        erase_account(user=person)

    certificate.refresh_from_db()
    assert certificate.is_valid and certificate.number
    assert certificate.recipient_name == "น้ำ••• ใ•••"
    assert certificate.recipient_name_en == "N••• J•••"
    assert (certificate.pdf.name, certificate.pdf_en.name) == ("", "")
    assert not any(path.exists() for path in files)
    page = client.get(f"/verify/{certificate.display_code}/").content.decode()
    assert "วุฒิบัตรนี้ใช้ได้" in page and "น้ำ••• ใ•••" in page
    # Asked for again (by an administrator), the PDF is rendered from the masked record.
    text = pdf_text(certificate_pdf_bytes(certificate=certificate, language="en"))
    assert "N••• J•••" in text and "Namfon" not in text


def test_a_deleted_participant_is_issued_nothing_more(evidence, policy):
    person = participant(evidence, policy)
    waiting = participant(evidence, policy)
    issued = issue_certificate(policy=policy, user=person).certificate
    job = start_bulk_issuance(policy=policy, requested_by=None)  # queued for `waiting`
    job.items.create(user=person)  # as if they had been eligible when it started

    person = erase_account(user=person)

    assert person.pk not in candidate_user_ids(policy)
    assert dict(job.items.values_list("user_id", "status")) == {
        person.pk: ItemStatus.FAILED,
        waiting.pk: ItemStatus.PENDING,
    }
    for attempt in (
        lambda: issue_certificate(policy=policy, user=person, check_eligibility=False),
        lambda: reissue_certificate(certificate=issued, reason="ชื่อผิด", issued_by=None),
    ):
        with pytest.raises(CertificateError) as error:
            attempt()
        assert error.value.code == "no_participant"
    assert Certificate.objects.filter(user=person).count() == 1

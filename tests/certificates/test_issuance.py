import datetime
import re

import pytest
import time_machine
from django.core import mail
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import ModelLogEntry

from certificates import services
from certificates.models import Certificate, IssuanceJob, IssuanceJobItem, ItemStatus
from certificates.rendering import facts_for
from certificates.services import (
    RENDER_BATCH,
    CertificateError,
    _issue_next_items,
    issue_certificate,
    reissue_certificate,
    resume_issuance_job,
    revoke_certificate,
    run_issuance_job,
    start_bulk_issuance,
)
from tests.factories import RoundFactory, UserFactory

from .conftest import enrol
from .factories import CompletionPolicyFactory, PolicyConditionFactory

pytestmark = pytest.mark.django_db

BANGKOK = datetime.timezone(datetime.timedelta(hours=7))


@pytest.fixture
def round_policy(evidence):
    round_ = RoundFactory(number=2, title="การจัดเก็บข้อมูลเมือง")
    policy = CompletionPolicyFactory(programme=round_.programme, round=round_)
    PolicyConditionFactory(policy=policy, kind="attendance", min_percent=80)
    return policy


def eligible_participant(evidence, policy, **fields):
    user = UserFactory(**fields)
    enrol(user, policy.round)
    evidence.attend(user, policy.round)
    return user


def test_issue_certificate_numbers_pins_and_snapshots(evidence, round_policy):
    user = eligible_participant(
        evidence, round_policy, prefix="นางสาว", first_name="น้ำฝน", last_name="ใจดี"
    )
    with time_machine.travel(datetime.datetime(2026, 12, 31, 23, 30, tzinfo=BANGKOK)):
        result = issue_certificate(policy=round_policy, user=user)

    certificate = result.certificate
    assert result.created
    assert certificate.number == "ESC-2569-000001"  # Buddhist-Era year of issue in Bangkok
    assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{16}", certificate.verification_code)
    assert certificate.recipient_name == "นางสาวน้ำฝน ใจดี"
    assert certificate.organisation_name == user.organisation.name_th
    assert certificate.province_name == "เชียงใหม่"
    assert certificate.round_number == 2
    assert certificate.template_revision_id == round_policy.template.latest_revision_id
    assert ModelLogEntry.objects.filter(action="esc.certificates.issue").count() == 1


def test_issuing_twice_gives_the_same_certificate(evidence, round_policy):
    user = eligible_participant(evidence, round_policy)
    first = issue_certificate(policy=round_policy, user=user)
    second = issue_certificate(policy=round_policy, user=user)
    assert (second.created, second.certificate.pk) == (False, first.certificate.pk)
    assert Certificate.objects.count() == 1


def test_numbers_follow_each_other_and_restart_each_year(evidence, round_policy):
    users = [eligible_participant(evidence, round_policy) for _ in range(3)]
    with time_machine.travel(datetime.datetime(2026, 6, 1, 10, tzinfo=BANGKOK)):
        numbers = [
            issue_certificate(policy=round_policy, user=u).certificate.number for u in users[:2]
        ]
    with time_machine.travel(datetime.datetime(2027, 1, 5, 10, tzinfo=BANGKOK)):
        numbers.append(issue_certificate(policy=round_policy, user=users[2]).certificate.number)
    assert numbers == ["ESC-2569-000001", "ESC-2569-000002", "ESC-2570-000001"]


def test_not_eligible_participant_gets_no_certificate(evidence, round_policy):
    user = UserFactory()
    enrol(user, round_policy.round)
    evidence.attend(user, round_policy.round, minutes=10)
    with pytest.raises(CertificateError) as error:
        issue_certificate(policy=round_policy, user=user)
    assert error.value.code == "not_eligible"
    assert error.value.message == "ผู้เข้าอบรมยังไม่ผ่านเกณฑ์การรับวุฒิบัตร"
    assert not Certificate.objects.exists()


def test_inactive_policy_issues_nothing(evidence, round_policy):
    user = eligible_participant(evidence, round_policy)
    round_policy.is_active = False
    round_policy.save()
    with pytest.raises(CertificateError) as error:
        issue_certificate(policy=round_policy, user=user)
    assert error.value.code == "policy_inactive"


def test_later_edits_never_change_an_issued_certificate(evidence, round_policy):
    user = eligible_participant(evidence, round_policy, first_name="สมหญิง")
    certificate = issue_certificate(policy=round_policy, user=user).certificate

    template = round_policy.template
    template.title = "เกียรติบัตร"
    template.save()
    template.save_revision(log_action=False)
    user.first_name = "สมศรี"
    user.save()
    user.organisation.name_th = "ชื่อใหม่ของ อปท."
    user.organisation.save()

    certificate.refresh_from_db()
    pinned = certificate.template_revision.as_object()
    assert pinned.title == "วุฒิบัตร"
    facts = facts_for(certificate)
    assert "สมหญิง" in facts.name
    assert facts.lao != "ชื่อใหม่ของ อปท."
    # A certificate issued now uses the new revision.
    other = eligible_participant(evidence, round_policy)
    newer = issue_certificate(policy=round_policy, user=other).certificate
    assert newer.template_revision.as_object().title == "เกียรติบัตร"


def test_certificate_ready_email_in_thai_with_the_link(
    evidence, round_policy, django_capture_on_commit_callbacks
):
    user = eligible_participant(evidence, round_policy, email="namfon@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        certificate = issue_certificate(policy=round_policy, user=user).certificate

    [message] = mail.outbox
    assert message.to == ["namfon@example.com"]
    assert message.subject == "วุฒิบัตรของท่านพร้อมแล้ว: การจัดเก็บข้อมูลเมือง"
    assert f"http://testserver/my-certificates/{certificate.pk}/pdf/" in message.body
    assert f"/verify/{certificate.display_code}/" in message.body
    certificate.refresh_from_db()
    assert certificate.pdf.name  # rendered and stored by the task after commit


def test_bulk_issuance_issues_each_eligible_participant_once(
    evidence, round_policy, django_capture_on_commit_callbacks
):
    eligible = [eligible_participant(evidence, round_policy) for _ in range(4)]
    not_yet = UserFactory()
    enrol(not_yet, round_policy.round)
    already = eligible_participant(evidence, round_policy)
    issue_certificate(policy=round_policy, user=already, notify=False, render=False)

    with django_capture_on_commit_callbacks(execute=True):
        job = start_bulk_issuance(policy=round_policy, requested_by=None)

    job = IssuanceJob.objects.with_progress().get(pk=job.pk)
    assert (job.total, job.done_count, job.error_count, job.pending_count) == (4, 4, 0, 0)
    assert job.status == "finished"
    holders = Certificate.objects.filter(round=round_policy.round).values_list("user_id", flat=True)
    assert sorted(holders) == sorted([u.pk for u in eligible] + [already.pk])
    assert Certificate.objects.exclude(pdf="").filter(user__in=eligible).count() == 4
    # Running the job again changes nothing; a new bulk issuance finds nobody waiting.
    run_issuance_job(job.pk)
    assert Certificate.objects.count() == 5
    with pytest.raises(CertificateError) as error:
        start_bulk_issuance(policy=round_policy, requested_by=None)
    assert error.value.code == "nobody_to_issue"
    with pytest.raises(CertificateError) as error:
        resume_issuance_job(job=job, requested_by=None)
    assert error.value.code == "job_finished"


def test_bulk_issuance_counts_errors_and_goes_on(evidence, round_policy):
    users = [eligible_participant(evidence, round_policy) for _ in range(3)]
    job = start_bulk_issuance(policy=round_policy, requested_by=None)  # the task has not run
    round_policy.is_active = False
    round_policy.save()

    run_issuance_job(job.pk)

    job = IssuanceJob.objects.with_progress().get(pk=job.pk)
    assert (job.done_count, job.error_count) == (0, 3)
    assert set(job.items.values_list("error", flat=True)) == {"เกณฑ์การผ่านการอบรมนี้ยังไม่เปิดใช้งาน"}
    assert not Certificate.objects.filter(user__in=users).exists()


def _issue_one_batch(policy, users):
    """A job for ``users`` and its first batch claimed and issued; the queries it took."""
    job = IssuanceJob.objects.create(policy=policy, total=len(users))
    IssuanceJobItem.objects.bulk_create(IssuanceJobItem(job=job, user=user) for user in users)
    job = IssuanceJob.objects.select_related("policy__template", "policy__template_en").get(
        pk=job.pk
    )
    with CaptureQueriesContext(connection) as queries:
        items = _issue_next_items(job, RENDER_BATCH)
    return items, len(queries)


def test_a_bulk_batch_is_issued_in_the_same_few_queries_whatever_its_size(round_policy):
    """A batch takes the number sequence once and inserts its certificates and their audit
    entries in one statement each: the queries do not grow with the batch (one
    certificate at a time took about fifteen each)."""
    round_policy.conditions.all().delete()
    first = UserFactory.create_batch(2)  # pins the template's images, finds content types
    small = UserFactory.create_batch(3)
    large = UserFactory.create_batch(12)
    for user in first + small + large:
        enrol(user, round_policy.round)

    _issue_one_batch(round_policy, first)
    _items, small_queries = _issue_one_batch(round_policy, small)
    items, large_queries = _issue_one_batch(round_policy, large)

    assert large_queries == small_queries <= 16
    assert [item.status for item in items] == [ItemStatus.ISSUED] * len(large)
    numbers = [item.certificate.number for item in items]  # in the job's order, no gap
    assert numbers == [f"ESC-{numbers[0][4:8]}-{n:06d}" for n in range(6, 6 + len(large))]
    entries = ModelLogEntry.objects.filter(action="esc.certificates.issue")
    assert sorted(entries.values_list("object_id", flat=True)) == sorted(
        str(c.pk) for c in Certificate.objects.all()
    )
    entry = entries.get(object_id=str(items[0].certificate.pk))
    assert entry.data == {"number": numbers[0], "user_id": large[0].pk}
    assert entry.label == str(items[0].certificate)


def test_a_bulk_batch_keeps_what_one_at_a_time_did_for_each_participant(
    round_policy, django_capture_on_commit_callbacks
):
    """An erased participant fails alone, one who holds the certificate keeps it, the
    others get theirs and their e-mail."""
    round_policy.conditions.all().delete()
    holder, erased, *others = UserFactory.create_batch(5)
    for user in (holder, erased, *others):
        enrol(user, round_policy.round)
    held = issue_certificate(policy=round_policy, user=holder, notify=False, render=False)
    erased.erased_at = timezone.now()
    erased.save()
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        _issue_one_batch(round_policy, [holder, erased, *others])

    by_user = {item.user_id: item for item in IssuanceJobItem.objects.all()}
    assert by_user[holder.pk].certificate_id == held.certificate.pk
    assert by_user[erased.pk].status == ItemStatus.FAILED
    assert by_user[erased.pk].error == "ไม่พบบัญชีของผู้เข้าอบรมแล้ว"
    assert all(by_user[user.pk].status == ItemStatus.ISSUED for user in others)
    assert Certificate.objects.filter(user=erased).count() == 0
    assert sorted(message.to[0] for message in mail.outbox) == sorted(u.email for u in others)


def test_a_bulk_batch_the_database_refuses_is_issued_one_at_a_time(round_policy, monkeypatch):
    round_policy.conditions.all().delete()
    users = UserFactory.create_batch(3)
    for user in users:
        enrol(user, round_policy.round)

    def refuse(*args, **kwargs):
        raise IntegrityError("refused")

    monkeypatch.setattr(services, "_log_issued", refuse)
    items, _queries = _issue_one_batch(round_policy, users)

    assert [item.status for item in items] == [ItemStatus.ISSUED] * 3
    assert Certificate.objects.count() == 3
    numbers = sorted(Certificate.objects.values_list("number", flat=True))
    assert [int(number[-6:]) for number in numbers] == [1, 2, 3]  # the refused batch's undone
    assert ModelLogEntry.objects.filter(action="esc.certificates.issue").count() == 3


def test_revocation_is_audited_and_keeps_the_record(evidence, round_policy):
    admin = UserFactory(role="dla_admin")
    user = eligible_participant(evidence, round_policy)
    certificate = issue_certificate(policy=round_policy, user=user).certificate

    with pytest.raises(CertificateError) as error:
        revoke_certificate(certificate=certificate, reason="  ", revoked_by=admin)
    assert error.value.code == "reason_required"
    revoke_certificate(certificate=certificate, reason="ข้อมูลการเข้าร่วมผิดพลาด", revoked_by=admin)

    certificate.refresh_from_db()
    assert certificate.status == "revoked"
    entry = ModelLogEntry.objects.get(action="esc.certificates.revoke")
    assert entry.user_id == admin.pk
    assert entry.data["reason"] == "ข้อมูลการเข้าร่วมผิดพลาด"
    with pytest.raises(CertificateError) as error:
        revoke_certificate(certificate=certificate, reason="อีกครั้ง", revoked_by=admin)
    assert error.value.code == "already_revoked"


def test_reissue_gives_a_new_number_and_code_with_the_current_name(evidence, round_policy):
    admin = UserFactory(role="dla_admin")
    user = eligible_participant(evidence, round_policy, first_name="สมชัย")
    old = issue_certificate(policy=round_policy, user=user).certificate
    user.first_name = "สมชาย"  # the misspelt name was corrected
    user.save()

    new = reissue_certificate(certificate=old, reason="แก้ไขชื่อสะกดผิด", issued_by=admin)

    old.refresh_from_db()
    assert old.status == "revoked"
    assert new.replaces_id == old.pk
    assert new.number != old.number
    assert new.verification_code != old.verification_code
    assert new.recipient_first_name == "สมชาย"
    assert Certificate.objects.valid().get(user=user) == new
    with pytest.raises(CertificateError) as error:
        reissue_certificate(certificate=old, reason="ซ้ำ", issued_by=admin)
    assert error.value.code == "already_reissued"


def test_programme_certificate_and_round_certificates_are_separate(evidence):
    round_ = RoundFactory(number=1)
    programme_policy = CompletionPolicyFactory(programme=round_.programme)
    round_policy = CompletionPolicyFactory(programme=round_.programme, round=round_)
    user = UserFactory()
    enrol(user, round_)
    first = issue_certificate(policy=round_policy, user=user).certificate
    second = issue_certificate(policy=programme_policy, user=user).certificate
    assert first.pk != second.pk
    assert (first.round_id, second.round_id) == (round_.pk, None)
    assert second.number.endswith("000002")  # one sequence per programme and year


def test_job_items_are_unique_per_participant(evidence, round_policy):
    eligible_participant(evidence, round_policy)
    job = start_bulk_issuance(policy=round_policy, requested_by=None)
    assert list(job.items.values_list("status", flat=True)) == [ItemStatus.PENDING]

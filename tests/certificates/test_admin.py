import csv
import io
import re

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import ModelLogEntry

from certificates.models import Certificate, CertificateTemplate, CompletionPolicy, IssuanceJob
from certificates.services import issue_certificate, revoke_certificate
from tests.factories import RoundFactory, UserFactory

from .conftest import enrol
from .factories import CertificateTemplateFactory, CompletionPolicyFactory, PolicyConditionFactory
from .pdfcheck import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_user():
    return UserFactory(role="dla_admin", is_staff=True, is_superuser=True)


@pytest.fixture
def policy(evidence):
    round_ = RoundFactory(number=1)
    policy = CompletionPolicyFactory(programme=round_.programme, round=round_, title="เกณฑ์ครั้งที่ 1")
    PolicyConditionFactory(policy=policy, kind="attendance", min_percent=80)
    return policy


def participants(evidence, policy, count, *, attend=True):
    users = UserFactory.create_batch(count)
    for user in users:
        enrol(user, policy.round)
        if attend:
            evidence.attend(user, policy.round)
    return users


def test_eligibility_page_lists_who_is_eligible_and_why_not(
    client, admin_user, evidence, policy, django_assert_max_num_queries
):
    participants(evidence, policy, 3)
    [late] = participants(evidence, policy, 1, attend=False)
    client.force_login(admin_user)
    url = f"/admin/certificate_policies/eligibility/{policy.pk}/"
    with django_assert_max_num_queries(30):
        html = client.get(url).content.decode()
    assert "ลงทะเบียน 4 คน · มีสิทธิ์ 3 คน" in html
    assert late.full_name_th in html
    assert "เข้าร่วม 0 จาก 180 นาที (0%)" in html
    participants(evidence, policy, 20)
    with django_assert_max_num_queries(30):  # the same number of queries for 24 as for 4
        client.get(url)


def test_issue_one_from_the_admin(client, admin_user, evidence, policy):
    [user] = participants(evidence, policy, 1)
    client.force_login(admin_user)
    response = client.post(
        f"/admin/certificate_policies/issue/{policy.pk}/", {"user": user.pk}, follow=True
    )
    certificate = Certificate.objects.get(user=user)
    assert certificate.issued_by == admin_user
    assert f"ออกวุฒิบัตรเลขที่ {certificate.number}" in response.content.decode()


def test_bulk_issue_from_the_admin_shows_progress(
    client, admin_user, evidence, policy, django_capture_on_commit_callbacks
):
    participants(evidence, policy, 3)
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/certificate_policies/bulk-issue/{policy.pk}/")
    job = IssuanceJob.objects.get()
    assert response["Location"] == f"/admin/certificate_jobs/progress/{job.pk}/"
    html = client.get(response["Location"]).content.decode()
    assert "ออกแล้ว 3 จาก 3 ฉบับ ผิดพลาด 0 รายการ" in html
    assert 'http-equiv="refresh"' not in html  # finished: no more refreshing
    assert Certificate.objects.count() == 3
    assert client.get("/admin/certificate_jobs/").status_code == 200


def test_a_running_job_refreshes_and_can_be_resumed(client, admin_user, evidence, policy):
    participants(evidence, policy, 2)
    client.force_login(admin_user)
    client.post(f"/admin/certificate_policies/bulk-issue/{policy.pk}/")  # task not run
    job = IssuanceJob.objects.get()
    html = client.get(f"/admin/certificate_jobs/progress/{job.pk}/").content.decode()
    assert 'http-equiv="refresh"' in html
    assert "ออกแล้ว 0 จาก 2 ฉบับ" in html


def test_certificate_list_filters_and_exports(
    client, admin_user, evidence, policy, django_assert_max_num_queries
):
    users = participants(evidence, policy, 3)
    certificates = [
        issue_certificate(policy=policy, user=u, render=False).certificate for u in users
    ]
    revoke_certificate(certificate=certificates[2], reason="ทดสอบ", revoked_by=admin_user)
    client.force_login(admin_user)

    with CaptureQueriesContext(connection) as two_rows:
        html = client.get("/admin/certificates_issued/", {"status": "valid"}).content.decode()
    assert certificates[0].number in html and certificates[1].number in html
    assert certificates[2].number not in html
    for user in participants(evidence, policy, 7):
        issue_certificate(policy=policy, user=user, render=False)
    with django_assert_max_num_queries(len(two_rows)):  # nine rows cost what two did
        client.get("/admin/certificates_issued/", {"status": "valid"})

    response = client.get("/admin/certificates_issued/", {"export": "csv", "status": "revoked"})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["เลขที่วุฒิบัตร", "สถานะ", "ชื่อ"]
    assert rows[1:] and [row[:3] for row in rows[1:]] == [
        [certificates[2].number, "ถูกเพิกถอน", users[2].full_name_th]
    ]
    response = client.get("/admin/certificates_issued/", {"export": "csv"})
    assert len(response.content.decode("utf-8-sig").splitlines()) == 1 + 10

    response = client.get("/admin/certificates_issued/", {"export": "xlsx"})
    assert response.content[:2] == b"PK"


def test_admin_revokes_with_a_reason_and_it_is_logged(client, admin_user, evidence, policy):
    [user] = participants(evidence, policy, 1)
    certificate = issue_certificate(policy=policy, user=user, render=False).certificate
    client.force_login(admin_user)
    url = f"/admin/certificates_issued/revoke/{certificate.pk}/"

    response = client.post(url, {"reason": ""})
    assert response.status_code == 200  # the form again, nothing revoked
    certificate.refresh_from_db()
    assert certificate.is_valid

    response = client.post(url, {"reason": "ผู้เข้าอบรมขอยกเลิก"})
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert certificate.status == "revoked"
    assert ModelLogEntry.objects.filter(
        action="esc.certificates.revoke", object_id=str(certificate.pk), user=admin_user
    ).exists()


def test_admin_reissues(client, admin_user, evidence, policy):
    [user] = participants(evidence, policy, 1)
    certificate = issue_certificate(policy=policy, user=user, render=False).certificate
    client.force_login(admin_user)
    client.post(f"/admin/certificates_issued/reissue/{certificate.pk}/", {"reason": "แก้ชื่อ"})
    assert Certificate.objects.valid().get(user=user).replaces == certificate


def test_others_cannot_reach_the_certificate_admin(client, evidence, policy):
    """A trainer may use the Wagtail admin (pages), but not certificates."""
    trainer = UserFactory(role="trainer", is_staff=True)
    trainer.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(trainer)
    assert client.get("/admin/").status_code == 200
    for response in (
        client.get("/admin/certificates_issued/"),
        client.get(f"/admin/certificate_policies/eligibility/{policy.pk}/"),
        client.post(f"/admin/certificate_policies/bulk-issue/{policy.pk}/"),
        client.get("/admin/snippets/certificates/certificatetemplate/"),
    ):
        assert (response.status_code, response["Location"]) == (302, "/admin/")  # refused
    assert not IssuanceJob.objects.exists()


def test_editing_a_template_in_wagtail_keeps_revisions(client, admin_user, policy):
    template = policy.template
    client.force_login(admin_user)
    url = f"/admin/snippets/certificates/certificatetemplate/edit/{template.pk}/"
    assert client.get(url).status_code == 200
    before = template.revisions.count()
    data = {
        "name": template.name,
        "language": "th",
        "title": "เกียรติบัตร",
        "body": "{name}\nได้ผ่านการอบรม{course}",
        "date_line": "ให้ไว้ ณ วันที่ {date}",
        "circular_reference": "",
        "issuer": "กรมส่งเสริมการปกครองท้องถิ่น",
        "thai_digits": "on",
        "agencies-count": "0",
        "signatories-count": "0",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    template = CertificateTemplate.objects.get(pk=template.pk)
    assert template.revisions.count() == before + 1
    assert template.title == "เกียรติบัตร"

    data["body"] = "{nmae} ได้ผ่านการอบรม"
    html = client.post(url, data).content.decode()
    assert "{nmae}" in html and "ไม่รู้จักตัวแทนข้อความ" in html


def test_template_preview_shows_the_unsaved_template_as_a_pdf(client, admin_user, policy):
    client.force_login(admin_user)
    template = policy.template
    url = f"/admin/snippets/certificates/certificatetemplate/preview/{template.pk}/"
    data = {
        "name": template.name,
        "language": "th",
        "title": "เกียรติบัตรตัวอย่าง",
        "body": "{name}",
        "date_line": "",
        "circular_reference": "",
        "issuer": "กรมส่งเสริมการปกครองท้องถิ่น",
        "agencies-count": "0",
        "signatories-count": "0",
    }
    assert client.post(url, data).json()["is_valid"]
    response = client.get(url)
    assert response["Content-Type"] == "application/pdf"
    assert "ESC-2569-000123" in pdf_text(response.content)  # the sample's number
    assert CertificateTemplate.objects.get(pk=template.pk).title == "วุฒิบัตร"  # not saved


def test_administrator_creates_a_policy_with_conditions(client, admin_user, evidence):
    round_ = RoundFactory(number=2)
    template = CertificateTemplateFactory()
    client.force_login(admin_user)
    assert client.get("/admin/certificate_policies/new/").status_code == 200
    data = {
        "title": "วุฒิบัตรครั้งที่ 2",
        "programme": round_.programme_id,
        "round": round_.pk,
        "min_rounds": "",
        "template": template.pk,
        "template_en": "",
        "number_prefix": "ESC",
        "is_active": "on",
        "conditions-TOTAL_FORMS": "2",
        "conditions-INITIAL_FORMS": "0",
        "conditions-MIN_NUM_FORMS": "0",
        "conditions-MAX_NUM_FORMS": "1000",
        "conditions-0-kind": "attendance",
        "conditions-0-scope": "each_round",
        "conditions-0-min_percent": "80",
        "conditions-0-min_minutes": "",
        "conditions-0-ORDER": "1",
        "conditions-0-id": "",
        "conditions-1-kind": "post_test_passed",
        "conditions-1-scope": "each_round",
        "conditions-1-min_percent": "",
        "conditions-1-min_minutes": "",
        "conditions-1-ORDER": "2",
        "conditions-1-id": "",
    }
    response = client.post("/admin/certificate_policies/new/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    policy = CompletionPolicy.objects.get(title="วุฒิบัตรครั้งที่ 2")
    assert [(c.kind, c.params) for c in policy.conditions.all()] == [
        ("attendance", {"min_percent": 80}),
        ("post_test_passed", {}),
    ]

    data.update({"title": "ซ้ำ", "conditions-0-min_percent": "", "conditions-1-kind": "x"})
    html = client.post("/admin/certificate_policies/new/", data).content.decode()
    assert "เงื่อนไขการเข้าร่วมต้องระบุร้อยละหรือจำนวนนาที" in html
    assert not CompletionPolicy.objects.filter(title="ซ้ำ").exists()


def test_issue_one_with_a_bad_participant_id_is_a_404(client, admin_user, policy):
    client.force_login(admin_user)
    response = client.post(f"/admin/certificate_policies/issue/{policy.pk}/", {"user": "abc"})
    assert response.status_code == 404


def test_the_admin_shows_and_edits_a_condition_in_the_providing_apps_words(
    client, admin_user, policy
):
    """The list of policies describes each condition (not its JSON); the edit form shows
    the provider's fields filled from the stored parameters, and saves them back."""
    client.force_login(admin_user)
    listing = client.get("/admin/certificate_policies/").content.decode()
    assert "เข้าร่วมการอบรมอย่างน้อยร้อยละ 80" in listing
    assert "min_percent" not in listing
    condition = policy.conditions.get()
    assert str(condition) == "เข้าร่วมการอบรมอย่างน้อยร้อยละ 80"

    url = f"/admin/certificate_policies/edit/{policy.pk}/"
    html = client.get(url).content.decode()
    assert 'name="conditions-0-min_percent" value="80"' in html
    assert 'name="conditions-0-min_minutes"' in html
    data = {
        "title": policy.title,
        "programme": policy.programme_id,
        "round": policy.round_id,
        "min_rounds": "",
        "template": policy.template_id,
        "template_en": "",
        "number_prefix": "ESC",
        "is_active": "on",
        "conditions-TOTAL_FORMS": "1",
        "conditions-INITIAL_FORMS": "1",
        "conditions-MIN_NUM_FORMS": "0",
        "conditions-MAX_NUM_FORMS": "1000",
        "conditions-0-id": str(condition.pk),
        "conditions-0-kind": "attendance",
        "conditions-0-scope": "each_round",
        "conditions-0-min_percent": "",
        "conditions-0-min_minutes": "150",
        "conditions-0-ORDER": "1",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    condition.refresh_from_db()
    assert condition.params == {"min_minutes": 150}


def test_policy_pages_say_conditions_in_words_and_fill_the_rounds_column(
    client, admin_user, evidence, policy
):
    programme_policy = CompletionPolicyFactory(
        programme=policy.programme, round=None, title="เกณฑ์ทั้งโครงการ", min_rounds=None
    )
    PolicyConditionFactory(policy=programme_policy, kind="attendance", min_percent=75)
    RoundFactory(programme=policy.programme, number=2)
    client.force_login(admin_user)

    listing = client.get("/admin/certificate_policies/").content.decode()
    assert "เข้าร่วมการอบรมอย่างน้อยร้อยละ 80" in listing
    assert "ทุกครั้ง (2 ครั้ง)" in listing  # empty min_rounds: every round of the programme
    cells = [" ".join(cell.split()) for cell in re.findall(r"<td[^>]*>(.*?)</td>", listing, re.S)]
    assert not {"True", "False", "None", ""} & set(cells)
    assert "ใช่" in cells  # the active column
    assert "–" in cells  # the round policy's rounds to complete

    for page in (policy, programme_policy):
        html = client.get(f"/admin/certificate_policies/eligibility/{page.pk}/").content.decode()
        assert "min_percent" not in html
        assert "{&#x27;" not in html and "{'" not in html
    eligibility = client.get(
        f"/admin/certificate_policies/eligibility/{programme_policy.pk}/"
    ).content.decode()
    assert "เข้าร่วมการอบรมอย่างน้อยร้อยละ 75" in eligibility


def test_issued_certificates_show_their_times_in_bangkok_and_the_buddhist_era(
    client, admin_user, evidence, policy, time_machine
):
    import datetime

    [user] = participants(evidence, policy, 1)
    # 23:30 UTC on 31 December 2026 is already 1 January 2570 in Bangkok.
    time_machine.move_to(datetime.datetime(2026, 12, 31, 23, 30, tzinfo=datetime.UTC), tick=False)
    certificate = issue_certificate(policy=policy, user=user, render=False).certificate
    client.force_login(admin_user)

    detail = client.get(f"/admin/certificates_issued/inspect/{certificate.pk}/").content.decode()
    assert "1 ม.ค. 2570 06:30 น." in detail
    values = " ".join(re.findall(r"<dd[^>]*>(.*?)</dd>", detail, re.S))
    assert not re.search(r"\b20[0-9][0-9]\b", values)  # no Christian-Era year, no UTC time
    listing = client.get("/admin/certificates_issued/").content.decode()
    # The listing says "x ago" and gives the exact time, in the Buddhist Era, on hover.
    assert 'data-w-tooltip-content-value="1 ม.ค. 2570 06:30 น."' in listing


def test_issued_certificates_filter_by_a_bangkok_date_range_labelled_in_thai(
    client, admin_user, evidence, policy, time_machine
):
    import datetime

    first, second = participants(evidence, policy, 2)
    # 18:00 UTC on 1 December is 2 December in Bangkok; 16:00 UTC on 2 December is 23:00 there.
    time_machine.move_to(datetime.datetime(2026, 12, 1, 18, 0, tzinfo=datetime.UTC), tick=False)
    early = issue_certificate(policy=policy, user=first, render=False).certificate
    time_machine.move_to(datetime.datetime(2026, 12, 2, 17, 30, tzinfo=datetime.UTC), tick=False)
    late = issue_certificate(policy=policy, user=second, render=False).certificate
    client.force_login(admin_user)

    html = client.get(
        "/admin/certificates_issued/",
        {"issued_at_from": "2026-12-02", "issued_at_to": "2026-12-02"},
    ).content.decode()
    assert early.number in html
    assert late.number not in html  # 00:30 on 3 December in Bangkok
    assert "is greater than" not in html and "is less than" not in html
    assert re.search(r"<label[^>]*>\s*ออกเมื่อ\s*</label>", html)

"""Deleting an account leaves no trace of the person's name or e-mail address anywhere.

One participant takes part in everything the platform offers (enrolment and e-mails, a
live session seen by every attendance source, trainer's marks, a Learning Dashboard
import, tests, a sandbox workspace, certificates with their PDFs, an admin edit and an
avatar), then deletes the account. Every table of the database, the media and
certificate folders (PDF text included) and the cache are then searched for the name
(Thai and English, whole and in parts), the e-mail address, the phone and the LINE ID.
Only what docs/pdpa.md names as kept may still match. The same search run before the
deletion must find the person in each of those places, so the search itself is proven.
"""

import io
import json
import re
import time
from pathlib import Path

import jwt
import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from openpyxl import load_workbook
from wagtail.users.models import UserProfile

from accounts.models import User
from assessments.models import Attempt, QuizKind
from assessments.services import start_attempt, submit_attempt
from certificates.models import Certificate
from certificates.services import certificate_pdf_bytes, issue_certificate, reissue_certificate
from courses.models import Enrolment
from courses.services import enrol_participant
from sar.models import Workspace
from sar.services import add_ghg_activity, create_workspace, save_section
from sessions import services as session_services
from sessions.models import AttendanceEvent, AttendanceRecord, CallbackDelivery, LiveSession
from tests.accounts.factories import ReadyParticipantFactory
from tests.assessments.factories import correct_ids, make_quiz
from tests.certificates.factories import CompletionPolicyFactory, EnglishTemplateFactory
from tests.courses.test_notices import DB_TASKS, _run_worker
from tests.factories import OrganisationFactory, UserFactory
from tests.sar.conftest import PROFILE_FORM
from tests.sessions import conftest as session_fixtures
from tests.sessions.helpers import captured, deliver, join_meeting, start_meeting

from .traces import all_traces, pdf_text

pytestmark = pytest.mark.django_db

# The BBB emulator and a round in progress, as the sessions tests have them.
bbb_emulator = session_fixtures.bbb_emulator
live_round = session_fixtures.live_round

PERSON = {
    "email": "wilaiwan.srisuksan@example.go.th",
    "prefix": "นาง",
    "first_name": "วิไลวรรณ",
    "last_name": "ศรีสุขสันต์",
    "first_name_en": "Wilaiwan",
    "last_name_en": "Srisuksan",
    "phone": "0897654321",
    "line_id": "wilai.srisuk",
    "position": "นักวิชาการสิ่งแวดล้อมชำนาญการ",
}
NEEDLES = [
    "วิไลวรรณ",
    "ศรีสุขสันต์",
    "Wilaiwan",
    "Srisuksan",
    PERSON["email"],
    PERSON["phone"],
    PERSON["line_id"],
]
DOC = Path(__file__).resolve().parents[2] / "docs" / "pdpa.md"


def kept_columns() -> set[str]:
    """The ``table.column`` entries of the "Kept after deletion" table of docs/pdpa.md."""
    text = DOC.read_text(encoding="utf-8")
    section = text.split("## Kept after deletion", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\|\s*`([a-z0-9_]+\.[a-z0-9_]+)`", section, re.MULTILINE))


def dashboard_csv(name: str) -> str:
    header = (
        "Name,Moderator,Activity Score,Talk Time,Webcam Time,Messages,Reactions,Poll Votes,"
        "Raise Hands,Join,Left,Duration"
    )
    return "\r\n".join(
        [header, f'"{name}","FALSE","2","00:01:00","-","3","0","1","0","x","y","02:45:10"']
    )


@pytest.fixture
def folders(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CERTIFICATE_PDF_ROOT = tmp_path / "certificates"
    return [settings.MEDIA_ROOT, settings.CERTIFICATE_PDF_ROOT]


@override_settings(TASKS=DB_TASKS)
def test_a_deleted_participant_leaves_no_trace_of_name_or_email(
    client, settings, folders, live_round, bbb_emulator, django_capture_on_commit_callbacks
):
    commit = django_capture_on_commit_callbacks
    settings.BBB_WEBHOOKS = True
    trainer = live_round.trainer
    organisation = OrganisationFactory(name_th="เทศบาลตำบลบ้านทดลอง")
    person = ReadyParticipantFactory(organisation=organisation, **PERSON)
    colleague = ReadyParticipantFactory(organisation=organisation)
    with commit(execute=True):
        enrol_participant(user=person, round_=live_round)
        enrol_participant(user=colleague, round_=live_round)
    _run_worker()  # the confirmation e-mails

    # --- The live session, seen by every source of evidence ---------------------------
    session = start_meeting(client, live_round, bbb_emulator)
    token = join_meeting(client, live_round, person, bbb_emulator)
    assert session_services.poll_live_session(session=LiveSession.objects.get(pk=session.pk))
    client.force_login(trainer)
    roster = client.get(f"/live/{live_round.pk}/console/roster/").json()
    assert PERSON["first_name"] in json.dumps(roster, ensure_ascii=False)
    bbb_emulator.advance(150 * 60)
    bbb_emulator.control(f"sessions/{token}/leave")
    bbb_emulator.control(f"meetings/{session.meeting_id}/end", {"reason": "api"})
    bbb_emulator.advance(1)
    for call in captured(bbb_emulator, "webhook"):
        assert deliver(client, call, commit).status_code == 200
    (end,) = captured(bbb_emulator, "end")
    deliver(client, end, commit)
    (analytics,) = captured(bbb_emulator, "analytics")
    attendees = json.loads(analytics["body"])["data"]["attendees"]
    assert session_services.display_name(person) in {a["name"] for a in attendees}
    assert deliver(client, analytics, commit).status_code == 202
    # A signed callback we cannot read is kept verbatim (no session): it names her too.
    bearer = jwt.encode(
        {"exp": int(time.time()) + 3600}, session_fixtures.SECRET, algorithm="HS512"
    )
    malformed = json.dumps({"attendees": [{"name": session_services.display_name(person)}]})
    response = client.post(
        "/bbb/analytics/",
        data=malformed,
        content_type="application/json",
        headers={"Authorization": f"Bearer {bearer}"},
    )
    assert response.status_code == 400
    session = LiveSession.objects.get(pk=session.pk)
    session_services.mark_attendance(
        session=session,
        user=person,
        status="present",
        reason="วิไลวรรณแจ้งว่าอินเทอร์เน็ตหลุดช่วงบ่าย",
        by=trainer,
    )
    session_services.mark_co_viewer(
        session=session,
        user=colleague,
        host=person,
        reason="นั่งดูจอเดียวกับวิไลวรรณ",
        by=trainer,
    )
    upload = session_services.upload_dashboard_import(
        session=session,
        filename=f"{session_services.display_name(person)}.csv",
        content=dashboard_csv(session_services.display_name(person)),
        by=trainer,
    )
    session_services.apply_dashboard_import(attendance_import=upload, by=trainer)
    sources = set(AttendanceEvent.objects.filter(user=person).values_list("source", flat=True))
    assert sources == {"join_redirect", "poll", "webhook", "analytics", "manual", "import"}
    minutes_before = AttendanceRecord.objects.get(user=person).minutes_present
    assert minutes_before >= 150

    # --- Tests: a submitted post-test, a pre-test left in progress ----------------------
    post_test = make_quiz(live_round, kind=QuizKind.POST_TEST, questions=2)
    attempt = start_attempt(user=person, quiz=post_test)
    submit_attempt(
        user=person,
        attempt_id=attempt.pk,
        answers={q.pk: correct_ids(q) for q in post_test.questions.all()},
    )
    start_attempt(user=person, quiz=make_quiz(live_round, kind=QuizKind.PRE_TEST, questions=2))

    # --- A sandbox workspace with figures and notes that name her ---------------------
    workspace = create_workspace(owner=person, year_be=2569)
    save_section(
        workspace=workspace,
        section="profile",
        values=PROFILE_FORM,
        notes={"population": "ตัวเลขจากนางวิไลวรรณ ศรีสุขสันต์ โทร 0897654321"},
        user=person,
    )
    add_ghg_activity(
        workspace=workspace, ef_code="lpg_mobile", quantity="5", note="by Wilaiwan", user=person
    )

    # --- Certificates: issued, re-issued twice (the last one still queued) --------------
    policy = CompletionPolicyFactory(
        programme=live_round.programme, round=live_round, template_en=EnglishTemplateFactory()
    )
    with commit(execute=True):
        first = issue_certificate(policy=policy, user=person, check_eligibility=False).certificate
    _run_worker()  # its PDF and the "certificate ready" e-mail
    certificate_pdf_bytes(certificate=Certificate.objects.get(pk=first.pk), language="en")
    with commit(execute=True):
        second = reissue_certificate(
            certificate=first, reason="แก้ชื่อสกุลของวิไลวรรณที่สะกดผิด", issued_by=trainer
        )
    _run_worker()
    with commit(execute=True):
        third = reissue_certificate(
            certificate=second, reason="ออกใหม่ตามคำขอของ Wilaiwan", issued_by=trainer
        )
    # Not run yet: the third PDF and e-mail wait for the worker.

    # --- An edit in the Django admin, an avatar in the Wagtail admin ---------------------
    LogEntry.objects.log_actions(
        user_id=UserFactory(is_staff=True, is_superuser=True).pk,
        queryset=[person],
        action_flag=CHANGE,
        change_message=json.dumps([{"changed": {"fields": [f"phone {PERSON['phone']}"]}}]),
    )
    profile = UserProfile.get_for_user(person)
    profile.avatar = SimpleUploadedFile("wilaiwan-srisuksan.png", b"\x89PNG not really")
    profile.save()

    # --- Download my data: every app's part -------------------------------------------------
    client.force_login(person)
    data = json.loads(client.get("/me/privacy/my-data.json").content)["sections"]
    assert data["profile"]["rows"][0]["first_name"] == PERSON["first_name"]
    assert {row["source"] for row in data["attendance_events"]["rows"]} == sources
    assert data["attendance"]["rows"][0]["minutes_present"] == minutes_before
    assert [row["status"] for row in data["test_attempts"]["rows"]] == ["submitted", "in_progress"]
    assert len(data["test_answers"]["rows"]) == 2
    assert data["sandbox_workspaces"]["rows"][0]["year_be"] == 2569
    notes = {row["field"]: row["note"] for row in data["sandbox_figures"]["rows"]}
    assert "วิไลวรรณ" in notes["population"]
    assert data["sandbox_ghg_activities"]["rows"][0]["emission_factor"] == "lpg_mobile"
    assert [row["number"] for row in data["certificates"]["rows"]] == [
        first.number,
        second.number,
        third.number,
    ]
    assert {row["kind"] for row in data["notices"]["rows"]} >= {"confirmation"}
    assert [(row["template"], row["status"]) for row in data["emails"]["rows"]] == [
        ("certificates/email/certificate_ready", "READY"),
        ("certificates/email/certificate_ready", "SUCCESSFUL"),
        ("certificates/email/certificate_ready", "SUCCESSFUL"),
    ]
    assert data["enrolments"]["rows"][0]["round_title"] == live_round.title
    workbook = load_workbook(io.BytesIO(client.get("/me/privacy/my-data.xlsx").content))
    assert set(data) <= set(workbook.sheetnames)

    # --- The search finds her everywhere before the deletion ---------------------------
    before = {trace.where for trace in all_traces(NEEDLES, folders=folders)}
    expected_before = {
        "accounts_user.email",
        "accounts_user.first_name",
        "account_emailaddress.email",
        "training_sessions_attendanceevent.payload",
        "training_sessions_attendanceevent.reason",
        "training_sessions_attendancerecord.override_reason",
        "training_sessions_callbackdelivery.body",
        "training_sessions_attendanceimport.content",
        "training_sessions_attendanceimport.filename",
        "certificates_certificate.recipient_first_name",
        "certificates_certificate.recipient_name_en",
        "certificates_certificate.revocation_reason",
        "sar_entry.note",
        "sar_ghgactivity.note",
        "wagtailcore_modellogentry.label",
        "wagtailcore_modellogentry.data",
        "django_admin_log.object_repr",
        "django_admin_log.change_message",
        "django_tasks_database_dbtaskresult.args_kwargs",
        "wagtailusers_userprofile.avatar",
    }
    assert expected_before <= before, expected_before - before
    assert any(where.startswith("cache:") for where in before)
    stored = Certificate.objects.filter(pk__in=[first.pk, second.pk])
    pdfs = {name for pair in stored.values_list("pdf", "pdf_en") for name in pair if name}
    assert len(pdfs) == 3  # two Thai PDFs, one English, each with her name in its text
    assert {f"file:{name} (PDF text)" for name in pdfs} <= before
    assert any(where.startswith("file:avatar_images/") for where in before)

    counts_before = (
        Enrolment.objects.filter(round=live_round).count(),
        AttendanceRecord.objects.filter(session=session).count(),
        Certificate.objects.valid().filter(round=live_round).count(),
        Attempt.objects.submitted().filter(quiz=post_test).count(),
    )

    # --- She deletes her account ----------------------------------------------------------
    with commit(execute=True):
        response = client.post("/me/delete/", {"confirm": PERSON["email"]})
    assert response.status_code == 302
    _run_worker()  # what was still queued runs after the deletion

    traces = all_traces(NEEDLES, folders=folders)
    kept = kept_columns()
    left = [trace for trace in traces if trace.where not in kept]
    assert not left, "\n".join(str(trace) for trace in left)

    # --- What stays, stays: counts, minutes, a verifiable masked certificate ------------------
    erased = User.objects.get(pk=person.pk)
    assert erased.erased_at is not None
    counts_after = (
        Enrolment.objects.filter(round=live_round).count(),
        AttendanceRecord.objects.filter(session=session).count(),
        Certificate.objects.valid().filter(round=live_round).count(),
        Attempt.objects.submitted().filter(quiz=post_test).count(),
    )
    assert counts_after == counts_before
    session_services.reconcile_attendance(session=session)
    assert AttendanceRecord.objects.get(user=erased).minutes_present == minutes_before
    assert not Attempt.objects.filter(user=erased).in_progress().exists()
    assert not Workspace.objects.filter(owner=erased).exists()
    assert CallbackDelivery.objects.filter(kind="analytics").count() == 2
    names = set(
        Certificate.objects.filter(user=erased).values_list(
            "recipient_first_name", "recipient_last_name", "recipient_name_en"
        )
    )
    assert names == {("วิไ•••", "ศ•••", "W••• S•••")}
    assert (
        not Certificate.objects.filter(user=erased)
        .exclude(pdf="", pdf_en="")
        .exclude(pk=third.pk)
        .exists()
    )
    third = Certificate.objects.get(pk=third.pk)
    assert third.is_valid and third.user == erased
    assert third.recipient_name == "วิไ••• ศ•••"
    page = client.get(f"/verify/{third.display_code}/").content.decode()
    assert "วิไ••• ศ•••" in page and "ใช้ได้" in page
    # A PDF asked for after the deletion is rendered again, masked.
    assert "วิไ" in pdf_text(certificate_pdf_bytes(certificate=third))

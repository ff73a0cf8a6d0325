"""The trainer console: roster, marks, end, export and Learning Dashboard import."""

import csv
import io

import openpyxl
import pytest
from wagtail.models import ModelLogEntry

from courses.services import enrol_participant
from sessions import services
from sessions.models import AttendanceEvent, AttendanceImport, AttendanceRecord, LiveSession
from tests.factories import RoundFactory, UserFactory

from .helpers import join_meeting, start_meeting

pytestmark = pytest.mark.django_db


def console(round_):
    return f"/live/{round_.pk}/console/"


def test_only_the_rounds_trainers_and_dla_admins_see_the_console(client, live_round, participant):
    client.force_login(participant)
    assert client.get(console(live_round)).status_code == 404
    assert client.get(console(live_round) + "roster/").status_code == 404
    assert client.post(console(live_round) + "end/").status_code == 404
    other = RoundFactory(number=2)
    other.trainers.add(UserFactory(role="trainer"))
    client.force_login(other.trainers.get())
    assert client.get(console(live_round)).status_code == 404
    client.force_login(live_round.trainer)
    assert client.get(console(live_round)).status_code == 200
    client.force_login(UserFactory(role="dla_admin"))
    assert client.get(console(live_round)).status_code == 200


def test_the_roster_shows_enrolled_participants_against_who_is_in_the_meeting(
    client, live_round, participant, bbb_emulator, django_assert_max_num_queries
):
    absent = UserFactory()
    enrol_participant(user=absent, round_=live_round)
    start_meeting(client, live_round, bbb_emulator)
    join_meeting(client, live_round, participant, bbb_emulator)
    session = LiveSession.objects.get(round=live_round)
    bbb_emulator.control(
        f"meetings/{session.meeting_id}/attendees", {"userID": "guest-1", "fullName": "แขก"}
    )
    client.force_login(live_round.trainer)
    page = client.get(console(live_round)).content.decode()
    assert "data-roster-url" in page and "js/training_sessions.js" in page
    assert "<script>" not in page  # no inline script (CSP)
    with django_assert_max_num_queries(10):
        data = client.get(console(live_round) + "roster/").json()
    assert (data["enrolled"], data["in_meeting"]) == (2, 1)
    inside = {p["email"]: p["in_meeting"] for p in data["participants"]}
    assert inside == {participant.email: True, absent.email: False}
    assert {o["name"] for o in data["others"]} == {"แขก", live_round.trainer.full_name_th}
    assert data["status"] == "running"


def test_the_roster_still_answers_when_bbb_is_down(client, live_round, participant, bbb_emulator):
    start_meeting(client, live_round, bbb_emulator)
    bbb_emulator.fault("getMeetingInfo", "http500")
    client.force_login(live_round.trainer)
    data = client.get(console(live_round) + "roster/").json()
    assert data["problem"].startswith("ระบบ BigBlueButton ไม่ตอบสนอง")
    assert data["enrolled"] == 1


def test_the_trainer_ends_the_meeting_for_everyone(
    client, live_round, participant, bbb_emulator, django_capture_on_commit_callbacks
):
    session = start_meeting(client, live_round, bbb_emulator)
    join_meeting(client, live_round, participant, bbb_emulator)
    client.force_login(live_round.trainer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(console(live_round) + "end/", {"confirm": "on"})
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.status == "ended"
    assert bbb_emulator.meeting(session.meeting_id)["forciblyEnded"] is True
    assert ModelLogEntry.objects.filter(action="esc.training_sessions.end").exists()
    # The join click gives a record (absent until the analytics arrive).
    assert AttendanceRecord.objects.get(user=participant).status == "absent"


def test_ending_when_bbb_is_down_gives_the_retry_page(client, live_round, bbb_emulator):
    start_meeting(client, live_round, bbb_emulator)
    bbb_emulator.fault("end", "timeout", delay_s=5)
    client.force_login(live_round.trainer)
    response = client.post(console(live_round) + "end/", {"confirm": "on"})
    assert response.status_code == 503
    assert "ลองอีกครั้ง" in response.content.decode()
    assert LiveSession.objects.get(round=live_round).status != "ended"


def test_marks_and_co_viewers_from_the_console(client, live_round, participant):
    colleague = UserFactory()
    enrol_participant(user=colleague, round_=live_round)
    client.force_login(live_round.trainer)
    response = client.post(
        console(live_round) + "mark/",
        {"participant": participant.email, "status": "excused", "reason": "ไปราชการ"},
    )
    assert response.status_code == 302
    assert AttendanceRecord.objects.get(user=participant).status == "excused"
    client.post(
        console(live_round) + "co-viewer/",
        {"participant": colleague.email, "host": participant.email, "reason": "ดูจอเดียวกัน"},
    )
    assert AttendanceRecord.objects.get(user=colleague).co_viewer_of == participant
    bad = client.post(
        console(live_round) + "mark/",
        {"participant": "nobody@example.com", "status": "present", "reason": "x"},
        follow=True,
    )
    assert "ไม่พบผู้เข้าอบรมที่ลงทะเบียนด้วยอีเมลนี้" in bad.content.decode()


def test_attendance_exports_as_csv_and_xlsx(client, live_round, participant):
    session = services.get_or_create_live_session(round_=live_round)
    services.mark_attendance(
        session=session, user=participant, status="present", reason="ยืนยัน", by=live_round.trainer
    )
    client.force_login(live_round.trainer)
    response = client.get(console(live_round) + "export.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "อีเมล"
    assert rows[1][0] == participant.email
    assert "เข้าร่วมครบ" in rows[1]
    xlsx = client.get(console(live_round) + "export.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.cell(row=2, column=1).value == participant.email
    assert client.get(console(live_round) + "export.pdf").status_code == 404


DASHBOARD_HEADER = (
    "Name,Moderator,Activity Score,Talk Time,Webcam Time,Messages,Reactions,Poll Votes,"
    "Raise Hands,Join,Left,Duration,Which topic?"
)


def dashboard_csv(*lines):
    return "\r\n".join(
        [DASHBOARD_HEADER, *lines, '"Anonymous","","","","","","","","","","","","B"']
    )


def upload(client, round_, content):
    file = io.BytesIO(content.encode("utf-8"))
    file.name = "session-data.csv"
    return client.post(console(round_) + "import/", {"file": file})


def test_a_dashboard_file_with_a_bad_row_saves_nothing_and_names_the_row(
    client, live_round, participant
):
    name = services.display_name(participant)
    content = dashboard_csv(
        '"Trainer","TRUE","0","-","-","0","0","0","0","1/1/2026","1/1/2026","03:00:00","-"',
        f'"{name}","FALSE","2","00:01:00","-","3","0","1","0","x","y","02:45:10","A"',
        '"ใครก็ไม่รู้","FALSE","0","-","-","0","0","0","0","x","y","01:00:00","-"',
        f'"{participant.full_name_th}","FALSE","0","-","-","0","0","0","0","x","y","bad","-"',
    )
    client.force_login(live_round.trainer)
    response = upload(client, live_round, content)
    assert response.status_code == 302
    preview = client.get(response["Location"]).content.decode()
    assert "ไม่พบผู้เข้าอบรมที่ลงทะเบียนชื่อนี้" in preview
    assert 'data-line="4"' in preview and 'data-line="5"' in preview
    assert "ระยะเวลาไม่อยู่ในรูปแบบ" in preview
    assert "นำเข้าข้อมูลนี้" not in preview  # no confirm button
    refused = client.post(response["Location"], follow=True)
    assert "ไฟล์มีข้อผิดพลาด" in refused.content.decode()
    assert not AttendanceEvent.objects.filter(source="import").exists()


def test_a_correct_dashboard_file_is_previewed_then_imported_once(client, live_round, participant):
    name = services.display_name(participant)
    content = dashboard_csv(
        '"Trainer","TRUE","0","-","-","0","0","0","0","x","y","03:00:00","-"',
        f'"{name}","FALSE","2","00:01:00","-","3","0","1","0","x","y","02:45:10","A"',
    )
    client.force_login(live_round.trainer)
    location = upload(client, live_round, content)["Location"]
    preview = client.get(location).content.decode()
    assert "ผู้ดำเนินการ: ข้าม" in preview
    assert participant.email in preview
    assert client.post(location).status_code == 302
    record = AttendanceRecord.objects.get(user=participant)
    assert (record.minutes_present, record.status, record.decided_by) == (165, "present", "import")
    assert AttendanceImport.objects.get().rows_applied == 1
    again = client.post(location, follow=True)
    assert "ไฟล์นี้นำเข้าไปแล้ว" in again.content.decode()
    assert AttendanceEvent.objects.filter(source="import").count() == 1
    assert ModelLogEntry.objects.filter(action="esc.training_sessions.import").count() == 1


def test_dla_admins_set_the_attendance_rule_in_the_wagtail_admin(client, live_round):
    session = services.get_or_create_live_session(round_=live_round)
    admin = UserFactory(role="dla_admin", is_staff=True, is_superuser=True)
    client.force_login(admin)
    listing = client.get("/admin/live_sessions/")
    assert listing.status_code == 200
    assert live_round.title in listing.content.decode()
    edit = client.get(f"/admin/live_sessions/edit/{session.pk}/")
    assert edit.status_code == 200
    assert 'name="present_min_percent"' in edit.content.decode()

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

from .helpers import every_server, join_meeting, start_meeting

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


def test_the_console_shows_what_each_participants_attendance_rests_on(
    client, live_round, participant, bbb_emulator, django_capture_on_commit_callbacks
):
    absent = UserFactory()
    enrol_participant(user=absent, round_=live_round)
    session = start_meeting(client, live_round, bbb_emulator)
    join_meeting(client, live_round, participant, bbb_emulator)
    bbb_emulator.advance(600)
    services.poll_live_session(session=session)
    client.force_login(live_round.trainer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(console(live_round) + "end/", {"confirm": "on"})
    data = client.get(console(live_round) + "roster/").json()
    rests_on = {p["email"]: p["evidence"] for p in data["participants"]}
    assert rests_on == {
        participant.email: ["การตรวจสอบห้องประชุม BBB", "ปุ่มเข้าห้องอบรม"],
        absent.email: [],
    }
    page = client.get(console(live_round)).content.decode()
    assert "การตรวจสอบห้องประชุม BBB, ปุ่มเข้าห้องอบรม" in page
    assert 'data-analytics-received="false"' in page


def test_the_roster_still_answers_when_bbb_is_down(client, live_round, participant, bbb_emulator):
    start_meeting(client, live_round, bbb_emulator)
    bbb_emulator.fault("getMeetingInfo", "http500")
    client.force_login(live_round.trainer)
    data = client.get(console(live_round) + "roster/").json()
    assert data["problem"].startswith("ระบบ BigBlueButton ไม่ตอบสนอง")
    assert data["enrolled"] == 1


@every_server
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
    ended = bbb_emulator.meeting(session.meeting_id)
    assert ended["forciblyEnded"] is True
    assert ended["removed"] is (bbb_emulator.profile in ("bbb-3.0", "scalelite"))
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


def impostor_of(user, round_):
    """A participant who copied ``user``'s prefix, names and LAO into their own profile."""
    copy = UserFactory(
        prefix=user.prefix,
        first_name=user.first_name,
        last_name=user.last_name,
        organisation=user.organisation,
    )
    enrol_participant(user=copy, round_=round_)
    assert services.display_name(copy) == services.display_name(user)
    return copy


def line(name, duration, *extra):
    cells = [name, "FALSE", "2", "00:01:00", "-", "3", "0", "1", "0", "x", "y", duration, "A"]
    return ",".join(f'"{cell}"' for cell in [*cells, *extra])


def test_a_copied_name_and_lao_do_not_block_the_import_of_who_was_in_the_meeting(
    client, live_round, participant, bbb_emulator
):
    start_meeting(client, live_round, bbb_emulator)
    join_meeting(client, live_round, participant, bbb_emulator)  # BBB saw userID = their id
    impostor = impostor_of(participant, live_round)
    content = dashboard_csv(line(services.display_name(participant), "02:45:10"))
    client.force_login(live_round.trainer)
    location = upload(client, live_round, content)["Location"]
    preview = client.get(location).content.decode()
    assert "มีผู้เข้าอบรมหลายคนใช้ชื่อนี้" not in preview
    assert participant.email in preview
    assert client.post(location).status_code == 302
    assert AttendanceRecord.objects.get(user=participant).minutes_present == 165
    assert not AttendanceRecord.objects.filter(user=impostor, minutes_present__gt=0).exists()


def test_the_name_bbb_showed_for_each_user_id_decides_between_namesakes(
    client, live_round, participant, bbb_emulator
):
    session = start_meeting(client, live_round, bbb_emulator)
    impostor = impostor_of(participant, live_round)
    # Both pressed Join; the polls saw only the impostor, under the name they copied.
    join_meeting(client, live_round, participant, bbb_emulator)
    AttendanceEvent.objects.create(
        session=session,
        user=impostor,
        external_user_id=str(impostor.pk),
        source="poll",
        kind="presence",
        occurred_at=live_round.starts_at,
        payload={"fullName": services.display_name(impostor)},
    )
    content = dashboard_csv(line(services.display_name(participant), "00:30:00"))
    rows = services.preview_dashboard_import(session=session, content=content)
    assert [(row.user, row.error, row.matched_by) for row in rows] == [(impostor, "", "bbb")]


def test_an_id_column_in_the_file_is_matched_first(client, live_round, participant):
    impostor = impostor_of(participant, live_round)
    session = services.get_or_create_live_session(round_=live_round)
    name = services.display_name(participant)
    content = "\r\n".join(
        [
            DASHBOARD_HEADER + ",User ID",
            line(name, "01:00:00", str(impostor.pk)),
            line(name, "02:00:00", str(participant.pk)),
        ]
    )
    rows = services.preview_dashboard_import(session=session, content=content)
    assert [(row.user, row.minutes, row.matched_by) for row in rows] == [
        (impostor, 60, "id"),
        (participant, 120, "id"),
    ]


def test_the_trainer_chooses_who_an_ambiguous_line_is_or_skips_it(client, live_round, participant):
    impostor = impostor_of(participant, live_round)
    name = services.display_name(participant)
    content = dashboard_csv(line(name, "02:45:10"), line(name, "00:10:00"))
    client.force_login(live_round.trainer)
    location = upload(client, live_round, content)["Location"]
    preview = client.get(location).content.decode()
    assert 'name="line-2"' in preview and 'name="line-3"' in preview
    assert f'value="{impostor.pk}"' in preview and 'value="skip"' in preview
    assert "นำเข้าข้อมูลนี้" in preview  # the file is not lost: it can be confirmed
    # Nothing chosen yet, or someone who is not a candidate: nothing is saved.
    for choices in ({}, {"line-2": str(live_round.trainer.pk), "line-3": "skip"}):
        refused = client.post(location, choices)
        assert refused.status_code == 200
        assert "เลือกผู้เข้าอบรมของบรรทัดที่ทำเครื่องหมายไว้" in refused.content.decode()
        assert not AttendanceEvent.objects.filter(source="import").exists()
    kept = client.post(location, {"line-2": str(participant.pk)}).content.decode()
    assert f'<option value="{participant.pk}" selected>' in kept  # the choice stays
    done = client.post(location, {"line-2": str(participant.pk), "line-3": "skip"})
    assert done.status_code == 302
    assert AttendanceRecord.objects.get(user=participant).minutes_present == 165
    assert not AttendanceEvent.objects.filter(source="import", user=impostor).exists()
    entry = ModelLogEntry.objects.get(action="esc.training_sessions.import")
    assert entry.data["chosen"] == {"2": participant.pk, "3": "skip"}


def test_the_same_participant_chosen_twice_is_refused(client, live_round, participant):
    impostor_of(participant, live_round)
    name = services.display_name(participant)
    content = dashboard_csv(line(name, "02:45:10"), line(name, "00:10:00"))
    client.force_login(live_round.trainer)
    location = upload(client, live_round, content)["Location"]
    twice = client.post(location, {"line-2": str(participant.pk), "line-3": str(participant.pk)})
    assert "ชื่อนี้ปรากฏมากกว่าหนึ่งบรรทัด" in twice.content.decode()
    assert not AttendanceEvent.objects.filter(source="import").exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (dashboard_csv(line("x", "1" * 5000 + ":00:00")), None),
        (dashboard_csv(line("x", "๐๒:๔๕:๑๐")), None),
        (DASHBOARD_HEADER + "\r\n" + line("a\x00b", "01:00:00"), "ไม่ใช่ไฟล์ CSV"),
        (DASHBOARD_HEADER + "\r\n" + line("x" * 200_000, "01:00:00"), "ไม่ใช่ไฟล์ CSV"),
    ],
)
def test_odd_files_give_a_thai_message_not_a_500(client, live_round, participant, content, message):
    client.force_login(live_round.trainer)
    response = upload(client, live_round, content)
    if message:
        assert response.status_code == 302
        assert message in client.get(response["Location"]).content.decode()
        assert not AttendanceImport.objects.exists()
    else:
        assert client.get(response["Location"]).status_code == 200

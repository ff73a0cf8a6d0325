"""One tap per roster row on the trainer console: "มาเรียน" or "ไม่มา", reason optional,
a refusal shown beside the row; the e-mail form only for someone not on the roster."""

import pytest
from wagtail.models import ModelLogEntry

from courses.services import enrol_participant
from sessions import services
from sessions.models import AttendanceRecord
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def mark_url(round_, user):
    return f"/live/{round_.pk}/console/roster/{user.pk}/mark/"


def test_one_tap_marks_present_without_a_reason_and_the_audit_says_where_it_came_from(
    client, live_round, participant
):
    client.force_login(live_round.trainer)
    response = client.post(mark_url(live_round, participant), {"status": "present"})
    assert response.status_code == 302
    assert response["Location"] == f"/live/{live_round.pk}/console/#participant-{participant.pk}"
    record = AttendanceRecord.objects.get(user=participant)
    assert (record.status, record.overridden) == ("present", True)
    entry = ModelLogEntry.objects.get(action="esc.training_sessions.override")
    assert entry.data["reason"] == "ทำเครื่องหมายจากรายชื่อในหน้าจัดการ"
    page = client.get(response["Location"]).content.decode()
    assert "บันทึกแล้ว:" in page


def test_one_tap_marks_absent_with_the_reason_typed_on_the_row(client, live_round, participant):
    client.force_login(live_round.trainer)
    client.post(mark_url(live_round, participant), {"status": "absent", "reason": "ลาป่วย"})
    assert AttendanceRecord.objects.get(user=participant).status == "absent"
    entry = ModelLogEntry.objects.get(action="esc.training_sessions.override")
    assert entry.data["reason"] == "ลาป่วย"


def test_each_roster_row_has_the_two_buttons_and_the_email_form_is_for_anyone_else(
    client, live_round, participant
):
    client.force_login(live_round.trainer)
    html = client.get(f"/live/{live_round.pk}/console/").content.decode()
    row = html.split(f'id="participant-{participant.pk}"', 1)[1].split("</tr>", 1)[0]
    assert 'value="present"' in row and "มาเรียน" in row
    assert 'value="absent"' in row and "ไม่มา" in row
    assert "เหตุผล (ถ้ามี)" in row
    assert "บันทึกการเข้าร่วมของผู้ที่ไม่อยู่ในรายชื่อ" in html


def test_a_refused_tap_is_shown_beside_its_row(client, live_round, participant):
    other = UserFactory()
    enrol_participant(user=other, round_=live_round)
    client.force_login(live_round.trainer)
    response = client.post(
        mark_url(live_round, participant), {"status": "excused", "reason": "ติดราชการ"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    row = html.split(f'id="participant-{participant.pk}"', 1)[1].split("</tr>", 1)[0]
    assert "เลือกสถานะการเข้าร่วมที่ถูกต้อง" in row
    assert 'value="ติดราชการ"' in row  # what was typed is kept
    other_row = html.split(f'id="participant-{other.pk}"', 1)[1].split("</tr>", 1)[0]
    assert "errorlist" not in other_row
    assert not AttendanceRecord.objects.filter(user=participant, overridden=True).exists()


def test_a_tap_for_someone_who_left_the_round_meanwhile_is_refused_at_the_top(
    client, live_round, participant
):
    # Taken off the round (by DLA, after the trainer's page loaded).
    participant.enrolments.update(status="cancelled")
    client.force_login(live_round.trainer)
    response = client.post(mark_url(live_round, participant), {"status": "present"})
    assert response.status_code == 400
    assert "message--error" in response.content.decode()


def test_only_the_rounds_trainers_may_tap(client, live_round, participant):
    client.force_login(participant)
    assert client.post(mark_url(live_round, participant), {"status": "present"}).status_code == 404
    assert not AttendanceRecord.objects.filter(overridden=True).exists()


def test_the_roster_service_takes_only_present_or_absent(live_round, participant):
    with pytest.raises(services.SessionError) as caught:
        services.mark_from_roster(
            session=services.get_or_create_live_session(round_=live_round),
            user=participant,
            status="partial",
            by=live_round.trainer,
        )
    assert caught.value.code == "invalid_status"

"""The attendance ledger: evidence in, one reconciled record per participant out."""

import datetime
import importlib

import pytest
from django.utils import timezone
from wagtail.models import ModelLogEntry

from courses.completion import completion_conditions
from courses.services import enrol_participant
from sessions import services
from sessions.evidence import merge_intervals, total_minutes
from sessions.models import (
    AttendanceEvent,
    AttendanceEventKind,
    AttendanceRecord,
    AttendanceSource,
    AttendanceStatus,
    LiveSession,
)
from tests.factories import RoundFactory, UserFactory

from .helpers import captured, deliver, join_meeting, start_meeting

pytestmark = pytest.mark.django_db

MINUTE = 60_000


def test_intervals_merge_rejoins_and_overlapping_devices():
    phone = [(0, 30 * MINUTE), (40 * MINUTE, 90 * MINUTE)]  # dropped out and came back
    laptop = [(20 * MINUTE, 50 * MINUTE)]  # a second device overlapping both
    assert merge_intervals(phone + laptop) == [(0, 90 * MINUTE)]
    assert total_minutes(phone) == 80
    assert total_minutes(phone + laptop) == 90
    assert merge_intervals([(5, 5), (10, 4)]) == [(5, 5)]  # backwards intervals are ignored


def presence(session, user, *intervals, source=AttendanceSource.ANALYTICS):
    base = session.round.starts_at
    return AttendanceEvent.objects.create(
        session=session,
        user=user,
        external_user_id=str(user.pk),
        source=source,
        kind=AttendanceEventKind.PRESENCE,
        occurred_at=base,
        intervals=[
            [
                int((base + datetime.timedelta(minutes=a)).timestamp() * 1000),
                int((base + datetime.timedelta(minutes=b)).timestamp() * 1000),
            ]
            for a, b in intervals
        ],
    )


@pytest.fixture
def session(live_round):
    return services.get_or_create_live_session(round_=live_round)


@pytest.mark.parametrize(
    ("minutes", "status"),
    [(180, "present"), (144, "present"), (143, "partial"), (1, "partial"), (0, "absent")],
)
def test_status_follows_80_percent_of_the_scheduled_time(session, participant, minutes, status):
    if minutes:
        presence(session, participant, (0, minutes))
    services.reconcile_attendance(session=session)
    record = AttendanceRecord.objects.get(session=session, user=participant)
    assert record.scheduled_minutes == 180
    assert (record.minutes_present, record.status) == (minutes, status)


def test_the_rule_is_per_session(session, participant):
    session.present_min_percent = 50
    session.save()
    presence(session, participant, (0, 90))
    services.reconcile_attendance(session=session)
    assert AttendanceRecord.objects.get(user=participant).status == "present"


def test_rejoins_and_several_devices_count_once(session, participant):
    presence(session, participant, (0, 60), (70, 150))
    presence(session, participant, (50, 80), source=AttendanceSource.POLL)
    services.reconcile_attendance(session=session)
    record = AttendanceRecord.objects.get(user=participant)
    assert record.minutes_present == 150
    assert record.decided_by == AttendanceSource.ANALYTICS


def test_reconciling_twice_changes_nothing(session, participant):
    presence(session, participant, (0, 100))
    assert services.reconcile_attendance(session=session) == 1
    assert services.reconcile_attendance(session=session) == 0


def webhook_event(session, user, kind, minute, connection, payload=None):
    return AttendanceEvent.objects.create(
        session=session,
        user=user,
        external_user_id=str(user.pk),
        internal_user_id=connection,
        source=AttendanceSource.WEBHOOK,
        kind=kind,
        occurred_at=session.round.starts_at + datetime.timedelta(minutes=minute),
        payload=payload or {},
    )


def test_webhook_joins_and_leaves_pair_by_the_stored_connection_id(session, participant):
    # Two devices: the phone's leave must not close the laptop's join.
    webhook_event(session, participant, "joined", 0, "w_phone")
    webhook_event(session, participant, "joined", 30, "w_laptop")
    webhook_event(session, participant, "left", 60, "w_phone")
    webhook_event(session, participant, "left", 150, "w_laptop")
    services.reconcile_attendance(session=session)
    record = AttendanceRecord.objects.get(user=participant)
    assert (record.minutes_present, record.decided_by) == (150, AttendanceSource.WEBHOOK)


def test_the_migration_copies_the_connection_id_of_older_webhook_events(session, participant):
    from django.apps import apps

    migration = importlib.import_module("sessions.migrations.0002_attendanceevent_internal_user_id")
    raw = {"data": {"attributes": {"user": {"internal-user-id": "w_abc", "name": "x"}}}}
    older = webhook_event(session, participant, "joined", 0, "", payload=raw)
    odd = webhook_event(session, participant, "left", 9, "", payload={"data": ["not", "a", "map"]})
    poll = presence(session, participant, (0, 10), source=AttendanceSource.POLL)
    migration.copy_internal_user_ids(apps, None)
    for event in (older, odd, poll):
        event.refresh_from_db()
    assert (older.internal_user_id, odd.internal_user_id, poll.internal_user_id) == (
        "w_abc",
        "",
        "",
    )


def test_two_devices_in_the_emulator_are_merged_by_user_id(
    client, live_round, participant, bbb_emulator, django_capture_on_commit_callbacks
):
    session = start_meeting(client, live_round, bbb_emulator)
    phone = join_meeting(client, live_round, participant, bbb_emulator)
    bbb_emulator.advance(30 * 60)
    laptop = join_meeting(client, live_round, participant, bbb_emulator)
    bbb_emulator.advance(30 * 60)
    bbb_emulator.control(f"sessions/{phone}/leave")
    bbb_emulator.advance(60 * 60)
    bbb_emulator.control(f"sessions/{laptop}/leave")
    bbb_emulator.advance(10 * 60)
    token = join_meeting(client, live_round, participant, bbb_emulator)  # rejoined
    bbb_emulator.advance(20 * 60)
    bbb_emulator.control(f"sessions/{token}/leave")
    bbb_emulator.control(f"meetings/{session.meeting_id}/end", {})
    (analytics,) = captured(bbb_emulator, "analytics")
    deliver(client, analytics, django_capture_on_commit_callbacks)
    record = AttendanceRecord.objects.get(user=participant)
    assert record.minutes_present == 140  # 0-120 on two devices, then 130-150
    assert record.status == "partial"


def test_bbb_clock_skew_is_corrected_with_the_offset_measured_at_create(
    client, live_round, participant, bbb_emulator, django_capture_on_commit_callbacks
):
    # The BBB server's clock is 7 minutes fast.
    bbb_emulator.control("clock", {"advance_s": 7 * 60})
    session = start_meeting(client, live_round, bbb_emulator)
    assert abs(session.clock_offset_ms - 7 * MINUTE) < 5000
    entered = timezone.now()
    join_meeting(client, live_round, participant, bbb_emulator)
    bbb_emulator.advance(150 * 60)
    bbb_emulator.control(f"meetings/{session.meeting_id}/end", {})
    (analytics,) = captured(bbb_emulator, "analytics")
    deliver(client, analytics, django_capture_on_commit_callbacks)
    record = AttendanceRecord.objects.get(user=participant)
    assert abs((record.first_seen_at - entered).total_seconds()) < 10
    assert record.minutes_present == 150


def test_polls_record_who_is_in_the_meeting(client, live_round, participant, bbb_emulator):
    session = start_meeting(client, live_round, bbb_emulator)
    join_meeting(client, live_round, participant, bbb_emulator)
    session.refresh_from_db()
    t0 = timezone.now()
    for minute in range(0, 11):
        assert services.poll_live_session(
            session=session, now=t0 + datetime.timedelta(minutes=minute)
        )
    events = AttendanceEvent.objects.filter(source=AttendanceSource.POLL, user=participant)
    assert events.count() == 1  # one interval, extended at every poll
    assert not AttendanceEvent.objects.filter(
        source=AttendanceSource.POLL, user=live_round.trainer
    ).exists()
    services.reconcile_attendance(session=session, now=t0 + datetime.timedelta(minutes=10))
    record = AttendanceRecord.objects.get(user=participant)
    assert record.minutes_present == 10
    assert record.decided_by == AttendanceSource.POLL


def test_a_poll_notices_the_meeting_ended_and_bbb_down_is_survived(
    client, live_round, bbb_emulator, django_capture_on_commit_callbacks
):
    session = start_meeting(client, live_round, bbb_emulator)
    bbb_emulator.fault("getMeetingInfo", "timeout", delay_s=5)
    assert services.poll_live_session(session=session) is False
    bbb_emulator.control(f"meetings/{session.meeting_id}/end", {})
    with django_capture_on_commit_callbacks(execute=True):
        assert services.poll_live_session(session=session) is True
    session.refresh_from_db()
    assert session.status == "ended"


def test_a_trainer_override_needs_a_reason_and_is_audited(session, live_round, participant):
    presence(session, participant, (0, 30))
    with pytest.raises(services.SessionError) as no_reason:
        services.mark_attendance(
            session=session, user=participant, status="excused", reason=" ", by=live_round.trainer
        )
    assert no_reason.value.code == "reason_required"
    record = services.mark_attendance(
        session=session,
        user=participant,
        status=AttendanceStatus.EXCUSED,
        reason="ลาป่วย มีใบรับรองแพทย์",
        by=live_round.trainer,
    )
    assert (record.status, record.overridden, record.minutes_present) == ("excused", True, 30)
    assert record.decided_by == AttendanceSource.MANUAL
    entry = ModelLogEntry.objects.get(action="esc.training_sessions.override")
    assert entry.user == live_round.trainer
    assert entry.data["reason"] == "ลาป่วย มีใบรับรองแพทย์"
    # New evidence does not undo the override; clearing it gives the evidence back.
    presence(session, participant, (30, 180))
    services.reconcile_attendance(session=session)
    assert AttendanceRecord.objects.get(user=participant).status == "excused"
    services.mark_attendance(
        session=session, user=participant, status="", reason="ยกเลิกการลา", by=live_round.trainer
    )
    assert AttendanceRecord.objects.get(user=participant).status == "present"


def test_only_the_rounds_trainers_may_override(session, participant):
    other_trainer = UserFactory(role="trainer")
    with pytest.raises(services.SessionError) as refused:
        services.mark_attendance(
            session=session, user=participant, status="present", reason="x", by=other_trainer
        )
    assert refused.value.code == "not_manager"
    assert not AttendanceEvent.objects.exists()


def test_a_co_viewer_gets_the_hosts_minutes(session, live_round, participant):
    colleague = UserFactory(organisation=participant.organisation)
    enrol_participant(user=colleague, round_=live_round)
    presence(session, participant, (0, 170))
    record = services.mark_co_viewer(
        session=session,
        user=colleague,
        host=participant,
        reason="ร่วมชมที่สำนักงาน อบต.",
        by=live_round.trainer,
    )
    assert (record.minutes_present, record.status) == (170, "present")
    assert record.co_viewer_of == participant
    assert record.decided_by == AttendanceSource.MANUAL
    assert ModelLogEntry.objects.filter(action="esc.training_sessions.co_viewer").count() == 1
    with pytest.raises(services.SessionError):
        services.mark_co_viewer(
            session=session, user=colleague, host=colleague, reason="x", by=live_round.trainer
        )


def test_the_attendance_condition_for_many_participants_and_rounds(
    django_assert_max_num_queries,
):
    rounds = [RoundFactory(number=n) for n in (1, 2)]
    users = UserFactory.create_batch(6)
    for round_ in rounds:
        session = services.get_or_create_live_session(round_=round_)
        for user in users:
            enrol_participant(user=user, round_=round_)
        presence(session, users[0], (0, 170))
        presence(session, users[1], (0, 100))
        presence(session, users[2], (0, 150))
        services.reconcile_attendance(session=session)
        services.mark_attendance(
            session=session, user=users[3], status="excused", reason="ลา", by=_admin()
        )
    condition = completion_conditions()["attendance"]
    user_ids = [u.pk for u in users]
    with django_assert_max_num_queries(1):
        outcomes = condition.evaluate(user_ids=user_ids, rounds=rounds, params={"min_percent": 80})
    assert len(outcomes) == 12
    first = rounds[0].pk
    assert outcomes[(users[0].pk, first)].met
    assert outcomes[(users[0].pk, first)].detail == "เข้าร่วม 170 จาก 180 นาที (94%)"
    assert not outcomes[(users[1].pk, first)].met
    assert outcomes[(users[2].pk, first)].met
    assert outcomes[(users[3].pk, first)].met  # excused counts as met
    assert not outcomes[(users[4].pk, first)].met  # enrolled, never came
    assert not outcomes[(users[5].pk, rounds[1].pk)].met
    by_minutes = condition.evaluate(user_ids=user_ids, rounds=rounds, params={"min_minutes": 100})
    assert by_minutes[(users[1].pk, first)].met
    assert "ลา" in condition.describe({"min_percent": 80})
    assert "80" in condition.describe({"min_percent": 80})


def _admin():
    return UserFactory(role="dla_admin", is_staff=True)


def test_my_training_shows_join_then_the_result_and_recordings(
    client, live_round, participant, django_assert_max_num_queries
):
    client.force_login(participant)
    html = client.get("/my-training/").content.decode()
    assert f'action="/live/{live_round.pk}/join/"' in html
    assert "เข้าห้องอบรม" in html

    later = RoundFactory(number=3)
    enrol_participant(user=participant, round_=later)
    html = client.get("/my-training/").content.decode()
    assert "ห้องอบรมเปิด" in html  # when it opens

    session = LiveSession.objects.get_or_create(round=live_round)[0]
    session.status = "ended"
    session.save()
    presence(session, participant, (0, 170))
    services.reconcile_attendance(session=session)
    session.recordings.create(
        record_id="rec-1",
        published=True,
        playback_url="http://bbb/playback/rec-1",
        length_minutes=170,
    )
    # 13: assessments looks up the rounds' tests (one query; a second only if there are any).
    with django_assert_max_num_queries(13):
        html = client.get("/my-training/").content.decode()
    assert "170 นาที · เข้าร่วมครบ" in html
    assert 'href="http://bbb/playback/rec-1"' in html
    assert f'action="/live/{live_round.pk}/join/"' not in html


def test_the_session_page_shows_attendance_and_recordings_to_enrolled_only(
    client, live_round, participant
):
    session = services.get_or_create_live_session(round_=live_round)
    presence(session, participant, (0, 170))
    services.reconcile_attendance(session=session)
    session.recordings.create(record_id="rec-2", published=True, playback_url="http://bbb/p/2")
    client.force_login(participant)
    html = client.get(f"/live/{live_round.pk}/").content.decode()
    assert 'data-attendance-status="present"' in html
    assert "http://bbb/p/2" in html
    client.force_login(UserFactory())
    assert "http://bbb/p/2" not in client.get(f"/live/{live_round.pk}/").content.decode()


def test_the_attendance_condition_checks_and_describes_its_own_parameters():
    """certificates stores the JSON; sessions says what it may hold and what it means."""
    from django.core.exceptions import ValidationError

    condition = completion_conditions()["attendance"]
    assert set(condition.param_fields()) == {"min_percent", "min_minutes"}
    assert condition.clean_params({"min_percent": 80, "min_minutes": None}) == {"min_percent": 80}
    assert condition.clean_params({"min_minutes": "150"}) == {"min_minutes": 150}
    for wrong, message in (
        ({}, "เงื่อนไขการเข้าร่วมต้องระบุร้อยละหรือจำนวนนาที"),
        ({"min_percent": None, "min_minutes": ""}, "เงื่อนไขการเข้าร่วมต้องระบุร้อยละหรือจำนวนนาที"),
        ({"min_percent": 80, "min_minutes": 100}, "ระบุร้อยละหรือจำนวนนาที อย่างใดอย่างหนึ่ง"),
        ({"min_percent": 101}, "100"),
        ({"min_percent": 0}, "1"),
        ({"min_minutes": 1.5}, "จำนวนเต็ม"),
        ({"min_percent": True}, "จำนวนเต็ม"),
    ):
        with pytest.raises(ValidationError) as error:
            condition.clean_params(wrong)
        assert message in " ".join(error.value.messages), wrong
    assert condition.describe({"min_percent": 80}).startswith(
        "เข้าร่วมการอบรมออนไลน์อย่างน้อยร้อยละ 80 ของเวลาตามกำหนดการ"
    )
    assert condition.describe({"min_minutes": 150}).startswith("เข้าร่วมการอบรมออนไลน์อย่างน้อย 150 นาที")

"""BigBlueButton's callbacks: verified, idempotent, forged ones refused, malformed ones kept."""

import importlib
import json
import time

import jwt
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sessions import services
from sessions.models import (
    AttendanceEvent,
    AttendanceRecord,
    AttendanceSource,
    CallbackDelivery,
    CallbackOutcome,
    LiveSessionStatus,
    MeetingInstance,
    Recording,
)
from tests.factories import RoundFactory, UserFactory

from .conftest import SECRET
from .helpers import (
    captured,
    deliver,
    every_server,
    join_meeting,
    post_webhook,
    start_meeting,
    webhook_event,
)

pytestmark = pytest.mark.django_db


def run_meeting(client, live_round, participant, bbb_emulator, minutes=170, record=False):
    session = start_meeting(client, live_round, bbb_emulator)
    join_meeting(client, live_round, participant, bbb_emulator)
    if record:  # the trainer presses Record: only then is there a recording
        bbb_emulator.control(f"meetings/{session.meeting_id}/recording-marks")
    bbb_emulator.advance(minutes * 60)
    bbb_emulator.control(f"meetings/{session.meeting_id}/end", {"reason": "api"})
    bbb_emulator.advance(1)
    return session


def test_the_end_callback_ends_the_session_once(
    client, live_round, participant, bbb_emulator, django_capture_on_commit_callbacks
):
    commit = django_capture_on_commit_callbacks
    session = run_meeting(client, live_round, participant, bbb_emulator)
    (end,) = captured(bbb_emulator, "end")
    assert end["url"] == (
        f"http://testserver/bbb/end/{session.callback_nonce}/"
        f"?recordingmarks=false&meetingID={session.meeting_id}"
    )
    assert deliver(client, end, commit).status_code == 200
    session.refresh_from_db()
    assert session.status == LiveSessionStatus.ENDED
    ended_at = session.ended_at
    replay = deliver(client, end, commit)
    assert replay.status_code == 200
    assert replay.content == b"already processed"
    session.refresh_from_db()
    assert session.ended_at == ended_at
    outcomes = list(CallbackDelivery.objects.values_list("kind", "outcome"))
    assert outcomes.count(("end", CallbackOutcome.PROCESSED)) == 1


def test_a_late_end_callback_of_an_earlier_meeting_does_not_end_the_restarted_one(
    client, live_round, participant, bbb_emulator, django_capture_on_commit_callbacks
):
    session = start_meeting(client, live_round, bbb_emulator)
    bbb_emulator.control(f"meetings/{session.meeting_id}/end", {"reason": "moderator"})
    (late,) = captured(bbb_emulator, "end")
    bbb_emulator.advance(10)  # the first instance is gone
    restarted = start_meeting(client, live_round, bbb_emulator)
    assert restarted.create_time_ms != session.create_time_ms
    response = deliver(client, late, django_capture_on_commit_callbacks)
    assert response.content == b"already processed"
    restarted.refresh_from_db()
    assert restarted.status != LiveSessionStatus.ENDED
    assert CallbackDelivery.objects.get().detail == "late: the meeting is running again"


def test_a_forged_end_callback_is_refused_and_nothing_is_stored(client, live_round, bbb_emulator):
    session = start_meeting(client, live_round, bbb_emulator)
    response = client.get(f"/bbb/end/not-the-nonce/?meetingID={session.meeting_id}")
    assert response.status_code == 401
    assert not CallbackDelivery.objects.exists()
    session.refresh_from_db()
    assert session.status != LiveSessionStatus.ENDED


def test_an_end_callback_for_another_meeting_is_malformed_and_kept(
    client, live_round, bbb_emulator
):
    session = start_meeting(client, live_round, bbb_emulator)
    response = client.get(f"/bbb/end/{session.callback_nonce}/?meetingID=someone-else")
    assert response.status_code == 400
    kept = CallbackDelivery.objects.get()
    assert kept.outcome == CallbackOutcome.MALFORMED
    assert "someone-else" in kept.body
    session.refresh_from_db()
    assert session.status != LiveSessionStatus.ENDED


@every_server
def test_the_analytics_callback_gives_the_participant_present_with_minutes(
    client, live_round, participant, bbb_emulator, django_capture_on_commit_callbacks
):
    commit = django_capture_on_commit_callbacks
    run_meeting(client, live_round, participant, bbb_emulator, minutes=170)
    (analytics,) = captured(bbb_emulator, "analytics")
    response = deliver(client, analytics, commit)
    assert response.status_code == 202
    record = AttendanceRecord.objects.get(user=participant)
    assert record.minutes_present == 170
    assert record.status == "present"
    assert record.decided_by == AttendanceSource.ANALYTICS
    # The trainer (moderator) is not a participant: no record for them.
    assert not AttendanceRecord.objects.filter(user=live_round.trainer).exists()


def test_replaying_the_analytics_callback_changes_nothing(
    client, live_round, participant, bbb_emulator, django_capture_on_commit_callbacks
):
    commit = django_capture_on_commit_callbacks
    run_meeting(client, live_round, participant, bbb_emulator)
    (analytics,) = captured(bbb_emulator, "analytics")
    deliver(client, analytics, commit)
    events = AttendanceEvent.objects.count()
    record = AttendanceRecord.objects.values().get(user=participant)
    replay = deliver(client, analytics, commit)
    assert replay.status_code == 202
    assert replay.content == b"Already processed."
    assert AttendanceEvent.objects.count() == events
    assert AttendanceRecord.objects.values().get(user=participant) == record
    assert CallbackDelivery.objects.filter(outcome=CallbackOutcome.DUPLICATE).count() == 1


@pytest.mark.parametrize("forgery", ["wrong_secret", "no_token", "expired", "hs256"])
def test_a_forged_analytics_callback_gets_401_changes_nothing_and_is_kept_as_rejected(
    client, live_round, participant, bbb_emulator, forgery
):
    run_meeting(client, live_round, participant, bbb_emulator)
    (analytics,) = captured(bbb_emulator, "analytics")
    now = int(time.time())
    tokens = {
        "wrong_secret": jwt.encode({"exp": now + 3600}, "x" * 64, algorithm="HS512"),
        "no_token": None,
        "expired": jwt.encode({"exp": now - 3600}, SECRET, algorithm="HS512"),
        "hs256": jwt.encode({"exp": now + 3600}, SECRET, algorithm="HS256"),
    }
    headers = {"Authorization": f"Bearer {tokens[forgery]}"} if tokens[forgery] else {}
    before = AttendanceEvent.objects.count()
    response = client.post(
        "/bbb/analytics/", data=analytics["body"], content_type="application/json", headers=headers
    )
    assert response.status_code == 401
    assert AttendanceEvent.objects.count() == before
    assert not AttendanceRecord.objects.exists()
    # BBB never sends it again: kept, with the reason, for DLA to see.
    kept = CallbackDelivery.objects.get(kind="analytics")
    assert kept.outcome == CallbackOutcome.REJECTED
    assert kept.detail
    assert kept.body == analytics["body"]


def test_rejected_callbacks_are_kept_within_bounds(client, settings):
    settings.BBB_SECRET = SECRET
    for _ in range(services.REJECTED_KEPT_PER_HOUR + 5):
        client.post("/bbb/recording-ready/", {"signed_parameters": "not-a-token"})
    kept = CallbackDelivery.objects.filter(kind="recording_ready", outcome="rejected")
    assert kept.count() == services.REJECTED_KEPT_PER_HOUR


@pytest.mark.parametrize("callback", ["analytics", "recording_ready"])
def test_a_server_signing_with_another_secret_is_shown_to_dla_in_the_admin(
    client, live_round, participant, bbb_emulator, callback
):
    """BBB#21453: the node signs with the packaged secret; BBB never retries."""
    other = "packaged-secret-" + "z" * 48
    bbb_emulator.control("config", {"analytics_secret": other, "recording_secret": other})
    session = run_meeting(client, live_round, participant, bbb_emulator, record=True)
    bbb_emulator.control(f"recordings/{session.internal_meeting_id}/ready")
    call = captured(bbb_emulator, callback)[0]
    assert deliver(client, call).status_code == 401
    kept = CallbackDelivery.objects.get(kind=callback)
    assert kept.outcome == CallbackOutcome.REJECTED
    assert not AttendanceEvent.objects.filter(source="analytics").exists()
    client.force_login(UserFactory(role="dla_admin", is_staff=True, is_superuser=True))
    listing = client.get("/admin/bbb_callback_log/").content.decode()
    assert "ถูกปฏิเสธ" in listing  # rejected, in Thai
    page = client.get(f"/admin/bbb_callback_log/inspect/{kept.pk}/").content.decode()
    assert "BBB_SECRET" in page  # what to do, in Thai
    assert ("21453" in page) is (callback == "analytics")
    client.force_login(live_round.trainer)
    assert client.get("/admin/bbb_callback_log/").status_code in (302, 403)


@every_server
def test_one_unreadable_attendee_is_set_aside_and_the_report_is_used(
    client, live_round, participant, bbb_emulator, django_capture_on_commit_callbacks
):
    run_meeting(client, live_round, participant, bbb_emulator, minutes=170)
    (analytics,) = captured(bbb_emulator, "analytics")
    body = json.loads(analytics["body"])
    body["data"]["attendees"].append({"ext_user_id": "²", "name": "?", "joins": "soon"})
    analytics["body"] = json.dumps(body)
    response = deliver(client, analytics, django_capture_on_commit_callbacks)
    assert response.status_code == 202
    assert b"1 attendee(s) set aside" in response.content
    record = AttendanceRecord.objects.get(user=participant)
    assert (record.minutes_present, record.status) == (170, "present")
    kept = CallbackDelivery.objects.get(kind="analytics")
    assert kept.outcome == CallbackOutcome.PROCESSED
    assert "set aside" in kept.detail and "ext_user_id" in kept.detail


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b'{"meeting_id": "x"}',
        b'{"meeting_id": "m", "internal_meeting_id": "i", "data": {"attendees": {"name": "A"}}}',
        b'{"meeting_id": "m", "internal_meeting_id": "i", "data": {"start": "yesterday"}}',
    ],
)
def test_a_malformed_analytics_callback_gets_400_and_its_body_is_kept(client, settings, body):
    settings.BBB_SECRET = SECRET
    token = jwt.encode({"exp": int(time.time()) + 3600}, SECRET, algorithm="HS512")
    response = client.post(
        "/bbb/analytics/",
        data=body,
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 400
    kept = CallbackDelivery.objects.get()
    assert kept.outcome == CallbackOutcome.MALFORMED
    assert kept.body == body.decode()


def test_analytics_for_an_unknown_meeting_is_kept_and_answered_410(client, settings):
    settings.BBB_SECRET = SECRET
    token = jwt.encode({"exp": int(time.time()) + 3600}, SECRET, algorithm="HS512")
    body = json.dumps(
        {"meeting_id": "not-ours", "internal_meeting_id": "abc-1", "data": {"attendees": []}}
    )
    response = client.post(
        "/bbb/analytics/",
        data=body,
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 410
    assert CallbackDelivery.objects.get().outcome == CallbackOutcome.UNKNOWN_MEETING


def test_bbb_27_analytics_times_are_read_too(
    client, live_round, participant, bbb_emulator, django_capture_on_commit_callbacks
):
    commit = django_capture_on_commit_callbacks
    bbb_emulator.control("config", {"analytics_time_format": "legacy", "version": "2.7"})
    run_meeting(client, live_round, participant, bbb_emulator, minutes=100)
    (analytics,) = captured(bbb_emulator, "analytics")
    assert " +0700" in json.loads(analytics["body"])["data"]["start"]  # the server's offset
    assert deliver(client, analytics, commit).status_code == 202
    record = AttendanceRecord.objects.get(user=participant)
    assert record.minutes_present == 100
    assert record.status == "partial"


@every_server
def test_the_recording_ready_callback_lists_the_recording(
    client, live_round, participant, bbb_emulator, django_capture_on_commit_callbacks
):
    commit = django_capture_on_commit_callbacks
    session = run_meeting(client, live_round, participant, bbb_emulator, minutes=30, record=True)
    bbb_emulator.control(f"recordings/{session.internal_meeting_id}/ready")
    # Once per playback format (presentation, video): the second changes nothing.
    ready, other_format = captured(bbb_emulator, "recording_ready")
    assert deliver(client, ready, commit).status_code == 202
    assert deliver(client, other_format, commit).status_code == 202
    recording = Recording.objects.get()
    assert recording.record_id == session.internal_meeting_id
    assert recording.published is True
    assert recording.playback_url.startswith(bbb_emulator.base_url + "/playback/")
    assert deliver(client, ready, commit).status_code == 202
    assert Recording.objects.count() == 1
    forged = jwt.encode(
        {"meeting_id": session.meeting_id, "record_id": "x"}, "y" * 64, algorithm="HS256"
    )
    assert client.post("/bbb/recording-ready/", {"signed_parameters": forged}).status_code == 401
    assert Recording.objects.count() == 1


def test_webhooks_record_joins_and_leaves_and_forged_ones_are_refused(
    client, settings, live_round, participant, bbb_emulator, django_capture_on_commit_callbacks
):
    commit = django_capture_on_commit_callbacks
    settings.BBB_WEBHOOKS = True
    session = start_meeting(client, live_round, bbb_emulator)
    token = join_meeting(client, live_round, participant, bbb_emulator)
    bbb_emulator.advance(45 * 60)
    bbb_emulator.control(f"sessions/{token}/leave")
    hooks = captured(bbb_emulator, "webhook")
    # The hook is registered right after create, so meeting-created is not sent to it.
    assert [h["meta"]["event"] for h in hooks] == [
        "user-joined",
        "user-joined",
        "user-left",
    ]
    for hook in hooks:
        assert deliver(client, hook, commit).status_code == 200
    for hook in hooks:  # replays are ignored
        deliver(client, hook, commit)
    kinds = list(
        AttendanceEvent.objects.filter(user=participant, source="webhook").values_list(
            "kind", flat=True
        )
    )
    assert sorted(kinds) == ["joined", "left"]
    forged = hooks[0]["url"].split("?checksum=")[0] + "?checksum=" + "0" * 40
    response = client.post(
        forged.removeprefix("http://testserver"),
        data=hooks[0]["body"],
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 401
    from sessions.services import reconcile_attendance

    reconcile_attendance(session=session)
    record = AttendanceRecord.objects.get(user=participant)
    assert record.minutes_present == 45
    assert record.decided_by == AttendanceSource.WEBHOOK


@pytest.mark.parametrize("signing", ["sha1", "sha256", "sha384", "sha512", "bearer"])
def test_webhooks_signed_any_way_bbb_webhooks_can_are_accepted(
    client,
    settings,
    live_round,
    participant,
    bbb_emulator,
    django_capture_on_commit_callbacks,
    signing,
):
    settings.BBB_WEBHOOKS = True
    if signing == "bearer":
        bbb_emulator.control("config", {"webhook_bearer": True})
    else:
        bbb_emulator.control("config", {"webhook_checksum_algorithm": signing})
    start_meeting(client, live_round, bbb_emulator)
    join_meeting(client, live_round, participant, bbb_emulator)
    joined = captured(bbb_emulator, "webhook")[-1]
    assert deliver(client, joined, django_capture_on_commit_callbacks).status_code == 200
    assert AttendanceEvent.objects.filter(user=participant, source="webhook").count() == 1
    if signing == "bearer":
        forged = client.post(
            "/bbb/webhooks/",
            data=joined["body"],
            content_type="application/x-www-form-urlencoded",
            headers={"Authorization": "Bearer not-the-secret"},
        )
    else:
        url = joined["url"].removeprefix("http://testserver")
        forged = client.post(
            url[:-8] + "0" * 8,
            data=joined["body"],
            content_type="application/x-www-form-urlencoded",
        )
    assert forged.status_code == 401


BBB_NOW = 1_780_000_000_000  # 2026-05-28, on the BBB server's clock


def test_a_webhook_delivery_costs_the_same_queries_for_two_events_or_forty(client, settings):
    settings.BBB_SECRET = SECRET
    session = services.get_or_create_live_session(round_=RoundFactory())
    users = UserFactory.create_batch(20)

    def joins_and_leaves(people, ts):
        return [
            webhook_event(session, kind, ts + offset, user_id=user.pk)
            for user in people
            for kind, offset in (("user-joined", 0), ("user-left", 60_000))
        ]

    with CaptureQueriesContext(connection) as few:
        assert post_webhook(client, joins_and_leaves(users[:1], BBB_NOW), SECRET).status_code == 200
    with CaptureQueriesContext(connection) as many:
        assert (
            post_webhook(client, joins_and_leaves(users, BBB_NOW + 1_000), SECRET).status_code
            == 200
        )
    assert len(many) == len(few)
    stored = AttendanceEvent.objects.filter(source="webhook")
    assert stored.count() == 42
    assert set(stored.values_list("user_id", flat=True)) == {u.pk for u in users}
    # A replay of the same events stores nothing new, in as few queries.
    with CaptureQueriesContext(connection) as replay:
        post_webhook(client, joins_and_leaves(users, BBB_NOW + 1_000), SECRET)
    assert len(replay) <= len(few)
    assert stored.count() == 42


def test_analytics_for_an_instance_we_never_created_is_kept_and_changes_nothing(
    client, live_round, participant, bbb_emulator, django_capture_on_commit_callbacks
):
    # BBB's token signs no body: someone holding one (valid 24 h) rewrites the report.
    commit = django_capture_on_commit_callbacks
    session = run_meeting(client, live_round, participant, bbb_emulator, minutes=170)
    (analytics,) = captured(bbb_emulator, "analytics")
    report = json.loads(analytics["body"])
    assert report["internal_meeting_id"] == session.internal_meeting_id
    report["internal_meeting_id"] = session.internal_meeting_id.split("-")[0] + "-1700000000000"
    response = client.post(
        "/bbb/analytics/",
        data=json.dumps(report),
        content_type="application/json",
        headers={"Authorization": analytics["headers"]["Authorization"]},
    )
    assert response.status_code == 410
    kept = CallbackDelivery.objects.get(kind="analytics")
    assert (kept.outcome, kept.detail) == (
        CallbackOutcome.UNKNOWN_MEETING,
        "unknown meeting instance",
    )
    assert not AttendanceEvent.objects.filter(source="analytics").exists()
    assert not AttendanceRecord.objects.exists()
    assert deliver(client, analytics, commit).status_code == 202  # BBB's own is believed
    assert AttendanceRecord.objects.get(user=participant).minutes_present == 170


def test_every_instance_we_create_or_see_is_remembered(client, live_round, bbb_emulator):
    first = start_meeting(client, live_round, bbb_emulator)
    bbb_emulator.control(f"meetings/{first.meeting_id}/end", {"reason": "moderator"})
    bbb_emulator.advance(10)
    second = start_meeting(client, live_round, bbb_emulator)
    assert set(second.instances.values_list("internal_meeting_id", flat=True)) == {
        first.internal_meeting_id,
        second.internal_meeting_id,
    }
    # An instance created elsewhere (another of our processes) is seen through getMeetingInfo.
    bbb_emulator.control(f"meetings/{second.meeting_id}/end", {"reason": "moderator"})
    bbb_emulator.advance(10)
    third = bbb_emulator.control(
        "meetings", {"meetingID": second.meeting_id, "name": "x", "running": True}
    )
    services.poll_live_session(session=second)
    assert second.instances.filter(internal_meeting_id=third["internalMeetingID"]).exists()


def test_the_migration_remembers_the_instances_we_already_knew(live_round):
    from django.apps import apps

    migration = importlib.import_module("sessions.migrations.0003_meetinginstance")
    session = services.get_or_create_live_session(round_=live_round)
    session.internal_meeting_id, session.create_time_ms = "current-2", 2
    session.save()
    common = {"session": session, "occurred_at": live_round.starts_at}
    AttendanceEvent.objects.create(
        source="poll", kind="presence", payload={"internalMeetingID": "polled-1"}, **common
    )
    AttendanceEvent.objects.create(
        source="webhook",
        kind="joined",
        payload={"data": {"attributes": {"meeting": {"internal-meeting-id": "hooked-1"}}}},
        **common,
    )
    AttendanceEvent.objects.create(
        source="analytics", kind="presence", payload={"internal_meeting_id": "claimed-1"}, **common
    )
    MeetingInstance.objects.all().delete()
    migration.note_known_instances(apps, None)
    assert dict(MeetingInstance.objects.values_list("internal_meeting_id", "create_time_ms")) == {
        "current-2": 2,
        "polled-1": None,
        "hooked-1": None,
    }

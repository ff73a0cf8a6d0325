"""Pressing Join: who goes in, as what, and what happens when BigBlueButton misbehaves."""

import datetime
import logging
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import time_machine
from django.core.cache import cache
from django.utils import timezone
from wagtail import hooks

from courses.progress import JOIN_CHECK_HOOK, JoinBlocker
from courses.services import cancel_enrolment, enrol_participant
from sessions.models import (
    AttendanceEvent,
    AttendanceEventKind,
    LiveSession,
    LiveSessionStatus,
)
from tests.factories import UserFactory

from .helpers import every_server

pytestmark = pytest.mark.django_db


def join_path(round_):
    return f"/live/{round_.pk}/join/"


def start_as_trainer(client, live_round, bbb_emulator):
    """The trainer presses Start and their browser loads the meeting room."""
    client.force_login(live_round.trainer)
    response = client.post(join_path(live_round))
    assert response.status_code == 302, response.content
    room = bbb_emulator.enter_by_url(response["Location"])
    assert room.status_code == 200
    client.logout()
    return response["Location"]


@every_server
def test_a_trainer_starts_the_meeting_as_moderator_with_our_create_parameters(
    client, live_round, bbb_emulator
):
    url = start_as_trainer(client, live_round, bbb_emulator)
    query = parse_qs(urlsplit(url).query)
    assert query["role"] == ["MODERATOR"]
    assert query["userID"] == [str(live_round.trainer.pk)]
    session = LiveSession.objects.get(round=live_round)
    assert query["meetingID"] == [session.meeting_id]
    assert session.meeting_id.startswith("esc-") and len(session.meeting_id) > 20
    assert query["createTime"] == [str(session.create_time_ms)]
    meeting = bbb_emulator.meeting(session.meeting_id)
    assert live_round.title in meeting["name"]
    metadata = meeting["metadata"]
    assert metadata["endcallbackurl"] == f"http://testserver/bbb/end/{session.callback_nonce}/"
    assert metadata["analytics-callback-url"] == "http://testserver/bbb/analytics/"
    assert metadata["bbb-recording-ready-url"] == "http://testserver/bbb/recording-ready/"
    state = bbb_emulator.emulator
    bbb_meeting = state.find_meeting(session.meeting_id)
    assert bbb_meeting.record is True and bbb_meeting.keep_events is True
    assert bbb_meeting.max_participants >= live_round.capacity
    assert bbb_meeting.logout_url == f"http://testserver/live/{live_round.pk}/"
    assert meeting["attendees"] == [str(live_round.trainer.pk)]


@every_server
def test_starting_twice_reuses_the_running_meeting(client, live_round, bbb_emulator):
    first = start_as_trainer(client, live_round, bbb_emulator)
    second = start_as_trainer(client, live_round, bbb_emulator)
    assert (
        parse_qs(urlsplit(first).query)["createTime"]
        == parse_qs(urlsplit(second).query)["createTime"]
    )
    session = LiveSession.objects.get(round=live_round)
    assert (
        len([m for m in bbb_emulator.state()["meetings"] if m["meetingID"] == session.meeting_id])
        == 1
    )


@every_server
def test_an_enrolled_participant_joins_as_viewer_with_thai_name_and_lao(
    client, live_round, participant, bbb_emulator
):
    start_as_trainer(client, live_round, bbb_emulator)
    client.force_login(participant)
    response = client.post(join_path(live_round))
    assert response.status_code == 302
    query = parse_qs(urlsplit(response["Location"]).query)
    assert query["role"] == ["VIEWER"]
    assert query["userID"] == [str(participant.pk)]
    assert query["fullName"] == [f"{participant.full_name_th} ({participant.organisation.name_th})"]
    assert query["errorRedirectUrl"] == [f"http://testserver/live/{live_round.pk}/join/"]
    room = bbb_emulator.enter_by_url(response["Location"])
    assert participant.full_name_th in room.text
    session = LiveSession.objects.get(round=live_round)
    assert str(participant.pk) in bbb_emulator.meeting(session.meeting_id)["attendees"]
    clicks = AttendanceEvent.objects.filter(user=participant, kind=AttendanceEventKind.JOIN_CLICK)
    assert clicks.count() == 1
    assert clicks.get().payload["role"] == "VIEWER"


def test_the_join_of_a_participant_into_a_running_meeting_takes_at_most_8_queries(
    client, live_round, participant, bbb_emulator, django_assert_max_num_queries
):
    start_as_trainer(client, live_round, bbb_emulator)
    client.force_login(participant)
    client.post(join_path(live_round))  # learns the meeting runs
    with django_assert_max_num_queries(8):
        response = client.post(join_path(live_round))
    assert response.status_code == 302
    assert "role=VIEWER" in response["Location"]


@every_server
def test_before_the_moderator_is_in_participants_wait_and_the_page_polls(
    client, live_round, participant, bbb_emulator
):
    client.force_login(live_round.trainer)
    moderator_url = client.post(join_path(live_round))["Location"]  # created, not entered
    client.force_login(participant)
    response = client.post(join_path(live_round))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-live-status-url="/live/{live_round.pk}/status/"' in html
    assert "js/training_sessions.js" in html
    assert client.get(f"/live/{live_round.pk}/status/").json()["running"] is False
    bbb_emulator.enter_by_url(moderator_url)
    cache.clear()  # the status is cached a few seconds
    assert client.get(f"/live/{live_round.pk}/status/").json()["running"] is True
    assert client.post(join_path(live_round)).status_code == 302


@pytest.mark.parametrize("case", ["not_enrolled", "waitlisted", "cancelled"])
def test_people_without_a_seat_get_a_clear_thai_message(client, live_round, bbb_emulator, case):
    user = UserFactory()
    if case == "waitlisted":
        live_round.capacity = 0
        live_round.save()
        enrol_participant(user=user, round_=live_round)
    elif case == "cancelled":
        # Cancelled the day before (a started round can no longer be cancelled).
        enrolment = enrol_participant(
            user=user, round_=live_round, now=live_round.starts_at - datetime.timedelta(days=1)
        )
        cancel_enrolment(enrolment=enrolment, now=live_round.starts_at - datetime.timedelta(days=1))
    client.force_login(user)
    response = client.post(join_path(live_round))
    assert response.status_code == 403
    html = response.content.decode()
    assert f'data-code="{case}"' in html
    expected = {
        "not_enrolled": "ท่านไม่ได้ลงทะเบียนการอบรมครั้งนี้",
        "waitlisted": "รายชื่อสำรอง",
        "cancelled": "ยกเลิก",
    }[case]
    assert expected in html


def test_outside_the_join_window_nobody_is_sent_to_bbb(
    client, live_round, participant, bbb_emulator
):
    client.force_login(participant)
    live_round.starts_at = timezone.now() + datetime.timedelta(hours=2)
    live_round.ends_at = live_round.starts_at + datetime.timedelta(hours=3)
    live_round.save()
    early = client.post(join_path(live_round))
    assert 'data-code="window_not_open"' in early.content.decode()
    live_round.starts_at = timezone.now() - datetime.timedelta(hours=4)
    live_round.ends_at = timezone.now() - datetime.timedelta(hours=1)
    live_round.save()
    late = client.post(join_path(live_round))
    assert 'data-code="session_over"' in late.content.decode()
    assert bbb_emulator.state()["meetings"] == []


def test_join_blockers_from_other_apps_are_shown_instead_of_joining(
    client, live_round, participant, bbb_emulator
):
    start_as_trainer(client, live_round, bbb_emulator)

    def pre_test_first(user, round_):
        return JoinBlocker(
            message="กรุณาทำแบบทดสอบก่อนการอบรมก่อนเข้าห้อง", url="/pre-test/", action="ทำแบบทดสอบ"
        )

    client.force_login(participant)
    with hooks.register_temporarily(JOIN_CHECK_HOOK, pre_test_first):
        response = client.post(join_path(live_round))
        page = client.get(join_path(live_round)).content.decode()
    assert response.status_code == 200
    html = response.content.decode()
    assert "กรุณาทำแบบทดสอบก่อนการอบรมก่อนเข้าห้อง" in html
    assert 'href="/pre-test/"' in html
    assert "กรุณาทำแบบทดสอบก่อนการอบรมก่อนเข้าห้อง" in page
    assert not AttendanceEvent.objects.filter(user=participant).exists()


@pytest.mark.parametrize("mode", ["http500", "timeout", "garbage", "failed"])
def test_bbb_failures_at_join_give_a_thai_retry_page_not_a_500(
    client, live_round, participant, bbb_emulator, mode, caplog
):
    client.force_login(participant)
    bbb_emulator.fault("getMeetingInfo", mode, delay_s=5)
    with caplog.at_level(logging.WARNING, logger="sessions.views"):
        response = client.post(join_path(live_round))
    assert response.status_code == 503
    html = response.content.decode()
    assert "ลองอีกครั้ง" in html
    assert f'action="/live/{live_round.pk}/join/"' in html
    assert any("BigBlueButton error" in r.message for r in caplog.records)


def test_bbb_down_when_the_trainer_starts_gives_the_retry_page(client, live_round, bbb_emulator):
    bbb_emulator.fault("create", "http500")
    client.force_login(live_round.trainer)
    response = client.post(join_path(live_round))
    assert response.status_code == 503
    assert LiveSession.objects.get(round=live_round).status == LiveSessionStatus.SCHEDULED
    retry = client.post(join_path(live_round))
    assert retry.status_code == 302


@every_server
def test_a_stale_link_brings_the_participant_back_and_refreshes_the_status(
    client, live_round, participant, bbb_emulator
):
    start_as_trainer(client, live_round, bbb_emulator)
    client.force_login(participant)
    url = client.post(join_path(live_round))["Location"]
    session = LiveSession.objects.get(round=live_round)
    bbb_emulator.control(f"meetings/{session.meeting_id}/end", {"reason": "moderator"})
    back = requests.get(url, allow_redirects=False, timeout=5)
    if bbb_emulator.profile == "scalelite":
        # Scalelite answers a link it no longer knows itself, with XML: nothing we send can
        # change that. Pressing Join again checks first and gives our Thai page.
        assert back.status_code == 200
        assert back.headers["Content-Type"].startswith("text/xml")
        LiveSession.objects.filter(pk=session.pk).update(  # they come back a little later
            status_checked_at=timezone.now() - datetime.timedelta(seconds=15)
        )
        again = client.post(join_path(live_round))
        assert again.status_code == 200
        assert "การอบรมสิ้นสุดแล้ว" in again.content.decode()
        return
    # Where BBB sends the browser: errorRedirectUrl (the join page) on current servers,
    # the join's logoutURL (the live-session page) on unpatched 2.7 and on 2.6.
    page_path = "/join/" if bbb_emulator.profile in ("", "bbb-3.0") else "/"
    location = back.headers["Location"]
    assert location.startswith(f"http://testserver/live/{live_round.pk}{page_path}?errors=")
    page = client.get(location.removeprefix("http://testserver"))
    html = page.content.decode()
    assert 'role="alert">การอบรมสิ้นสุดแล้ว' in html  # the same Thai message on either page
    session.refresh_from_db()
    assert session.status == LiveSessionStatus.ENDED
    assert "การอบรมสิ้นสุดแล้ว" in client.post(join_path(live_round)).content.decode()


def test_behind_scalelite_an_old_running_state_is_checked_before_sending_anyone(
    client, live_round, participant, bbb_emulator, settings
):
    bbb_emulator.control("config", {"profile": "scalelite"})
    settings.BBB_SCALELITE = True
    start_as_trainer(client, live_round, bbb_emulator)
    client.force_login(participant)
    assert client.post(join_path(live_round)).status_code == 302  # learns it runs
    session = LiveSession.objects.get(round=live_round)
    # The meeting ends on the server; its end callback has not reached us yet.
    bbb_emulator.control(f"meetings/{session.meeting_id}/end", {"reason": "moderator"})
    fresh = client.post(join_path(live_round))
    assert fresh.status_code == 302  # a state checked seconds ago is still trusted
    LiveSession.objects.filter(pk=session.pk).update(
        status_checked_at=timezone.now() - datetime.timedelta(seconds=15)
    )
    response = client.post(join_path(live_round))
    assert response.status_code == 200
    assert "การอบรมสิ้นสุดแล้ว" in response.content.decode()
    session.refresh_from_db()
    assert session.status == LiveSessionStatus.ENDED


@pytest.mark.parametrize(
    "errors",
    [
        "[" * 3000,  # too deep for json (RecursionError)
        "[" * 900 + "]" * 900,  # deep, under the length cap
        "{" * 600,
        '{"key": "meetingForciblyEnded"}',
        '[{"key": ["a"]}, 7, null]',
        "NaN",
        '"' + "x" * 5000 + '"',
    ],
)
def test_any_errors_parameter_gives_the_join_page_not_a_500(
    client, live_round, participant, bbb_emulator, errors
):
    client.force_login(participant)
    response = client.get(join_path(live_round), {"errors": errors})
    assert response.status_code == 200
    assert "ไม่สามารถเข้าห้องอบรมได้" in response.content.decode()


def test_people_sent_back_by_bbb_together_cost_one_getmeetinginfo(
    client, live_round, participant, bbb_emulator
):
    start_as_trainer(client, live_round, bbb_emulator)
    client.force_login(participant)
    errors = '[{"key":"mismatchCreateTimeParam","message":"x"}]'
    before = bbb_emulator.state()["api_calls"].get("getMeetingInfo", 0)
    for _ in range(5):
        page = client.get(join_path(live_round), {"errors": errors})
        assert "ห้องอบรมถูกเปิดใหม่" in page.content.decode()
    assert bbb_emulator.state()["api_calls"].get("getMeetingInfo", 0) == before + 1
    cache.clear()  # the brief cache is gone: the next one asks again
    client.get(join_path(live_round), {"errors": errors})
    assert bbb_emulator.state()["api_calls"].get("getMeetingInfo", 0) == before + 2


def test_the_too_early_join_page_has_a_way_back(client, live_round, participant):
    client.force_login(participant)
    # Two days before the round: the room is not open yet.
    with time_machine.travel(live_round.starts_at - datetime.timedelta(days=2), tick=False):
        html = client.get(join_path(live_round)).content.decode()
    assert "ห้องอบรมจะเปิดให้เข้า" in html
    assert "เข้าห้องอบรม</button>" not in html
    assert '<a class="button button--secondary" href="/my-training/">กลับไปที่การอบรมของฉัน</a>' in html
    client.force_login(live_round.trainer)
    with time_machine.travel(live_round.starts_at - datetime.timedelta(days=2), tick=False):
        html = client.get(join_path(live_round)).content.decode()
    assert 'href="/my-rounds/">การอบรมที่ฉันสอน</a>' in html

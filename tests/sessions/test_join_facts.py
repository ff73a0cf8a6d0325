"""Join from the facts cached in Redis (``sessions.join_facts``) and the queued join clicks
(``sessions.join_clicks``): on a real Redis server, with production's cache and sessions."""

import datetime
import threading
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth.models import Group
from django.core.cache import caches
from django.db import connections
from django.utils import timezone

from accounts.models import Role
from accounts.services import change_role, update_profile
from assessments.services import start_attempt, submit_attempt
from courses.models import Enrolment, EnrolmentStatus
from sessions import services
from sessions.join_clicks import flush_join_clicks, queue_join_click
from sessions.models import AttendanceEvent, AttendanceEventKind, LiveSession
from sessions.tasks import flush_join_clicks_task
from tests.assessments.factories import make_quiz
from tests.factories import UserFactory
from tests.ops.servers import redis_server  # noqa: F401

from .helpers import start_meeting

pytestmark = pytest.mark.django_db

DUMMY_TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "db": {
        "BACKEND": "django_tasks.backends.dummy.DummyBackend",
        "QUEUES": ["default", "certificates", "mail", "line"],
    },
}


@pytest.fixture
def redis_cache(settings, redis_server):  # noqa: F811
    """Production's cache (``ResilientRedisCache``, trying Redis again at every call) and
    ``cached_db`` sessions, on the test's own redis-server."""
    settings.CACHES = {
        "default": {
            "BACKEND": "config.cache.ResilientRedisCache",
            "LOCATION": redis_server.url,
            "KEY_PREFIX": "esc",
            "OPTIONS": {"retry_seconds": 0, "socket_timeout": 0.2},
        }
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    return caches["default"]


@pytest.fixture
def queued(settings):
    """Clicks stay in the Redis queue: the flush task is queued, not run."""
    settings.TASKS = DUMMY_TASKS


def join_path(round_):
    return f"/live/{round_.pk}/join/"


def clicks(user):
    return AttendanceEvent.objects.filter(user=user, kind=AttendanceEventKind.JOIN_CLICK)


def warm_up(client, live_round, participant, bbb_emulator):
    """The trainer starts; the participant opens the join page (the facts are kept)."""
    start_meeting(client, live_round, bbb_emulator)
    client.force_login(participant)
    assert client.get(join_path(live_round)).status_code == 200
    client.post(join_path(live_round))  # learns that the meeting runs; keeps that too
    flush_join_clicks()  # that click, if queued


def fast_join(client, live_round, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.post(join_path(live_round))
    assert response.status_code == 302
    return response


def outcome(response) -> str:
    """What a Join did, in a word: the role it sent the user in as, or the refusal's code."""
    if response.status_code == 302:
        location = response["Location"]
        if "/accounts/login/" in location:
            return "login"
        query = parse_qs(urlsplit(location).query)
        return f"{query['role'][0]}:{query['fullName'][0]}:{query['createTime'][0]}"
    return response.context["code"]  # the refusal page's


def test_a_warm_join_takes_no_sql_and_sends_the_same_url_as_the_database_path(
    client, redis_cache, live_round, participant, bbb_emulator, queued, django_assert_num_queries
):
    start_meeting(client, live_round, bbb_emulator)
    client.force_login(participant)
    slow = client.post(join_path(live_round))  # the database path, which keeps the facts
    fast = fast_join(client, live_round, django_assert_num_queries)
    assert fast["Location"] == slow["Location"]
    assert "role=VIEWER" in fast["Location"]
    assert bbb_emulator.enter_by_url(fast["Location"]).status_code == 200
    flush_join_clicks_task.call()
    assert clicks(participant).count() == 2
    assert {c.payload["role"] for c in clicks(participant)} == {"VIEWER"}


def test_without_redis_every_join_takes_the_database_path(
    client, live_round, participant, bbb_emulator, django_assert_max_num_queries
):
    """A local-memory cache is per process: the facts are not kept in it."""
    warm_up(client, live_round, participant, bbb_emulator)
    with django_assert_max_num_queries(8) as queries:
        response = client.post(join_path(live_round))
    assert response.status_code == 302
    assert len(queries) > 0
    assert clicks(participant).count() == 2  # written at once


# --- Every write that changes a fact changes the next Join ------------------------------


def cancel(live_round, participant, **_):
    """A DLA administrator cancels the seat in the admin (the participant can no longer:
    the round has started)."""
    enrolment = Enrolment.objects.get(user=participant, round=live_round)
    enrolment.status = EnrolmentStatus.CANCELLED
    enrolment.save()


def waitlist(live_round, participant, **_):
    enrolment = Enrolment.objects.get(user=participant, round=live_round)
    enrolment.status = EnrolmentStatus.WAITLISTED
    enrolment.save()


def remove_enrolment(live_round, participant, **_):
    Enrolment.objects.filter(user=participant, round=live_round).delete()


def rename(live_round, participant, **_):
    update_profile(user=participant, profile={"first_name": "สมหญิง"})


def rename_lao(live_round, participant, **_):
    organisation = participant.organisation
    organisation.name_th = "อบต.ใหม่"
    organisation.save()


def change_password(live_round, participant, **_):
    participant.set_password("a-new-password-2569")
    participant.save()


def deactivate(live_round, participant, **_):
    participant.is_active = False
    participant.save()


def make_dla_admin(live_round, participant, **_):
    Group.objects.get_or_create(name="DLA administrators")
    change_role(user=participant, role=Role.DLA_ADMIN, changed_by=None)


def move_round_to_the_past(live_round, participant, **_):
    live_round.starts_at = timezone.now() - datetime.timedelta(hours=4)
    live_round.ends_at = timezone.now() - datetime.timedelta(hours=1)
    live_round.save()


def end_session(live_round, participant, **_):
    session = LiveSession.objects.get(round=live_round)
    services.end_live_session(session=session, by=live_round.trainer)


def restart_meeting(live_round, participant, client, bbb_emulator, **_):
    """The meeting ends and the trainer starts a new one (a new createTime)."""
    session = LiveSession.objects.get(round=live_round)
    services.end_live_session(session=session, by=live_round.trainer)
    bbb_emulator.advance(60)
    start_meeting(client, live_round, bbb_emulator)
    client.force_login(participant)


def require_pre_test(live_round, participant, **_):
    make_quiz(live_round, questions=1, required_before_join=True, is_published=True)


def end_meeting_seen_by_a_poll(live_round, participant, bbb_emulator, **_):
    session = LiveSession.objects.get(round=live_round)
    state = bbb_emulator.emulator
    with state.lock:
        state.end_meeting(state.find_meeting(session.meeting_id))
    services.poll_live_session(session=session)


WRITES = [
    (cancel, "cancelled"),
    (waitlist, "waitlisted"),
    (remove_enrolment, "not_enrolled"),
    (rename, "VIEWER:นายสมหญิง"),
    (rename_lao, "VIEWER:(อบต.ใหม่)"),
    (change_password, "login"),
    (deactivate, "login"),
    (make_dla_admin, "MODERATOR"),
    (move_round_to_the_past, "session_over"),
    (end_session, "session_over"),
    (end_meeting_seen_by_a_poll, "session_over"),
    (restart_meeting, "VIEWER:new createTime"),
    (require_pre_test, "blocked"),
]


@pytest.mark.parametrize(("write", "expected"), WRITES, ids=[w.__name__ for w, _ in WRITES])
def test_every_write_that_changes_a_fact_changes_the_next_join(
    client,
    redis_cache,
    live_round,
    participant,
    bbb_emulator,
    django_assert_num_queries,
    django_capture_on_commit_callbacks,
    queued,
    write,
    expected,
):
    live_round.number = 1  # the pre-test rule holds back round 1 only
    live_round.save()
    warm_up(client, live_round, participant, bbb_emulator)
    before = outcome(fast_join(client, live_round, django_assert_num_queries))
    assert before.startswith("VIEWER:")
    create_time = before.rsplit(":", 1)[1]

    with django_capture_on_commit_callbacks(execute=True):
        write(
            live_round=live_round, participant=participant, client=client, bbb_emulator=bbb_emulator
        )

    after = outcome(client.post(join_path(live_round)))
    if expected == "VIEWER:new createTime":
        assert after.startswith("VIEWER:")
        assert after.rsplit(":", 1)[1] != create_time
    elif expected.startswith("VIEWER:"):
        role, change = expected.split(":", 1)
        assert after.startswith(f"{role}:") and change in after, after
    else:
        assert after.split(":")[0] == expected, after


def test_a_submitted_pre_test_lets_the_participant_in(
    client,
    redis_cache,
    live_round,
    participant,
    bbb_emulator,
    queued,
    django_capture_on_commit_callbacks,
):
    live_round.number = 1
    live_round.save()
    quiz = make_quiz(live_round, questions=1, required_before_join=True, is_published=True)
    warm_up(client, live_round, participant, bbb_emulator)
    assert outcome(client.post(join_path(live_round))) == "blocked"

    attempt = start_attempt(quiz=quiz, user=participant)
    with django_capture_on_commit_callbacks(execute=True):
        submit_attempt(user=participant, attempt_id=attempt.pk, answers={})

    assert outcome(client.post(join_path(live_round))).startswith("VIEWER:")


# --- Redis going away ----------------------------------------------------------------------


def test_with_redis_gone_join_works_from_the_database_and_the_click_is_written(
    client,
    redis_cache,
    redis_server,  # noqa: F811
    live_round,
    participant,
    bbb_emulator,
    queued,
):
    warm_up(client, live_round, participant, bbb_emulator)
    before = clicks(participant).count()

    redis_server.stop()
    response = client.post(join_path(live_round))

    assert response.status_code == 302
    assert "role=VIEWER" in response["Location"]
    assert clicks(participant).count() == before + 1  # written directly, not lost


def test_a_change_redis_missed_is_not_believed_when_redis_returns(
    client,
    redis_cache,
    redis_server,  # noqa: F811
    live_round,
    participant,
    bbb_emulator,
    django_capture_on_commit_callbacks,
):
    """Redis answers nobody while the enrolment is cancelled (the invalidation is lost);
    when it answers again, the old facts it still holds are not used."""
    warm_up(client, live_round, participant, bbb_emulator)
    redis_server.freeze()
    with django_capture_on_commit_callbacks(execute=True):
        cancel(live_round, participant)
    redis_server.thaw()

    assert outcome(client.post(join_path(live_round))) == "cancelled"


# --- The click queue ----------------------------------------------------------------------


def test_with_the_immediate_backend_a_queued_click_is_written_at_once(
    client, redis_cache, live_round, participant, bbb_emulator
):
    """The click that finds the queue without a flush pending enqueues the flush task."""
    warm_up(client, live_round, participant, bbb_emulator)
    before = clicks(participant).count()
    assert client.post(join_path(live_round)).status_code == 302
    assert clicks(participant).count() == before + 1


def test_queued_clicks_are_written_by_the_task(
    client, redis_cache, live_round, participant, bbb_emulator, queued, django_assert_num_queries
):
    warm_up(client, live_round, participant, bbb_emulator)
    before = clicks(participant).count()
    for _ in range(3):
        fast_join(client, live_round, django_assert_num_queries)
    assert clicks(participant).count() == before  # queued in Redis

    flush_join_clicks_task.call()

    assert clicks(participant).count() == before + 3
    flush_join_clicks_task.call()  # idempotent: nothing twice
    assert clicks(participant).count() == before + 3


def test_reconciliation_flushes_the_queued_clicks_first(
    client, redis_cache, live_round, participant, bbb_emulator, queued, django_assert_num_queries
):
    warm_up(client, live_round, participant, bbb_emulator)
    before = clicks(participant).count()
    fast_join(client, live_round, django_assert_num_queries)
    assert clicks(participant).count() == before

    services.reconcile_attendance(session=LiveSession.objects.get(round=live_round))

    assert clicks(participant).count() == before + 1


def test_a_click_of_a_deleted_user_does_not_hold_up_the_others(
    redis_cache, live_round, participant, queued
):
    session = services.get_or_create_live_session(round_=live_round)
    gone = UserFactory()
    now = timezone.now()
    for user in (participant, gone, participant):
        queue_join_click(
            session_id=session.pk, user_id=user.pk, role="VIEWER", create_time=1, now=now
        )
    gone.delete()

    assert flush_join_clicks() == 2
    assert clicks(participant).count() == 2


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_no_click_is_lost_when_many_join_while_the_queue_is_flushed(
    redis_cache, live_round, queued
):
    """Eight threads queue 50 clicks each while two others flush: every click is written
    once."""
    session = services.get_or_create_live_session(round_=live_round)
    users = UserFactory.create_batch(8)
    per_thread = 50
    done = threading.Event()
    errors = []

    def join(user):
        try:
            for _ in range(per_thread):
                queue_join_click(
                    session_id=session.pk,
                    user_id=user.pk,
                    role="VIEWER",
                    create_time=1,
                    now=timezone.now(),
                )
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    def flush():
        try:
            while not done.is_set():
                flush_join_clicks(batch=7)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    flushers = [threading.Thread(target=flush) for _ in range(2)]
    joiners = [threading.Thread(target=join, args=(user,)) for user in users]
    for thread in flushers + joiners:
        thread.start()
    for thread in joiners:
        thread.join()
    done.set()
    for thread in flushers:
        thread.join()
    flush_join_clicks()

    assert not errors, errors
    written = AttendanceEvent.objects.filter(session=session, kind=AttendanceEventKind.JOIN_CLICK)
    assert written.count() == len(users) * per_thread
    for user in users:
        assert written.filter(user=user).count() == per_thread

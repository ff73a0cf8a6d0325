"""`seed_demo` works on any day: the demo rounds lie in the coming weeks, and a run weeks
later moves nothing a user made."""

import datetime
import io

import pytest
import time_machine
from django.core.management import call_command
from wagtail.log_actions import log

from accounts.models import User
from courses.models import Enrolment, EnrolmentStatus, Programme
from courses.services import enrol_participant
from sar.models import Workspace
from sessions.models import LiveSession

pytestmark = pytest.mark.django_db

BANGKOK = datetime.timezone(datetime.timedelta(hours=7))
FROZEN_NOW = datetime.datetime(2026, 11, 20, 10, 0, tzinfo=BANGKOK)


def _seed(*args):
    call_command("seed_demo", *args, stdout=io.StringIO())
    return {r.number: r for r in Programme.objects.get(code="esc-2569").rounds.all()}


def _assert_ahead_and_open(round_, now):
    assert now < round_.registration_closes_at < round_.starts_at
    assert round_.registration_opens_at <= now
    assert round_.starts_at - now < datetime.timedelta(weeks=5)
    assert round_.starts_at.astimezone(BANGKOK).time() == datetime.time(9, 0)


@pytest.mark.parametrize(
    "day",
    [
        FROZEN_NOW,
        FROZEN_NOW + datetime.timedelta(days=400),
        FROZEN_NOW + datetime.timedelta(days=3 * 365),
        # 00:30 on New Year's day in Bangkok is still the old year in UTC.
        datetime.datetime(2027, 1, 1, 0, 30, tzinfo=BANGKOK),
    ],
)
def test_the_demo_rounds_are_ahead_with_registration_open_on_any_day(day):
    with time_machine.travel(day, tick=False):
        rounds = _seed()
    for round_ in rounds.values():
        _assert_ahead_and_open(round_, day)


def test_a_run_weeks_later_brings_untouched_rounds_back_and_keeps_what_people_made():
    with time_machine.travel(FROZEN_NOW, tick=False):
        rounds = _seed()
        participant = User.objects.get(email="participant@example.com")
        admin = User.objects.get(email="admin@example.com")
        enrolment = enrol_participant(user=participant, round_=rounds[2])
        # Round 3 was rescheduled by DLA in the admin; round 4's session was held.
        log(instance=rounds[3], action="wagtail.edit", user=admin)
        LiveSession.objects.create(round=rounds[4], started_at=rounds[4].starts_at)
        workspaces = list(Workspace.objects.values_list("pk", "year_be"))

    later = FROZEN_NOW + datetime.timedelta(days=75)
    with time_machine.travel(later, tick=False):
        moved = _seed()

    for number in (1, 2):
        _assert_ahead_and_open(moved[number], later)
    for number in (3, 4):
        assert moved[number].starts_at == rounds[number].starts_at
        assert moved[number].registration_closes_at == rounds[number].registration_closes_at
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.ENROLLED
    assert enrolment.round_id == rounds[2].pk
    assert set(workspaces) <= set(Workspace.objects.values_list("pk", "year_be"))


@pytest.mark.parametrize(
    "day",
    [
        FROZEN_NOW + datetime.timedelta(days=400),
        datetime.datetime(2027, 1, 1, 0, 30, tzinfo=BANGKOK),
    ],
)
def test_round_now_puts_a_round_live_on_any_day(day):
    with time_machine.travel(day, tick=False):
        _seed()
        rounds = _seed("--round-now", "2")
        round_2 = rounds[2]
        assert round_2.starts_at <= day < round_2.ends_at
        assert round_2.join_opens_at <= day
        participant = User.objects.get(email="participant@example.com")
        assert Enrolment.objects.get(user=participant, round=round_2).status == "enrolled"
        # A run without the option during the session keeps the round live.
        assert _seed()[2].starts_at == round_2.starts_at

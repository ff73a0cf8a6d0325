"""DLA's country-wide round page reads summary rows that a task recounts after the changes
that move them; the coordinators' pages count live."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.test import override_settings

from assessments.models import QuizKind
from certificates.models import Certificate
from certificates.services import revoke_certificate
from courses.models import Enrolment
from courses.services import cancel_enrolment, enrol_participant
from reports import selectors, services
from reports.models import RoundSummary
from reports.scope import COUNTRY, Scope
from sessions.models import LiveSession
from sessions.services import reconcile_attendance
from tests.assessments.factories import make_quiz
from tests.factories import UserFactory

from .conftest import enrol, take_test
from .test_dashboards import by_first_column, csv_rows

BANGKOK = zoneinfo.ZoneInfo("Asia/Bangkok")
DUMMY_TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "db": {
        "BACKEND": "django_tasks.backends.dummy.DummyBackend",
        "QUEUES": ["default", "certificates", "mail"],
    },
}


def dla_rounds(client, world) -> dict[str, list[str]]:
    client.force_login(world.admin)
    return by_first_column(csv_rows(client.get("/reports/export/rounds.csv")))


def coordinator_rounds(client, world) -> dict[str, list[str]]:
    client.force_login(world.coordinator)
    return by_first_column(csv_rows(client.get("/reports/export/rounds.csv")))


def enrolled(rows, round_) -> int:
    return int(rows[round_.numbered_title][0])


def test_the_summary_holds_the_same_cells_as_the_live_count(world):
    services.refresh_round_summary()
    live = selectors.live_round_cells(Scope(COUNTRY), {})
    stored = selectors.summary_round_cells({})
    assert {key: +counts for key, counts in stored.items()} == {
        key: +counts for key, counts in live.items()
    }
    assert stored  # the world has data: the comparison is not of two empty sets


def test_the_dla_page_shows_the_summary_and_when_it_was_counted_in_the_buddhist_era(client, world):
    counted = datetime.datetime(2026, 12, 2, 9, 5, tzinfo=BANGKOK)
    with time_machine.travel(counted, tick=False):
        services.refresh_round_summary()
    client.force_login(world.admin)
    page = client.get("/reports/").content.decode()
    assert "2 ธันวาคม พ.ศ. 2569 09:05 น." in page
    client.force_login(world.coordinator)
    assert "2 ธันวาคม พ.ศ. 2569" not in client.get("/reports/").content.decode()


def test_a_change_without_a_recount_shows_on_the_coordinators_page_at_once_not_on_dlas(
    client, world
):
    services.refresh_round_summary()
    before = dla_rounds(client, world)
    # An enrolment written without the service (so nobody asks for a recount).
    enrol(UserFactory(organisation=world.chiang_mai[2]), world.round_1)

    assert enrolled(dla_rounds(client, world), world.round_1) == enrolled(before, world.round_1)
    assert enrolled(coordinator_rounds(client, world), world.round_1) == 3
    services.refresh_round_summary()
    assert enrolled(dla_rounds(client, world), world.round_1) == enrolled(before, world.round_1) + 1


def test_enrolment_attendance_tests_and_certificates_each_trigger_a_recount(
    client, world, django_capture_on_commit_callbacks
):
    services.refresh_round_summary()

    def recounted(action) -> bool:
        RoundSummary.objects.update(refreshed_at=datetime.datetime(2000, 1, 1, tzinfo=BANGKOK))
        with django_capture_on_commit_callbacks(execute=True):
            action()
        return RoundSummary.objects.get().refreshed_at.year > 2000

    newcomer = UserFactory(organisation=world.chiang_mai[2])
    assert recounted(lambda: enrol_participant(user=newcomer, round_=world.round_2))
    assert enrolled(dla_rounds(client, world), world.round_2) == 3

    assert recounted(lambda: cancel_enrolment(enrolment=Enrolment.objects.get(user=newcomer)))
    assert enrolled(dla_rounds(client, world), world.round_2) == 2

    session = LiveSession.objects.get(round=world.round_1)
    assert recounted(lambda: reconcile_attendance(session=session))
    quiz = make_quiz(world.round_2, QuizKind.PRE_TEST, questions=2)
    assert recounted(
        lambda: take_test(
            Enrolment.objects.filter(round=world.round_2, status="enrolled").first().user, quiz, 1
        )
    )
    certificate = Certificate.objects.valid().first()
    assert recounted(
        lambda: revoke_certificate(certificate=certificate, reason="ทดสอบ", revoked_by=world.admin)
    )
    live = selectors.live_round_cells(Scope(COUNTRY), {})
    assert {k: +v for k, v in selectors.summary_round_cells({}).items()} == {
        k: +v for k, v in live.items()
    }


@override_settings(TASKS=DUMMY_TASKS, REPORTS_SUMMARY_DELAY_SECONDS=30)
def test_a_rush_of_changes_queues_one_delayed_recount_until_it_runs(world):
    from django_tasks import task_backends

    services.refresh_round_summary()
    backend = task_backends["db"]
    backend.clear()
    frozen = datetime.datetime(2026, 12, 2, 9, 0, tzinfo=BANGKOK)
    with time_machine.travel(frozen, tick=False):
        queued = [services.request_summary_refresh() for _ in range(50)]
    assert queued.count(True) == 1
    assert len(backend.results) == 1
    assert backend.results[0].task.run_after == frozen + datetime.timedelta(seconds=30)

    # The recount clears the flag first: the next change queues the next recount.
    services.refresh_round_summary()
    assert services.request_summary_refresh() is True
    assert len(backend.results) == 2


@override_settings(TASKS=DUMMY_TASKS)
def test_a_recount_request_lost_for_ten_minutes_is_queued_again(world):
    from django_tasks import task_backends

    services.refresh_round_summary()
    backend = task_backends["db"]
    backend.clear()
    start = datetime.datetime(2026, 12, 2, 9, 0, tzinfo=BANGKOK)
    with time_machine.travel(start, tick=False):
        assert services.request_summary_refresh() is True
    with time_machine.travel(start + datetime.timedelta(minutes=9), tick=False):
        assert services.request_summary_refresh() is False
    with time_machine.travel(start + datetime.timedelta(minutes=11), tick=False):
        assert services.request_summary_refresh() is True
    assert len(backend.results) == 2


def test_until_the_first_count_the_dla_page_counts_live_and_the_first_change_queues_it(
    client, world, django_capture_on_commit_callbacks
):
    assert RoundSummary.objects.get().refreshed_at is None
    before = dla_rounds(client, world)
    enrol(UserFactory(organisation=world.chiang_mai[2]), world.round_1)
    assert enrolled(dla_rounds(client, world), world.round_1) == enrolled(before, world.round_1) + 1
    assert "Country-wide figures" not in client.get("/en/reports/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        enrol_participant(user=UserFactory(organisation=world.chiang_mai[2]), round_=world.round_2)
    assert RoundSummary.objects.get().refreshed_at is not None
    assert "Country-wide figures" in client.get("/en/reports/").content.decode()


@pytest.mark.parametrize("filters", [{"lao_type": "city_municipality"}, {"province": "40"}])
def test_dla_filters_on_the_summary_give_what_the_live_count_gives(client, world, filters):
    services.refresh_round_summary()
    client.force_login(world.admin)
    from_summary = csv_rows(client.get("/reports/export/rounds_by_province.csv", filters))
    live = selectors.live_round_cells(Scope(COUNTRY), filters)
    summary = selectors.summary_round_cells(filters)
    assert {k: +v for k, v in summary.items()} == {k: +v for k, v in live.items()}
    assert len(from_summary) > 1

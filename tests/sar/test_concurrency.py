"""Two tabs at once: races end in a clear refusal, never a 500 or a lost figure."""

import threading

import pytest
from django.db import connection

from sar.models import Entry, Workspace
from sar.services import SandboxError, create_workspace, save_section
from tests.factories import OrganisationFactory, UserFactory

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]


def run_together(*calls):
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def worker(index, call):
        try:
            barrier.wait(timeout=10)
            outcomes[index] = call()
        except Exception as error:  # noqa: BLE001 (the outcome is what the test checks)
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def test_opening_the_same_workspace_twice_at_once_gives_one_and_a_clear_refusal():
    user = UserFactory(organisation=OrganisationFactory())
    outcomes = run_together(
        lambda: create_workspace(owner=user, year_be=2569),
        lambda: create_workspace(owner=user, year_be=2569, start_from="sample"),
    )
    created = [o for o in outcomes if isinstance(o, Workspace)]
    refused = [o for o in outcomes if isinstance(o, SandboxError)]
    assert len(created) == 1
    assert [error.code for error in refused] == ["workspace_exists"]
    assert Workspace.objects.filter(owner=user).count() == 1


def test_two_pages_saved_at_once_keep_both():
    user = UserFactory(organisation=OrganisationFactory())
    workspace = create_workspace(owner=user, year_be=2569)
    outcomes = run_together(
        lambda: save_section(
            workspace=workspace,
            section="LIV",
            values={"all_streetlights": "2000", "led_streetlights": "1200"},
            notes={},
            user=user,
        ),
        lambda: save_section(
            workspace=workspace,
            section="GOV",
            values={"total_budget_thb": "180000000", "environment_budget_thb": "6200000"},
            notes={},
            user=user,
        ),
    )
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    assert dict(Entry.objects.filter(workspace=workspace).values_list("key", "value")) == {
        "all_streetlights": "2000",
        "led_streetlights": "1200",
        "total_budget_thb": "180000000",
        "environment_budget_thb": "6200000",
    }

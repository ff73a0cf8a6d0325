"""The reporting year offered for a new workspace, and so the grid-electricity factor, follow
the date in Bangkok: at 00:30 on 1 January 2026 there it is still 2025 in UTC."""

import datetime

import pytest
import time_machine

from sar.models import Workspace
from sar.selectors import assess_workspace
from sar.services import add_ghg_activity

pytestmark = pytest.mark.django_db

BANGKOK = datetime.timezone(datetime.timedelta(hours=7))


def test_the_new_workspace_year_and_the_grid_factor_follow_the_bangkok_date(client, participant):
    client.force_login(participant)
    with time_machine.travel(datetime.datetime(2026, 1, 1, 0, 30, tzinfo=BANGKOK), tick=False):
        page = client.get("/sandbox/").content.decode()
        assert 'value="2569"' in page
        client.post("/sandbox/new/", {"year_be": "2569", "start_from": "empty"})
    workspace = Workspace.objects.get(owner=participant)
    add_ghg_activity(workspace=workspace, ef_code="grid_electricity", quantity="1000", user=None)
    versions = assess_workspace(workspace).ghg.factor_versions
    assert versions["grid_electricity"].version == "2026-01-01"  # 0.4750, not 2016-2018's 0.4999

"""With the demo data (`make run`), each demo account finds the dashboards it may see."""

import pytest

pytestmark = pytest.mark.django_db


def test_the_demo_coordinator_sees_chiang_mais_demo_laos_still_to_follow_up(client, demo_site):
    assert client.login(email="coordinator@example.com", password="demo-coordinator-2569")
    home = client.get("/").content.decode()
    assert 'href="/reports/"' in home
    coverage = client.get("/reports/coverage/").content.decode()
    assert "จังหวัดเชียงใหม่" in coverage
    assert "จอมทอง" in coverage
    missing = client.get("/reports/coverage/missing/").content.decode()
    assert "เทศบาลนครเชียงใหม่" in missing
    assert "เทศบาลนครขอนแก่น" not in missing
    assert "053-000201" in missing  # the directory's contact data, to follow up


def test_the_demo_admin_finds_the_dashboards_in_the_wagtail_menu(client, demo_site):
    assert client.login(email="admin@example.com", password="demo-admin-2569")
    admin = client.get("/admin/").content.decode()
    assert "/reports/" in admin
    assert "ขอนแก่น" in client.get("/reports/coverage/").content.decode()


def test_the_demo_participant_has_no_report_link(client, demo_site):
    assert client.login(email="participant@example.com", password="demo-participant-2569")
    assert 'href="/reports/"' not in client.get("/").content.decode()
    assert client.get("/reports/").status_code == 403

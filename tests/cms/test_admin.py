import pytest

from accounts.models import User

pytestmark = pytest.mark.django_db


def test_demo_administrator_logs_in_to_the_wagtail_admin_in_thai(client, demo_site):
    # The admin's own log-in page sends people to allauth's (issue 13, finding 3).
    assert client.get("/admin/login/")["Location"] == "/accounts/login/?next=%2Fadmin%2F"
    response = client.post(
        "/accounts/login/?next=/admin/",
        {"login": "admin@example.com", "password": "demo-admin-2569"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    response = client.get("/admin/")
    assert response.status_code == 200
    assert 'lang="th"' in response.content.decode()


def test_admin_lists_rounds_and_the_lao_directory(client, demo_site):
    client.force_login(User.objects.get(email="admin@example.com"))
    assert "เทศบาลนครเชียงใหม่" in client.get("/admin/organisations/").content.decode()
    assert client.get("/admin/rounds/").status_code == 200


def test_participants_cannot_enter_the_admin(client, demo_site):
    client.force_login(User.objects.get(email="participant@example.com"))
    response = client.get("/admin/")
    # Refused outright (only staff use the admin), not sent round the log-in page again.
    assert response.status_code == 403

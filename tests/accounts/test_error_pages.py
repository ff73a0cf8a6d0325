"""403, CSRF failure and 400 are designed Thai pages on the site's layout, with a way back,
as a participant meets them in production (DEBUG=False)."""

import pytest
from django.test import Client, override_settings

from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_production_errors")]

FOOTER = "กรมส่งเสริมการปกครองท้องถิ่น"  # the site's footer: the page extends base.html


@pytest.fixture
def _production_errors():
    with override_settings(DEBUG=False):
        yield


def test_a_csrf_failure_on_the_login_form_shows_the_thai_page():
    client = Client(enforce_csrf_checks=True)
    client.get("/accounts/login/")  # the browser got its cookie, then the form went stale
    client.cookies.pop("csrftoken", None)
    response = client.post("/accounts/login/", {"login": "someone@example.com", "password": "x"})
    assert response.status_code == 403
    html = response.content.decode()
    assert '<html lang="th">' in html
    assert "กรุณาส่งแบบฟอร์มอีกครั้ง" in html
    assert "อนุญาตคุกกี้" in html
    assert 'href="/accounts/login/"' in html  # reload the form
    assert FOOTER in html
    assert "CSRF" not in html
    assert "Forbidden" not in html


def test_a_page_for_another_role_shows_the_thai_403_page(client):
    client.force_login(UserFactory())  # a participant
    response = client.get("/manage/participants/import/")
    assert response.status_code == 403
    html = response.content.decode()
    assert "ท่านไม่มีสิทธิ์เปิดหน้านี้" in html
    assert 'href="/"' in html
    assert FOOTER in html


@override_settings(ALLOWED_HOSTS=["testserver"])
def test_a_request_that_cannot_be_read_shows_the_thai_400_page(client):
    response = client.get("/", HTTP_HOST="not-our-site.example")
    assert response.status_code == 400
    html = response.content.decode()
    assert "ระบบอ่านคำขอนี้ไม่ได้" in html
    assert 'href="/"' in html
    assert "Bad Request" not in html

"""Issue 15 item 6 in a browser: the round's trainer picker finds a trainer by name or
e-mail as one types, and keeps a ticked trainer in sight."""

import pytest
from allauth.account.models import EmailAddress
from playwright.sync_api import expect

from accounts.models import Role
from tests.factories import RoundFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "test-password-2569"


def test_typing_a_name_or_an_e_mail_narrows_the_trainer_picker(live_server, page):
    round_ = RoundFactory()
    admin = UserFactory(role=Role.DLA_ADMIN, is_staff=True, is_superuser=True, organisation=None)
    UserFactory(role=Role.TRAINER, first_name="สมหญิง", last_name="ผู้สอน", email="a@example.org")
    UserFactory(role=Role.TRAINER, first_name="ประเสริฐ", last_name="ใจดี", email="b@example.org")
    UserFactory(role=Role.TRAINER, first_name="วันดี", last_name="มีสุข", email="wandee@dla.go.th")

    EmailAddress.objects.create(user=admin, email=admin.email, verified=True, primary=True)
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=login]", admin.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    page.goto(f"{live_server.url}/admin/rounds/edit/{round_.pk}/")

    picker = page.locator("[data-searchable-checkboxes]")
    rows = picker.locator("input[type=checkbox]")
    expect(rows).to_have_count(3)
    picker.get_by_label("ประเสริฐ ใจดี · b@example.org").check()

    search = picker.locator("input[type=search]")
    search.fill("สมหญิง")
    expect(picker.get_by_text("สมหญิง ผู้สอน · a@example.org")).to_be_visible()
    expect(picker.get_by_text("วันดี มีสุข · wandee@dla.go.th")).to_be_hidden()
    # The trainer already ticked stays in sight.
    expect(picker.get_by_text("ประเสริฐ ใจดี · b@example.org")).to_be_visible()

    search.fill("DLA.GO")
    expect(picker.get_by_text("วันดี มีสุข · wandee@dla.go.th")).to_be_visible()
    expect(picker.get_by_text("สมหญิง ผู้สอน · a@example.org")).to_be_hidden()

    picker.get_by_label("ประเสริฐ ใจดี · b@example.org").uncheck()
    search.fill("ไม่มีใคร")
    expect(picker.get_by_text("ไม่พบรายชื่อที่ตรงกัน")).to_be_visible()

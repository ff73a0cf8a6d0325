"""The dashboards in a real browser on a 360 px phone: nothing runs off the screen, no CSP
violation, no serious accessibility problem, and the export downloads."""

import io

import pytest
from axe_playwright_python.sync_playwright import Axe
from openpyxl import load_workbook

from tests.e2e.test_accessibility import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PAGES = ["/reports/", "/reports/coverage/", "/reports/coverage/missing/"]


def test_a_coordinator_reads_the_dashboards_on_a_phone(live_server, phone_page, demo_site):
    csp_errors = []
    phone_page.on(
        "console",
        lambda message: (
            csp_errors.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    log_in(phone_page, live_server.url, "coordinator@example.com", "demo-coordinator-2569")
    # On a phone the site menu sits behind the "เมนู" button.
    phone_page.get_by_role("button", name="เมนู").click()
    phone_page.click("text=รายงาน")
    phone_page.wait_for_url("**/reports/")
    for path in PAGES:
        phone_page.goto(live_server.url + path)
        width = phone_page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, (path, width)
        violations = [
            violation["id"]
            for violation in Axe().run(phone_page).response["violations"]
            if violation["impact"] in {"serious", "critical"}
        ]
        assert violations == [], (path, violations)
    assert csp_errors == []

    phone_page.goto(live_server.url + "/reports/coverage/missing/")
    with phone_page.expect_download() as download_info:
        phone_page.click("text=ส่งออก XLSX")
    sheet = load_workbook(io.BytesIO(open(download_info.value.path(), "rb").read())).active
    names = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "เทศบาลนครเชียงใหม่" in names
    assert "เทศบาลนครขอนแก่น" not in names

"""axe-core on the main pages: no serious or critical accessibility violations."""

import pytest
from axe_playwright_python.sync_playwright import Axe

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PUBLIC_PAGES = [
    "/",
    "/en/",
    "/programme/",
    "/programme/round-1/",
    "/privacy/",
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
]
PARTICIPANT_PAGES = ["/my-training/"]


def serious_violations(page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} — "
        + ", ".join(node["target"][0] for node in violation["nodes"][:3])
        for violation in results.response["violations"]
        if violation["impact"] in {"serious", "critical"}
    ]


def log_in(page, base_url, email, password):
    page.goto(base_url + "/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    page.click("form button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def test_public_pages_have_no_serious_accessibility_violations(live_server, phone_page, demo_site):
    found = {}
    for path in PUBLIC_PAGES:
        phone_page.goto(live_server.url + path)
        if violations := serious_violations(phone_page):
            found[path] = violations
    assert found == {}


def test_participant_pages_have_no_serious_accessibility_violations(
    live_server, phone_page, demo_site
):
    log_in(phone_page, live_server.url, "participant@example.com", "demo-participant-2569")
    found = {}
    for path in PARTICIPANT_PAGES:
        phone_page.goto(live_server.url + path)
        if violations := serious_violations(phone_page):
            found[path] = violations
    assert found == {}

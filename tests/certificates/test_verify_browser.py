"""The verify page of a revoked certificate on a 360 px phone: the facts are not glued to
the edges of their box on the revoked panel's colour."""

import pytest
from playwright.sync_api import expect

from certificates.services import revoke_certificate

from .test_verify import certificate  # noqa: F401 (fixture)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_revoked_panel_gives_its_facts_room(live_server, phone_page, certificate):  # noqa: F811
    revoke_certificate(
        certificate=certificate, reason="ข้อมูลการเข้าร่วมไม่ถูกต้อง", revoked_by=None, notify=False
    )
    page = phone_page
    page.goto(live_server.url + f"/verify/{certificate.display_code}/")
    expect(page.get_by_role("heading", name="วุฒิบัตรนี้ถูกเพิกถอนแล้ว")).to_be_visible()
    facts = page.locator(".verify-result--revoked .facts")
    padding = facts.evaluate(
        "el => ['paddingTop', 'paddingLeft'].map(side => parseFloat(getComputedStyle(el)[side]))"
    )
    assert min(padding) >= 10
    box = facts.bounding_box()
    text = facts.locator("dt").first.bounding_box()
    assert text["x"] - box["x"] >= 10  # the first fact starts inside the box, not at its edge
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

import re

import pytest
from playwright.sync_api import expect

from courses.models import Round

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_journey_from_home_page_to_a_round_page_in_thai(live_server, phone_page, demo_site):
    page = phone_page
    page.goto(live_server.url + "/")
    expect(page.locator("html")).to_have_attribute("lang", "th")
    expect(page.get_by_role("heading", name="การอบรมออนไลน์ 4 ครั้ง")).to_be_visible()
    expect(page.locator(".round-card")).to_have_count(4)

    # The card says "ครั้งที่ 2" above the round's title, which is its link.
    page.locator(".round-card").filter(has_text="ครั้งที่ 2").get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"/programme/round-2/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("น้ำเสีย")

    round_ = Round.objects.get(number=2)
    buddhist_year = round_.starts_at.year + 543
    expect(page.locator(".facts")).to_contain_text(f"พ.ศ. {buddhist_year}")
    # The page fits a 360 px phone: nothing scrolls sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

"""A participant opens the sandbox from round 1, enters the profile and the waste figures,
sees ENV-1 to ENV-4 scored and the round-1 exercise done (on a 360 px phone)."""

import re

import pytest
from allauth.account.models import EmailAddress
from playwright.sync_api import expect

from accounts.models import LaoType
from courses.services import enrol_participant
from tests.factories import OrganisationFactory, RoundFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def fits_the_phone(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_round_1_exercise_from_my_training_to_done(live_server, phone_page):
    organisation = OrganisationFactory(
        lao_type=LaoType.TOWN_MUNICIPALITY, name_th="เทศบาลเมืองบ้านฝาง"
    )
    user = UserFactory(email="namfon@example.com", organisation=organisation)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    round_1 = RoundFactory(number=1, title="ครั้งที่ ๑ เมืองสิ่งแวดล้อมยั่งยืนและการจัดการขยะ")
    enrol_participant(user=user, round_=round_1)
    page = phone_page

    page.goto(live_server.url + "/accounts/login/")
    page.locator("input[name=login]").fill("namfon@example.com")
    page.locator("input[name=password]").fill("test-password-2569")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()

    page.goto(live_server.url + "/my-training/")
    item = page.locator(".progress-item", has_text="แบบฝึกหัดระบบทดลอง SAR")
    expect(item).to_have_class(re.compile("progress-item--due"))
    item.get_by_role("link", name="เปิดระบบทดลอง").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("ตัวชี้วัดด้านขยะ")
    expect(page.locator(".sar-notice")).to_contain_text("เพื่อการฝึกอบรมเท่านั้น")
    fits_the_phone(page)
    page.get_by_role("button", name="เปิดพื้นที่ทำงาน").click()

    # Back on the exercise, now with the workspace's parts.
    expect(page.get_by_role("heading", level=1)).to_contain_text("ตัวชี้วัดด้านขยะ")
    page.get_by_role("link", name="ข้อมูลพื้นฐานของเมือง").click()
    expect(page.locator("#id_lao_type")).to_have_value("town_municipality")
    page.locator("#id_population").fill("25,000")
    page.locator("#id_households").fill("9000")
    page.locator("#id_area_km2").fill("12.5")
    page.locator("#id_communities").fill("20")
    fits_the_phone(page)
    page.get_by_role("button", name="บันทึก").click()
    expect(page.locator(".message--success")).to_contain_text("บันทึกแล้ว")

    page.locator(".sar-tabs").get_by_role("link", name="สิ่งแวดล้อมยั่งยืน").click()
    expect(page.get_by_text("สมุดบันทึกการเก็บขนขยะ").first).to_be_visible()
    page.locator("#id_msw_generated_t").fill("10500")
    page.locator("#id_msw_recycled_t").fill("2300")
    page.locator("#id_msw_composted_t").fill("900")
    page.locator("#id_msw_sanitary_landfill_t").fill("5600")
    page.locator("#id_msw_incinerated_t").fill("0")
    page.locator("#id_separating_households").fill("9100")  # more than the households
    page.get_by_role("button", name="บันทึก").click()
    expect(page.locator(".sar-field--error")).to_contain_text("มากกว่าจำนวนครัวเรือน")
    expect(page.locator("#id_msw_generated_t")).to_have_value("10500")  # kept
    page.locator("#id_separating_households").fill("4100")
    page.get_by_role("button", name="บันทึก").click()
    expect(page.locator(".message--success")).to_contain_text("บันทึกแล้ว")

    for code, score in (("ENV-1", "1"), ("ENV-2", "1"), ("ENV-3", "2"), ("ENV-4", "2")):
        expect(page.locator(f"#indicator-{code} .sar-score__value")).to_have_text(score)
    expect(page.locator("#indicator-ENV-1")).to_contain_text("1.15")
    fits_the_phone(page)

    page.get_by_role("link", name="ดูผลการประเมินทั้งหมด").click()
    expect(page.locator("#indicator-ENV-3")).to_contain_text("83.81")
    expect(page.locator("svg.sar-chart").first).to_be_visible()
    fits_the_phone(page)

    page.goto(live_server.url + "/my-training/")
    done = page.locator(".progress-item", has_text="แบบฝึกหัดระบบทดลอง SAR")
    expect(done).to_have_class(re.compile("progress-item--done"))
    expect(done).to_contain_text("ทำแล้ว")


def test_finishing_the_exercise_leads_back_to_my_training(live_server, phone_page):
    from sar.services import create_workspace, save_section

    from .conftest import PROFILE_FORM, WASTE_FORM

    organisation = OrganisationFactory(lao_type=LaoType.TOWN_MUNICIPALITY)
    user = UserFactory(email="somchai@example.com", organisation=organisation)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    enrol_participant(user=user, round_=RoundFactory(number=1))
    workspace = create_workspace(owner=user, year_be=2569)
    save_section(workspace=workspace, section="profile", values=PROFILE_FORM, notes={}, user=user)
    page = phone_page

    page.goto(live_server.url + "/accounts/login/")
    page.locator("input[name=login]").fill("somchai@example.com")
    page.locator("input[name=password]").fill("test-password-2569")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()

    page.goto(f"{live_server.url}/sandbox/{workspace.pk}/edit/ENV/")
    for key, value in WASTE_FORM.items():
        page.locator(f"#id_{key}").fill(value)
    page.get_by_role("button", name="บันทึก").click()
    message = page.locator(".message--success")
    expect(message).to_contain_text("ทำแบบฝึกหัดครั้งที่ 1 แล้ว")
    fits_the_phone(page)
    message.get_by_role("link", name="กลับไปที่การอบรมของฉัน").click()

    expect(page).to_have_url(re.compile("/my-training/$"))
    done = page.locator(".progress-item", has_text="แบบฝึกหัดระบบทดลอง SAR")
    expect(done).to_have_class(re.compile("progress-item--done"))

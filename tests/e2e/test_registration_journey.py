"""From the circular's QR code to "การอบรมของฉัน" on a 360 × 740 phone."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from accounts.models import ConsentRecord, User
from courses.models import Enrolment, Round

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _fits_the_phone(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def _fill_person(page, email):
    page.get_by_label("คำนำหน้าชื่อ").select_option("นางสาว")
    page.get_by_label("ชื่อ (ภาษาไทย)").fill("น้ำฝน")
    page.get_by_label("นามสกุล (ภาษาไทย)").fill("ใจดี")
    page.get_by_label("ตำแหน่ง").fill("นักวิชาการสิ่งแวดล้อมปฏิบัติการ")
    page.get_by_label("โทรศัพท์มือถือ").fill("081 234 5678")
    page.get_by_label("อีเมล", exact=True).fill(email)
    page.get_by_label("รหัสผ่าน", exact=True).fill("Ch1angMai-2569!")
    page.get_by_label("รหัสผ่าน (อีกครั้ง)").fill("Ch1angMai-2569!")


def test_qr_code_to_sign_up_consent_lao_verification_and_four_rounds(
    live_server, phone_page, demo_site
):
    page = phone_page
    page.goto(live_server.url + "/p/esc-2569/?src=circular-1114")
    expect(page).to_have_url(re.compile(r"/programme/\?src=circular-1114$"))
    _fits_the_phone(page)

    page.get_by_role("link", name="สมัครเข้าร่วมการอบรม").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("สมัครเข้าร่วมการอบรม")
    expect(page.get_by_text("การใช้ข้อมูลส่วนบุคคลของท่าน (PDPA)")).to_be_visible()
    _fits_the_phone(page)

    # The LAO: province, then district (the lists fill in place), then the LAO.
    page.wait_for_load_state("load")  # the picker's deferred script has run
    page.get_by_label("จังหวัด").select_option(label="เชียงใหม่")
    district = page.get_by_label("อำเภอ")
    expect(district.locator("option", has_text="เมืองเชียงใหม่")).to_have_count(1)
    district.select_option(label="เมืองเชียงใหม่")
    lao = page.get_by_label("อปท. ของท่าน")
    expect(lao.locator("option", has_text="เทศบาลนครเชียงใหม่")).to_have_count(1)
    lao.select_option(label="เทศบาลนครเชียงใหม่")

    _fill_person(page, "namfon@example.com")
    consent = page.get_by_label(re.compile("ข้าพเจ้าได้อ่านประกาศความเป็นส่วนตัวแล้ว"))
    expect(page.get_by_label(re.compile("ส่งอีเมลข่าวสาร"))).not_to_be_checked()
    consent.check()
    page.get_by_role("button", name="สมัครสมาชิก").last.click()

    expect(page.get_by_role("heading", level=1)).to_have_text("กรุณาตรวจสอบอีเมลของท่าน")
    _fits_the_phone(page)
    user = User.objects.get(email="namfon@example.com")
    assert user.signup_src == "circular-1114"
    assert user.organisation.name_th == "เทศบาลนครเชียงใหม่"
    assert ConsentRecord.objects.filter(user=user, purpose="training").exists()

    # The verification e-mail, from the test outbox.
    [message] = [m for m in mail.outbox if m.to == ["namfon@example.com"]]
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+)", message.body).group(1)
    page.goto(live_server.url + link)
    page.get_by_role("button", name="ยืนยัน").click()

    # Back at the enrolment page with every round ticked.
    expect(page).to_have_url(re.compile(r"/enrol/esc-2569/\?src=circular-1114$"))
    expect(page.locator("input[name=rounds]:checked")).to_have_count(4)
    _fits_the_phone(page)
    page.get_by_role("button", name="ลงทะเบียนครั้งที่เลือก").click()

    expect(page).to_have_url(re.compile(r"/my-training/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("การอบรมของฉัน")
    cards = page.locator(".training-card--round")
    expect(cards).to_have_count(4)
    for round_ in Round.objects.order_by("number"):
        expect(cards.nth(round_.number - 1)).to_contain_text(f"พ.ศ. {round_.starts_at.year + 543}")
        expect(cards.nth(round_.number - 1)).to_contain_text("ลงทะเบียนแล้ว")
    expect(page.get_by_text(re.compile("เปิดห้องอบรม .* \\(อีก "))).to_have_count(4)
    _fits_the_phone(page)
    assert set(Enrolment.objects.filter(user=user).values_list("src", flat=True)) == {
        "circular-1114"
    }
    confirmation = [m for m in mail.outbox if "ยืนยันการลงทะเบียน" in m.subject]
    assert len(confirmation) == 1 and len(confirmation[0].attachments) == 4


def test_type_ahead_finds_the_lao_by_name(live_server, phone_page, demo_site):
    page = phone_page
    page.goto(live_server.url + "/accounts/signup/")
    search = page.get_by_label("ค้นหาด้วยชื่อหรือรหัส อปท.")
    search.fill("หนองเรือ")
    page.get_by_role("option", name=re.compile("องค์การบริหารส่วนตำบลหนองเรือ")).click()
    expect(page.get_by_label("จังหวัด")).to_have_value("40")
    expect(page.get_by_label("อำเภอ")).to_have_value("4004")
    expect(page.get_by_label("อปท. ของท่าน").locator("option:checked")).to_have_text(
        "องค์การบริหารส่วนตำบลหนองเรือ"
    )
    _fits_the_phone(page)


def test_the_lao_picker_works_without_javascript(live_server, browser, demo_site):
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, locale="th-TH", java_script_enabled=False
    )
    page = context.new_page()
    page.goto(live_server.url + "/accounts/signup/")
    expect(page.get_by_label("ค้นหาด้วยชื่อหรือรหัส อปท.")).to_be_hidden()
    page.get_by_label("จังหวัด").select_option(label="ขอนแก่น")
    page.get_by_role("button", name="แสดงรายชื่ออำเภอ").click()
    # The page that comes back opens at the picker, not at the top of the form.
    expect(page).to_have_url(re.compile(r"/accounts/signup/#lao-picker$"))
    assert page.evaluate("window.scrollY") > 0
    expect(page.get_by_label("อำเภอ")).to_be_in_viewport()
    page.get_by_label("อำเภอ").select_option(label="หนองเรือ")
    page.get_by_role("button", name="แสดงรายชื่อ อปท.").click()
    expect(page).to_have_url(re.compile(r"/accounts/signup/#lao-picker$"))
    expect(page.get_by_label("อปท. ของท่าน")).to_be_in_viewport()
    page.get_by_label("อปท. ของท่าน").select_option(label="องค์การบริหารส่วนตำบลหนองเรือ")
    _fill_person(page, "nojs@example.com")
    page.get_by_label(re.compile("ข้าพเจ้าได้อ่านประกาศความเป็นส่วนตัวแล้ว")).check()
    page.get_by_role("button", name="สมัครสมาชิก").last.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("กรุณาตรวจสอบอีเมลของท่าน")
    assert User.objects.get(email="nojs@example.com").organisation.dla_code == "4040201"
    context.close()

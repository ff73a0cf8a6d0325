"""Signing up on a 360 px phone: "check your e-mail" in Thai with a resend button and who to
ask, and the confirmation e-mail in Thai from the project, linking to the public site."""

import re
from email.header import decode_header, make_header

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.e2e.test_registration_journey import _fill_person, _fits_the_phone

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PUBLIC = "https://esc-training.dla.go.th"


def test_sign_up_then_check_your_email_and_the_thai_confirmation_email(
    live_server, phone_page, demo_site, settings
):
    settings.SITE_URL = PUBLIC  # the server answers on 127.0.0.1; the e-mail must not say so
    page = phone_page
    page.goto(live_server.url + "/accounts/signup/")
    page.wait_for_load_state("load")
    page.get_by_label("จังหวัด").select_option(label="เชียงใหม่")
    district = page.get_by_label("อำเภอ")
    expect(district.locator("option", has_text="เมืองเชียงใหม่")).to_have_count(1)
    district.select_option(label="เมืองเชียงใหม่")
    lao = page.get_by_label("อปท. ของท่าน")
    expect(lao.locator("option", has_text="เทศบาลนครเชียงใหม่")).to_have_count(1)
    lao.select_option(label="เทศบาลนครเชียงใหม่")
    _fill_person(page, "kanya@example.com")
    page.get_by_label(re.compile("ข้าพเจ้าได้อ่านประกาศความเป็นส่วนตัวแล้ว")).check()
    page.get_by_role("button", name="สมัครสมาชิก").last.click()

    # "Check your e-mail": the address, a resend button, who to ask, all in Thai.
    expect(page.get_by_role("heading", level=1)).to_have_text("กรุณาตรวจสอบอีเมลของท่าน")
    expect(page.get_by_text("ระบบได้ส่งลิงก์ยืนยันไปที่ kanya@example.com แล้ว")).to_be_visible()
    expect(page.get_by_text("โฟลเดอร์อีเมลขยะ").first).to_be_visible()
    expect(page.locator(".contact")).to_be_visible()
    _fits_the_phone(page)

    [message] = [m for m in mail.outbox if m.to == ["kanya@example.com"]]
    assert message.subject == "ยืนยันอีเมลของท่านเพื่อสมัครสมาชิกเข้ารับการอบรมออนไลน์ให้เสร็จสมบูรณ์"
    sender = str(make_header(decode_header(message.message()["From"])))
    assert sender.startswith("โครงการเมืองสิ่งแวดล้อมยั่งยืน กรมส่งเสริมการปกครองท้องถิ่น")
    assert "เครือข่ายขับเคลื่อนเมืองสิ่งแวดล้อมยั่งยืน และจัดเก็บข้อมูลสู่เมืองคาร์บอนต่ำ" in message.body
    assert "127.0.0.1" not in message.body + message.alternatives[0][0]
    link = re.search(
        r"https://esc-training\.dla\.go\.th(/accounts/confirm-email/\S+)", message.body
    )
    assert link, message.body

    # Asking again at once: the first link still works, and the page says so.
    page.get_by_role("button", name="ส่งลิงก์ยืนยันอีกครั้ง").click()
    expect(page.get_by_text(re.compile("ระบบเพิ่งส่งลิงก์ไปที่ kanya@example.com"))).to_be_visible()
    assert len([m for m in mail.outbox if m.to == ["kanya@example.com"]]) == 1

    # The e-mail's link (on this test server) confirms the address, in Thai.
    page.goto(live_server.url + link.group(1))
    expect(page.get_by_role("heading", level=1)).to_have_text("ยืนยันอีเมลของท่าน")
    page.get_by_role("button", name="ยืนยัน").click()
    expect(page.get_by_text("ยืนยันอีเมล kanya@example.com เรียบร้อยแล้ว")).to_be_visible()

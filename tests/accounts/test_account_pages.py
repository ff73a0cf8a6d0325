"""allauth's pages a participant meets are our Thai: no "คุณ", no "ลงทะเบียน" for signing
up, no "รีเซ็ท", and Django's password rules explained in Thai."""

import re

import pytest

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ANONYMOUS_PAGES = {
    "/accounts/login/": "เข้าสู่ระบบ",
    "/accounts/password/reset/": "ลืมรหัสผ่าน?",
    "/accounts/password/reset/done/": "กรุณาตรวจสอบอีเมลของท่าน",
    "/accounts/password/reset/key/1-x/": "ลิงก์นี้ใช้ไม่ได้แล้ว",
    "/accounts/confirm-email/": "กรุณาตรวจสอบอีเมลของท่าน",
    "/accounts/confirm-email/not-a-key/": "ยืนยันอีเมลของท่าน",
}
LOGGED_IN_PAGES = {
    "/accounts/password/change/": "เปลี่ยนรหัสผ่าน",
    "/accounts/logout/": "ออกจากระบบ",
}


def main_text(html: str) -> str:
    main = re.search(r"<main.*?</main>", html, re.S).group(0)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main))


def assert_our_thai(text: str):
    # allauth's Thai: "คุณ", "กรุณา ลงทะเบียน ก่อน" for signing up, "รีเซ็ท", "ลงชื่อเข้าใช้".
    for word in ("คุณ", "ลงทะเบียน ก่อน", "ลงทะเบียนบัญชี", "รีเซ็ท", "ลงชื่อเข้าใช้", "Token"):
        assert word not in text, (word, text)


@pytest.mark.parametrize(("path", "heading"), ANONYMOUS_PAGES.items())
def test_allauth_pages_are_our_thai(client, path, heading):
    response = client.get(path)
    assert response.status_code == 200
    text = main_text(response.content.decode())
    assert f" {heading} " in text
    assert_our_thai(text)


@pytest.mark.parametrize(("path", "heading"), LOGGED_IN_PAGES.items())
def test_allauth_pages_for_a_logged_in_participant_are_our_thai(client, path, heading):
    client.force_login(UserFactory())
    response = client.get(path)
    assert response.status_code == 200
    text = main_text(response.content.decode())
    assert f" {heading} " in text
    assert_our_thai(text)


def test_the_password_rules_are_explained_in_thai(client, signup_data):
    response = client.post(
        "/accounts/signup/",
        signup_data(email="short@example.com", password1="12345", password2="12345"),
    )
    text = main_text(response.content.decode())
    assert "รหัสผ่านสั้นเกินไป ต้องมีอย่างน้อย 8 ตัวอักษร" in text
    assert "รหัสผ่านนี้ใช้กันทั่วไปและเดาง่ายเกินไป" in text
    assert "รหัสผ่านนี้เป็นตัวเลขทั้งหมด" in text
    assert "This password" not in text


def test_the_resend_button_sends_the_link_again_after_the_wait(client, signup_data, settings):
    from django.core import mail
    from django.core.cache import cache

    client.post("/accounts/signup/", signup_data(email="again@example.com"))
    assert len(mail.outbox) == 1
    response = client.post("/verify-email/resend/", {"email": "again@example.com"}, follow=True)
    assert "ระบบเพิ่งส่งลิงก์ไปที่ again@example.com" in main_text(response.content.decode())
    assert len(mail.outbox) == 1  # the first link still works
    cache.clear()  # three minutes later, as far as the rate limit knows
    response = client.post("/verify-email/resend/", {"email": "again@example.com"}, follow=True)
    assert "ส่งอีเมลยืนยันไปที่ again@example.com แล้ว" in main_text(response.content.decode())
    assert len(mail.outbox) == 2

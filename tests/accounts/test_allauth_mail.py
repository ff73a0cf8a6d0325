"""allauth's e-mails are ours: Thai, naming the programme and both departments, from a
sender a participant recognises, linking to SITE_URL whatever Host the request came on."""

import datetime
import re
from email.header import decode_header, make_header

import pytest
import time_machine
from allauth.account.adapter import get_adapter
from allauth.account.models import EmailAddress
from allauth.core import context as allauth_context
from django.core import mail
from django.test import RequestFactory, override_settings

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SITE = "https://esc-training.dla.go.th"
PROGRAMME = "เครือข่ายขับเคลื่อนเมืองสิ่งแวดล้อมยั่งยืน และจัดเก็บข้อมูลสู่เมืองคาร์บอนต่ำ"
DLA = "กรมส่งเสริมการปกครองท้องถิ่น"
DCCE = "กรมการเปลี่ยนแปลงสภาพภูมิอากาศและสิ่งแวดล้อม"
# Latin words a Thai e-mail may hold: links, addresses, the IP and browser lines' values.
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
URL_OR_ADDRESS = re.compile(r"(https?://\S+|\S+@\S+|/\S+/|[\w-]+(?:\.[\w-]+)+)")
ALLOWED_LATIN = {"IP", "DLA", "DCCE"}


def english_words(text: str) -> set[str]:
    return set(LATIN_WORD.findall(URL_OR_ADDRESS.sub(" ", text))) - ALLOWED_LATIN


def assert_ours(message, *, user_agent=""):
    text = message.body
    html = message.alternatives[0][0]
    for body in (text, html):
        assert PROGRAMME in body
        assert DLA in body
        assert DCCE in body
        assert "127.0.0.1" not in body
        assert "example.com" not in body.replace("@example.com", "")
    assert "esc-training.dla.go.th" in text
    assert english_words(message.subject) == set(), message.subject
    assert english_words(text.replace(user_agent, "")) == set(), text
    sender = str(make_header(decode_header(message.message()["From"])))
    assert sender.startswith("โครงการเมืองสิ่งแวดล้อมยั่งยืน กรมส่งเสริมการปกครองท้องถิ่น <")


@override_settings(SITE_URL=SITE)
def test_the_sign_up_confirmation_is_thai_and_links_to_the_public_site(client, signup_data):
    # The request arrives as 127.0.0.1 (behind the proxy); the link must not say so.
    response = client.post(
        "/accounts/signup/", signup_data(email="somsri@example.com"), HTTP_HOST="127.0.0.1"
    )
    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.subject == "ยืนยันอีเมลของท่านเพื่อสมัครสมาชิกเข้ารับการอบรมออนไลน์ให้เสร็จสมบูรณ์"
    assert_ours(message)
    assert "เรียน นางสาวสมศรี ใจดี" in message.body
    link = re.search(
        r"https://esc-training\.dla\.go\.th(/accounts/confirm-email/\S+/)", message.body
    )
    assert link, message.body
    assert link.group(0) in message.alternatives[0][0]
    client.post(link.group(1))
    assert EmailAddress.objects.get(email="somsri@example.com").verified


@override_settings(SITE_URL=SITE)
def test_the_password_reset_mail_is_thai_and_links_to_the_public_site(client):
    user = UserFactory(email="reset@example.com")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    client.post("/accounts/password/reset/", {"email": "reset@example.com"}, HTTP_HOST="127.0.0.1")
    (message,) = mail.outbox
    assert message.subject == "ตั้งรหัสผ่านใหม่สำหรับระบบอบรมออนไลน์"
    assert_ours(message)
    assert re.search(
        r"https://esc-training\.dla\.go\.th/accounts/password/reset/key/\S+", message.body
    )


@override_settings(SITE_URL=SITE)
@time_machine.travel(datetime.datetime(2026, 12, 2, 7, 5, tzinfo=datetime.UTC), tick=False)
def test_a_changed_password_is_told_with_a_formal_thai_date(client):
    user = UserFactory(email="change@example.com")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    client.force_login(user)
    response = client.post(
        "/accounts/password/change/",
        {
            "oldpassword": "test-password-2569",
            "password1": "Lamphun-2569!",
            "password2": "Lamphun-2569!",
        },
        HTTP_USER_AGENT="Mozilla/5.0 (Linux; Android 14)",
        REMOTE_ADDR="203.0.113.9",
    )
    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.subject == "แจ้งการเปลี่ยนรหัสผ่านบัญชีของท่าน"
    assert_ours(message, user_agent="Mozilla/5.0 (Linux; Android 14)")
    # 07:05 UTC is 14:05 in Bangkok; a formal date in Thai digits, as a letter writes it.
    assert "๒ ธันวาคม พ.ศ. ๒๕๖๙ ๑๔:๐๕ น." in message.body
    assert "2569" not in message.body
    assert "203.0.113.9" in message.body


@override_settings(SITE_URL=SITE)
@pytest.mark.parametrize(
    ("template", "context", "subject"),
    [
        (
            "account/email/unknown_account",
            {"signup_url": "http://127.0.0.1:8000/accounts/signup/"},
            "ไม่พบบัญชีผู้ใช้ที่ใช้อีเมลนี้",
        ),
        (
            "account/email/account_already_exists",
            {"password_reset_url": "http://127.0.0.1:8000/accounts/password/reset/"},
            "ท่านมีบัญชีผู้ใช้สำหรับการอบรมออนไลน์อยู่แล้ว",
        ),
        (
            "account/email/email_confirmation",
            {"activate_url": "http://127.0.0.1/accounts/confirm-email/k/"},
            "ยืนยันอีเมลของท่านสำหรับการอบรมออนไลน์",
        ),
        (
            "account/email/email_changed",
            {"from_email": "a@example.com", "to_email": "b@example.com"},
            "แจ้งการเปลี่ยนอีเมลบัญชีของท่าน",
        ),
        (
            "account/email/email_deleted",
            {"deleted_email": "a@example.com"},
            "แจ้งการนำอีเมลออกจากบัญชีของท่าน",
        ),
        ("account/email/email_confirm", {}, "ยืนยันอีเมลของท่านเรียบร้อยแล้ว"),
        ("account/email/password_set", {}, "แจ้งการตั้งรหัสผ่านบัญชีของท่าน"),
    ],
)
def test_every_allauth_mail_is_ours(template, context, subject):
    request = RequestFactory().get("/", HTTP_HOST="127.0.0.1")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    with allauth_context.request_context(request):
        get_adapter(request).send_mail(
            template,
            "someone@example.com",
            {
                "email": "someone@example.com",
                "timestamp": None,
                "ip": "203.0.113.9",
                "user_agent": "",
                **context,
            },
        )
    (message,) = mail.outbox
    assert message.subject == subject
    assert_ours(message)
    assert "127.0.0.1" not in message.body

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from accounts.models import Role, User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_signup_page_is_in_thai(client):
    html = client.get("/accounts/signup/").content.decode()
    assert '<html lang="th">' in html
    assert "สมัครสมาชิก" in html


def test_signup_sends_a_thai_verification_email_and_login_waits_for_it(client, signup_data):
    response = client.post("/accounts/signup/", signup_data(email="somsri@example.com"))
    assert response.status_code == 302
    user = User.objects.get(email="somsri@example.com")
    assert user.role == Role.PARTICIPANT
    assert not EmailAddress.objects.get(user=user).verified
    assert len(mail.outbox) == 1
    assert "ยืนยัน" in mail.outbox[0].subject + mail.outbox[0].body

    link = re.search(r"http://testserver(/accounts/confirm-email/[^\s]+)", mail.outbox[0].body)
    assert link, mail.outbox[0].body
    client.post(link.group(1))
    assert EmailAddress.objects.get(user=user).verified


def test_signup_with_mismatched_passwords_is_refused_in_thai(client, signup_data):
    response = client.post(
        "/accounts/signup/",
        signup_data(email="a@example.com", password1="Kh0nKaen-2569!", password2="different-2569"),
    )
    assert response.status_code == 200
    assert "รหัสผ่าน" in response.content.decode()
    assert not User.objects.filter(email="a@example.com").exists()


def test_login_with_email_and_wrong_password_gives_a_thai_message(client):
    user = UserFactory(email="officer@example.com")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    response = client.post(
        "/accounts/login/", {"login": "officer@example.com", "password": "wrong-password"}
    )
    assert response.status_code == 200
    assert "ไม่ถูกต้อง" in response.content.decode()

    response = client.post(
        "/accounts/login/", {"login": "officer@example.com", "password": "test-password-2569"}
    )
    assert response.status_code == 302
    assert client.get("/").context["user"] == user


def test_password_reset_mail_is_in_thai(client):
    user = UserFactory(email="reset@example.com")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    client.post("/accounts/password/reset/", {"email": "reset@example.com"})
    assert len(mail.outbox) == 1
    assert "รหัสผ่าน" in mail.outbox[0].subject


def test_email_is_the_login_and_is_unique_whatever_the_case():
    from django.db import IntegrityError, transaction

    UserFactory(email="Same@Example.com")
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(email="same@example.com")


def test_official_thai_name_joins_the_prefix_to_the_first_name():
    user = UserFactory.build(prefix="นางสาว", first_name="น้ำฝน", last_name="ใจดี")
    assert user.full_name_th == "นางสาวน้ำฝน ใจดี"

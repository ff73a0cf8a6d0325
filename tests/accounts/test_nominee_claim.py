"""A nominated address can always be claimed (issue 13, finding 8): after the invitation
is lost or has expired, sign-up and "Forgot your password?" send a fresh one."""

import datetime
import re

import pytest
import time_machine
from django.core import mail

from accounts.models import User
from accounts.services import invite_participant
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

BANGKOK = datetime.timezone(datetime.timedelta(hours=7))
INVITED_AT = datetime.datetime(2026, 11, 2, 9, 0, tzinfo=BANGKOK)
EXPIRED_AT = INVITED_AT + datetime.timedelta(days=20)
NEW_INVITATION = "ส่งลิงก์คำเชิญใหม่"


def invitation_path(message) -> str:
    return re.search(r"http://testserver(/invitation/[^\s]+)", message.body).group(1)


@pytest.fixture
def nominee(organisation, django_capture_on_commit_callbacks):
    with (
        time_machine.travel(INVITED_AT, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        user = invite_participant(
            email="nominee@example.com",
            profile={"prefix": "นาย", "first_name": "ได้รับ", "last_name": "เชิญ"},
            invited_by=None,
        )
    [message] = mail.outbox
    mail.outbox.clear()
    return user, invitation_path(message)


def accept(client, path):
    return client.post(
        path,
        {"password1": "Ch1angMai-2569!", "password2": "Ch1angMai-2569!", "consent_training": "on"},
    )


def test_an_expired_invitation_says_what_to_do(client, nominee):
    _user, path = nominee
    with time_machine.travel(EXPIRED_AT, tick=False):
        html = client.get(path).content.decode()
    assert "ไม่ถูกต้องหรือหมดอายุ" in html
    assert "14 วัน" in html
    assert "ลืมรหัสผ่าน" in html and "/accounts/password/reset/" in html
    assert "สมัครสมาชิก" in html


def test_signing_up_with_a_nominated_address_sends_a_fresh_invitation(
    client, nominee, signup_data, django_capture_on_commit_callbacks
):
    user, _expired_path = nominee
    with (
        time_machine.travel(EXPIRED_AT, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post("/accounts/signup/", signup_data(email="Nominee@example.com"))
    html = response.content.decode()
    assert NEW_INVITATION in html
    assert "มีผู้ใช้งานอีเมลนี้แล้ว" not in html
    [message] = mail.outbox
    assert message.to == ["nominee@example.com"]
    with time_machine.travel(EXPIRED_AT + datetime.timedelta(days=13), tick=False):
        assert accept(client, invitation_path(message)).status_code == 302
    user.refresh_from_db()
    assert user.is_active
    assert User.objects.filter(email__iexact="nominee@example.com").count() == 1


def test_forgot_password_for_a_nominated_address_sends_a_fresh_invitation(
    client, nominee, django_capture_on_commit_callbacks
):
    user, _expired_path = nominee
    with (
        time_machine.travel(EXPIRED_AT, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(
            "/accounts/password/reset/", {"email": "nominee@example.com"}, follow=True
        )
    html = response.content.decode()
    assert "ไม่มีบัญชีผู้ใช้" not in html
    assert NEW_INVITATION in html
    [message] = mail.outbox
    with time_machine.travel(EXPIRED_AT, tick=False):
        assert accept(client, invitation_path(message)).status_code == 302
    user.refresh_from_db()
    assert user.is_active and user.check_password("Ch1angMai-2569!")


def test_asking_again_and_again_sends_one_invitation_in_five_minutes(
    client, nominee, signup_data, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for _attempt in range(3):
            client.post("/accounts/password/reset/", {"email": "nominee@example.com"})
            response = client.post("/accounts/signup/", signup_data(email="nominee@example.com"))
            assert NEW_INVITATION in response.content.decode()
    assert len(mail.outbox) == 1


@pytest.mark.parametrize("closed", ["deactivated", "erased"])
def test_a_closed_account_is_not_reopened_this_way(
    client, signup_data, django_capture_on_commit_callbacks, closed
):
    user = UserFactory(email="closed@example.com", is_active=False)
    if closed == "erased":
        user.erased_at = INVITED_AT
        user.set_unusable_password()
        user.save()
    with django_capture_on_commit_callbacks(execute=True):
        signup = client.post("/accounts/signup/", signup_data(email="closed@example.com"))
        client.post("/accounts/password/reset/", {"email": "closed@example.com"})
    assert NEW_INVITATION not in signup.content.decode()
    assert mail.outbox == []
    user.refresh_from_db()
    assert not user.is_active

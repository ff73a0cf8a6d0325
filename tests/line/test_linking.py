"""Linking LINE from the profile (LINE Login on the emulator, or a code), choosing the
channels, unlinking; "download my data", erasure and withdrawal of the LINE consent."""

from urllib.parse import parse_qs, urlparse

import pytest
import requests
from allauth.socialaccount.models import SocialAccount

from accounts.models import ConsentPurpose, ConsentRecord
from accounts.personal_data import exported_sections
from accounts.selectors import has_active_consent
from accounts.services import erase_account, withdraw_consent
from line.models import Channels, LineLink, LineWebhookEvent
from tests.accounts.factories import ReadyParticipantFactory

from .conftest import linked_participant

pytestmark = pytest.mark.django_db


def link_with_line_login(client, emulator, name, commit):
    started = client.post("/me/line/", {"action": "login", "consent": "on"})
    assert started.status_code == 302
    authorize = urlparse(started["Location"])
    assert started["Location"].startswith(emulator.url + "/oauth2/v2.1/authorize")
    query = {k: v[0] for k, v in parse_qs(authorize.query).items()}
    assert query["bot_prompt"] == "aggressive"
    allowed = requests.post(
        f"{emulator.url}/oauth2/v2.1/authorize",
        data={**query, "display_name": name, "add_friend": "on", "decision": "allow"},
        allow_redirects=False,
        timeout=10,
    )
    callback = urlparse(allowed.headers["Location"])
    with commit(execute=True):
        done = client.get(f"{callback.path}?{callback.query}")
    return done


def test_line_login_from_the_profile_links_the_account(
    client, line_login_app, line_emulator, django_capture_on_commit_callbacks
):
    user = ReadyParticipantFactory()
    client.force_login(user)
    assert "รับการแจ้งเตือนการอบรมทาง LINE" in client.get("/me/profile/").content.decode()

    done = link_with_line_login(client, line_emulator, "สมหญิง", django_capture_on_commit_callbacks)

    assert done.status_code == 302 and done["Location"].endswith("/me/line/")
    link = LineLink.objects.get(user=user)
    assert link.line_user_id.startswith("U") and link.display_name == "สมหญิง"
    assert link.following is True  # the emulator's profile call says she is a friend
    assert SocialAccount.objects.get(user=user, provider="line").uid == link.line_user_id
    assert has_active_consent(user, ConsentPurpose.LINE)
    page = client.get("/me/line/").content.decode()
    assert "เชื่อมบัญชี LINE ของท่านแล้ว" in page


def test_without_the_line_consent_nothing_is_linked(client, line_login_app):
    user = ReadyParticipantFactory()
    client.force_login(user)
    answer = client.post("/me/line/", {"action": "login"}, follow=True)
    assert "โปรดทำเครื่องหมายเพื่อให้ความยินยอม" in answer.content.decode()
    assert not LineLink.objects.exists()


def test_a_code_from_the_profile_page_is_shown_to_send_in_line(client, line_emulator):
    user = ReadyParticipantFactory()
    client.force_login(user)
    page = client.post("/me/line/", {"action": "code", "consent": "on"}, follow=True)
    code = LineLink.objects.get(user=user).link_code
    assert code.startswith("ESC-") and code in page.content.decode()


def test_choosing_channels_and_unlinking(client, line_emulator):
    user, _line_user_id = linked_participant(line_emulator, "มานะ")
    SocialAccount.objects.create(user=user, provider="line", uid=_line_user_id)
    client.force_login(user)
    client.post("/me/line/", {"action": "channels", "channels": "email"})
    assert LineLink.objects.get(user=user).channels == Channels.EMAIL
    bad = client.post("/me/line/", {"action": "channels", "channels": "fax"}, follow=True)
    assert "โปรดเลือก LINE อีเมล หรือทั้งสองช่องทาง" in bad.content.decode()

    client.post("/me/line/", {"action": "unlink"})

    assert not LineLink.objects.filter(user=user).exists()
    assert not SocialAccount.objects.filter(user=user).exists()
    assert not has_active_consent(user, ConsentPurpose.LINE)
    assert ConsentRecord.objects.filter(user=user, purpose="line").count() == 1  # history


def test_withdrawing_the_line_consent_unlinks(line_emulator):
    user, _line_user_id = linked_participant(line_emulator, "มานี")
    withdraw_consent(user=user, purpose=ConsentPurpose.LINE)
    assert not LineLink.objects.filter(user=user).exists()


def test_my_data_has_the_link_and_erasure_removes_it_with_the_webhooks(client, line_emulator):
    user, line_user_id = linked_participant(line_emulator, "ชูใจ")
    sent = line_emulator.webhook("message", user_id=line_user_id, text="สวัสดีค่ะ", send=False)
    client.post(
        "/line/webhook/",
        data=sent["body"].encode(),
        content_type="application/json",
        HTTP_X_LINE_SIGNATURE=sent["signature"],
    )
    sections = {s.key: s for s in exported_sections(user)}
    assert sections["line_link"].rows[0]["line_user_id"] == line_user_id
    assert sections["line_link"].rows[0]["display_name"] == "ชูใจ"

    erase_account(user=user)

    assert not LineLink.objects.exists()
    assert not LineWebhookEvent.objects.filter(line_user_id=line_user_id).exists()


def test_the_line_consent_is_an_optional_box_at_sign_up(client):
    page = client.get("/accounts/signup/").content.decode()
    assert 'name="consent_line"' in page


def test_dla_sees_the_quota_and_others_do_not(client, line_emulator):
    from tests.factories import UserFactory

    line_emulator.set_quota(15000, used=1200)
    admin = UserFactory(role="dla_admin", is_staff=True)
    client.force_login(admin)
    page = client.post("/manage/line/", follow=True).content.decode()
    assert "15000" in page and "13800" in page
    client.force_login(ReadyParticipantFactory())
    assert client.get("/manage/line/").status_code == 403

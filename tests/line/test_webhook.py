"""/line/webhook/: the signature first, each event once, handled by the worker."""

import json

import pytest
from django.utils import timezone

from accounts.models import ConsentPurpose
from accounts.services import give_consent
from line.models import LineLink, LineWebhookEvent, WebhookStatus
from line.services import new_link_code
from tests.accounts.factories import ReadyParticipantFactory

from .conftest import linked_participant

pytestmark = pytest.mark.django_db
URL = "/line/webhook/"


def post(client, body: str, signature: str | None):
    headers = {} if signature is None else {"HTTP_X_LINE_SIGNATURE": signature}
    return client.post(URL, data=body.encode(), content_type="application/json", **headers)


def test_a_forged_webhook_is_refused_and_stores_nothing(client, line_emulator):
    user, line_user_id = linked_participant(line_emulator, "น้ำฝน")
    sent = line_emulator.webhook("unfollow", user_id=line_user_id, send=False)
    assert post(client, sent["body"], "Zm9yZ2Vk" + sent["signature"][8:]).status_code == 403
    assert post(client, sent["body"], None).status_code == 403
    assert LineWebhookEvent.objects.count() == 0
    assert LineLink.objects.get(user=user).following is True


def test_an_altered_webhook_is_refused_and_stores_nothing(client, line_emulator):
    user, line_user_id = linked_participant(line_emulator, "น้ำฝน")
    sent = line_emulator.webhook("follow", user_id=line_user_id, send=False)
    altered = sent["body"].replace('"follow"', '"unfollow"', 1)
    assert altered != sent["body"]
    assert post(client, altered, sent["signature"]).status_code == 403
    assert LineWebhookEvent.objects.count() == 0
    assert LineLink.objects.get(user=user).following is True


def test_unfollow_stops_line_and_a_replayed_follow_changes_nothing(client, line_emulator):
    user, line_user_id = linked_participant(line_emulator, "น้ำฝน")
    follow = line_emulator.webhook("follow", user_id=line_user_id, send=False)
    assert post(client, follow["body"], follow["signature"]).status_code == 200
    unfollow = line_emulator.webhook("unfollow", user_id=line_user_id, send=False)
    assert post(client, unfollow["body"], unfollow["signature"]).status_code == 200
    link = LineLink.objects.get(user=user)
    assert link.following is False and link.unfollowed_at is not None
    # The first event again (a replay or LINE's redelivery): same webhookEventId.
    assert post(client, follow["body"], follow["signature"]).status_code == 200
    assert LineWebhookEvent.objects.count() == 2
    assert LineLink.objects.get(user=user).following is False


def test_unknown_events_are_kept_and_ignored(client, line_emulator):
    sent = line_emulator.webhook("follow", display_name="ใครก็ไม่รู้", send=False)
    event = json.loads(sent["body"])["events"][0]
    event.update(type="beacon", webhookEventId="01BEACON000000000000000000")
    body = json.dumps({"destination": "U" + "0" * 32, "events": [event]})
    from line_emulator.state import sign

    assert (
        post(client, body, sign(body.encode(), line_emulator.emulator.channel_secret)).status_code
        == 200
    )
    stored = LineWebhookEvent.objects.get()
    assert stored.event_type == "beacon" and stored.status == WebhookStatus.IGNORED
    assert stored.payload["webhookEventId"] == "01BEACON000000000000000000"


def test_the_verify_button_with_no_events_is_answered(client, line_emulator):
    from line_emulator.state import sign

    body = json.dumps({"destination": "U" + "0" * 32, "events": []})
    assert (
        post(client, body, sign(body.encode(), line_emulator.emulator.channel_secret)).status_code
        == 200
    )


def test_the_webhook_is_off_when_line_is(client, settings):
    settings.LINE_CHANNEL_SECRET = ""
    assert post(client, "{}", "x").status_code == 404


def test_a_code_sent_to_the_account_links_the_pending_account(client, line_emulator):
    user = ReadyParticipantFactory()
    give_consent(user=user, purpose=ConsentPurpose.LINE)
    code = new_link_code(user=user).link_code
    sent = line_emulator.webhook(
        "message", display_name="สมศรี", text=f"  {code.lower()} ", send=False
    )
    assert post(client, sent["body"], sent["signature"]).status_code == 200
    link = LineLink.objects.get(user=user)
    assert link.line_user_id == sent["event"]["source"]["userId"]
    assert link.following is True and link.link_code is None
    # The same code again (or by someone else) links nothing more.
    other = line_emulator.webhook("message", display_name="คนอื่น", text=code, send=False)
    post(client, other["body"], other["signature"])
    assert LineLink.objects.get(user=user).line_user_id == sent["event"]["source"]["userId"]
    assert LineWebhookEvent.objects.filter(status=WebhookStatus.IGNORED).count() == 1


def test_an_expired_code_links_nothing(client, line_emulator):
    user = ReadyParticipantFactory()
    give_consent(user=user, purpose=ConsentPurpose.LINE)
    code = new_link_code(user=user, now=timezone.now() - timezone.timedelta(hours=1)).link_code
    sent = line_emulator.webhook("message", display_name="สมศรี", text=code, send=False)
    post(client, sent["body"], sent["signature"])
    assert LineLink.objects.get(user=user).line_user_id is None

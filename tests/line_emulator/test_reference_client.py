"""LINE's official SDK (line-bot-sdk v3), a client nobody here wrote, against the emulator."""

import uuid

import pytest
from linebot.v3.messaging import (
    ApiClient,
    Configuration,
    MessagingApi,
    MulticastRequest,
    PushMessageRequest,
    TextMessage,
)
from linebot.v3.messaging.exceptions import ApiException
from linebot.v3.webhook import WebhookParser

from .handle import ACCESS_TOKEN, CHANNEL_SECRET


def api(emulator, token=ACCESS_TOKEN):
    client = ApiClient(Configuration(access_token=token))
    messaging = MessagingApi(client)
    messaging.line_base_path = emulator.url
    return messaging


def test_the_sdk_pushes_multicasts_and_reads_the_quota(line_emulator):
    friends = [line_emulator.add_friend(f"เพื่อน {i}") for i in range(3)]
    line_emulator.set_quota(100)
    messaging = api(line_emulator)
    messaging.push_message(
        PushMessageRequest(to=friends[0], messages=[TextMessage(text="ทดสอบ")]),
        x_line_retry_key=str(uuid.uuid4()),
    )
    messaging.multicast(MulticastRequest(to=friends, messages=[TextMessage(text="ทุกคน")]))
    assert messaging.get_message_quota().value == 100
    assert messaging.get_message_quota_consumption().total_usage == 4
    assert messaging.get_profile(friends[1]).display_name == "เพื่อน 1"


def test_the_sdk_sees_lines_errors(line_emulator):
    with pytest.raises(ApiException) as refused:
        api(line_emulator, token="wrong").get_message_quota()
    assert refused.value.status == 401


def test_the_sdks_parser_accepts_the_emulators_signed_webhooks(line_emulator):
    sent = line_emulator.webhook("follow", display_name="ผู้ใช้ใหม่")
    (event,) = WebhookParser(CHANNEL_SECRET).parse(sent["body"], sent["signature"])
    assert event.type == "follow"

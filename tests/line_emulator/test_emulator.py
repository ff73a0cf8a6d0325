"""The emulator speaks LINE's protocols: bearer tokens, LINE's error bodies, the quota,
retry keys, LINE Login's code flow, signed webhooks and faults."""

import base64
import hashlib
import hmac
import json
import uuid
from urllib.parse import parse_qs, urlparse

import requests

from .handle import ACCESS_TOKEN, CHANNEL_SECRET, LOGIN_ID, LOGIN_SECRET

AUTH = {"Authorization": f"Bearer {ACCESS_TOKEN}"}
TEXT = [{"type": "text", "text": "สวัสดี"}]


def post(emulator, path, body, headers=None):
    return requests.post(
        f"{emulator.url}{path}", json=body, headers={**AUTH, **(headers or {})}, timeout=10
    )


def test_push_reaches_a_friend_and_shows_on_the_phone_page(line_emulator):
    user_id = line_emulator.add_friend("น้ำฝน")
    answer = post(line_emulator, "/v2/bot/message/push", {"to": user_id, "messages": TEXT})
    assert answer.status_code == 200
    assert answer.headers["x-line-request-id"]
    assert len(answer.json()["sentMessages"]) == 1
    assert [m["text"] for m in line_emulator.messages(user_id)] == ["สวัสดี"]
    page = requests.get(f"{line_emulator.url}/phone/{user_id}", timeout=10).text
    assert "สวัสดี" in page and "น้ำฝน" in page


def test_a_wrong_token_is_401_with_lines_message(line_emulator):
    answer = requests.post(
        f"{line_emulator.url}/v2/bot/message/push",
        json={"to": "U" + "0" * 32, "messages": TEXT},
        headers={"Authorization": "Bearer wrong"},
        timeout=10,
    )
    assert answer.status_code == 401
    assert answer.json()["message"].startswith("Authentication failed")


def test_invalid_bodies_are_400_with_details(line_emulator):
    answer = post(line_emulator, "/v2/bot/message/multicast", {"to": [], "messages": TEXT})
    assert answer.status_code == 400
    assert answer.json()["details"][0]["property"] == "to"
    too_many = ["U" + f"{i:032x}" for i in range(501)]
    answer = post(line_emulator, "/v2/bot/message/multicast", {"to": too_many, "messages": TEXT})
    assert answer.status_code == 400
    assert "500" in answer.json()["details"][0]["message"]
    flex = [{"type": "flex", "contents": {"type": "bubble"}}]
    answer = post(line_emulator, "/v2/bot/message/push", {"to": "U" + "0" * 32, "messages": flex})
    assert answer.json()["details"][0]["property"] == "messages[0].altText"


def test_multicast_counts_against_the_quota_and_429_says_so(line_emulator):
    friends = [line_emulator.add_friend(f"คน {i}") for i in range(3)]
    line_emulator.set_quota(4)
    assert post(line_emulator, "/v2/bot/message/multicast", {"to": friends, "messages": TEXT}).ok
    quota = requests.get(f"{line_emulator.url}/v2/bot/message/quota", headers=AUTH, timeout=10)
    used = requests.get(
        f"{line_emulator.url}/v2/bot/message/quota/consumption", headers=AUTH, timeout=10
    )
    assert quota.json() == {"type": "limited", "value": 4}
    assert used.json() == {"totalUsage": 3}
    answer = post(line_emulator, "/v2/bot/message/multicast", {"to": friends, "messages": TEXT})
    assert answer.status_code == 429
    assert answer.json() == {"message": "You have reached your monthly limit."}


def test_a_retry_key_already_accepted_is_409_and_sends_nothing_again(line_emulator):
    user_id = line_emulator.add_friend("สมชาย")
    key = str(uuid.uuid4())
    headers = {"X-Line-Retry-Key": key}
    first = post(line_emulator, "/v2/bot/message/push", {"to": user_id, "messages": TEXT}, headers)
    again = post(line_emulator, "/v2/bot/message/push", {"to": user_id, "messages": TEXT}, headers)
    assert first.status_code == 200
    assert again.status_code == 409
    assert again.headers["x-line-accepted-request-id"] == first.headers["x-line-request-id"]
    assert len(line_emulator.messages(user_id)) == 1
    bad = post(
        line_emulator,
        "/v2/bot/message/push",
        {"to": user_id, "messages": TEXT},
        {"X-Line-Retry-Key": "not-a-uuid"},
    )
    assert bad.status_code == 400


def test_faults_answer_as_told_and_a_lost_answer_still_delivers(line_emulator):
    user_id = line_emulator.add_friend("มานี")
    line_emulator.fault("push", status=503)
    assert (
        post(line_emulator, "/v2/bot/message/push", {"to": user_id, "messages": TEXT}).status_code
        == 503
    )
    assert line_emulator.messages(user_id) == []
    line_emulator.fault("push", status=429)
    answer = post(line_emulator, "/v2/bot/message/push", {"to": user_id, "messages": TEXT})
    assert answer.status_code == 429 and "rate limit" in answer.json()["message"]
    line_emulator.fault("push", mode="lost_response")
    answer = post(line_emulator, "/v2/bot/message/push", {"to": user_id, "messages": TEXT})
    assert answer.status_code == 500
    assert len(line_emulator.messages(user_id)) == 1


def test_non_friends_get_nothing_and_cost_nothing(line_emulator):
    follower = line_emulator.add_friend("ผู้ติดตาม")
    line_emulator.webhook("unfollow", user_id=follower)
    line_emulator.set_quota(10)
    assert post(line_emulator, "/v2/bot/message/push", {"to": follower, "messages": TEXT}).ok
    assert line_emulator.messages(follower) == []
    assert line_emulator.state()["quota"]["used"] == 0
    profile = requests.get(
        f"{line_emulator.url}/v2/bot/profile/{follower}", headers=AUTH, timeout=10
    )
    assert profile.status_code == 404


def test_webhooks_are_signed_with_the_channel_secret(line_emulator):
    sent = line_emulator.webhook("message", display_name="วิไล", text="ESC-ABC234")
    digest = hmac.new(CHANNEL_SECRET.encode(), sent["body"].encode(), hashlib.sha256).digest()
    assert sent["signature"] == base64.b64encode(digest).decode()
    (event,) = json.loads(sent["body"])["events"]
    assert event["type"] == "message" and event["message"]["text"] == "ESC-ABC234"
    assert event["webhookEventId"] and event["source"]["type"] == "user"


def test_line_login_code_flow_gives_the_profile_and_an_id_token(line_emulator):
    page = requests.get(
        f"{line_emulator.url}/oauth2/v2.1/authorize",
        params={
            "response_type": "code",
            "client_id": LOGIN_ID,
            "state": "s1",
            "redirect_uri": "http://127.0.0.1/cb",
            "scope": "profile openid",
            "bot_prompt": "aggressive",
        },
        timeout=10,
    )
    assert "เข้าสู่ระบบด้วย LINE" in page.text and "เพิ่มบัญชีทางการ" in page.text
    allowed = requests.post(
        f"{line_emulator.url}/oauth2/v2.1/authorize",
        data={
            "client_id": LOGIN_ID,
            "redirect_uri": "http://127.0.0.1/cb",
            "state": "s1",
            "scope": "profile openid",
            "display_name": "น้ำฝน",
            "add_friend": "on",
            "decision": "allow",
        },
        allow_redirects=False,
        timeout=10,
    )
    query = parse_qs(urlparse(allowed.headers["Location"]).query)
    assert query["state"] == ["s1"] and query["friendship_status_changed"] == ["true"]
    token = requests.post(
        f"{line_emulator.url}/oauth2/v2.1/token",
        data={
            "grant_type": "authorization_code",
            "code": query["code"][0],
            "redirect_uri": "http://127.0.0.1/cb",
            "client_id": LOGIN_ID,
            "client_secret": LOGIN_SECRET,
        },
        timeout=10,
    ).json()
    profile = requests.get(
        f"{line_emulator.url}/v2/profile",
        headers={"Authorization": f"Bearer {token['access_token']}"},
        timeout=10,
    ).json()
    assert profile["displayName"] == "น้ำฝน" and profile["userId"].startswith("U")
    claims = requests.post(
        f"{line_emulator.url}/oauth2/v2.1/verify",
        data={"id_token": token["id_token"], "client_id": LOGIN_ID},
        timeout=10,
    ).json()
    assert claims["sub"] == profile["userId"] and claims["aud"] == LOGIN_ID
    # A code is good once; a wrong secret is refused.
    again = requests.post(
        f"{line_emulator.url}/oauth2/v2.1/token",
        data={
            "grant_type": "authorization_code",
            "code": query["code"][0],
            "redirect_uri": "http://127.0.0.1/cb",
            "client_id": LOGIN_ID,
            "client_secret": LOGIN_SECRET,
        },
        timeout=10,
    )
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"

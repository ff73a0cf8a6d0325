"""Hostile but authentic callbacks: every endpoint, signed or with the right nonce, answers
with a 4xx and keeps what it could not read as malformed; none gives a 500 (issue 13, 11)."""

import base64
import hashlib
import hmac
import json
import time

import jwt
import pytest

from sessions.evidence import parse_analytics
from sessions.models import AttendanceEvent, CallbackDelivery, CallbackOutcome

from .conftest import SECRET
from .helpers import post_webhook, start_meeting, webhook_event

pytestmark = pytest.mark.django_db


def raw_token(payload: bytes, algorithm: str = "HS512") -> str:
    """A JWT signed by hand, for claims PyJWT itself would refuse to encode."""

    def b64(data: bytes) -> bytes:
        return base64.urlsafe_b64encode(data).rstrip(b"=")

    header = b64(json.dumps({"alg": algorithm, "typ": "JWT"}).encode())
    signing_input = header + b"." + b64(payload)
    digest = {"HS512": hashlib.sha512, "HS256": hashlib.sha256}[algorithm]
    signature = hmac.new(SECRET.encode(), signing_input, digest).digest()
    return (signing_input + b"." + b64(signature)).decode()


def bearer() -> dict:
    token = jwt.encode({"exp": int(time.time()) + 3600}, SECRET, algorithm="HS512")
    return {"Authorization": f"Bearer {token}"}


def post_analytics(client, body, headers=None):
    return client.post(
        "/bbb/analytics/",
        data=body,
        content_type="application/json",
        headers=headers or bearer(),
    )


def analytics_body(session, attendee=None, **data) -> str:
    """A report for the session's current instance, with ``{{...}}`` left for raw JSON."""
    report = {
        "meeting_id": session.meeting_id,
        "internal_meeting_id": session.internal_meeting_id,
        "data": {
            "start": "2026-06-01T09:00:00.000+07:00",
            "finish": "2026-06-01T12:00:00.000+07:00",
            "attendees": [
                {
                    "ext_user_id": "1",
                    "name": "x",
                    "moderator": False,
                    "joins": ["2026-06-01T09:00:00.000+07:00"],
                    "leaves": ["2026-06-01T11:00:00.000+07:00"],
                    "duration": 7200,
                    **(attendee or {}),
                }
            ],
            **data,
        },
    }
    return json.dumps(report)


def test_every_callback_endpoint_keeps_hostile_bodies_as_malformed_and_never_fails(
    client, live_round, bbb_emulator
):
    session = start_meeting(client, live_round, bbb_emulator)
    deep = "[" * 3000 + "]" * 3000
    nested_100 = "[" * 100 + "1" + "]" * 100
    marker = '"__RAW__"'

    def raw(value: str, **attendee) -> str:
        return analytics_body(session, {"duration": "__RAW__", **attendee}).replace(marker, value)

    # The report itself cannot be read: 400, kept as malformed.
    analytics_cases = {
        "nan": raw("NaN"),
        "infinity": raw("Infinity"),
        "minus infinity": raw("-Infinity"),
        "beyond a float": raw("1e400"),
        "5,000 digits": raw("1" * 5000),
        "deep": raw(deep),
        "100 levels": raw(nested_100),
        "deep at the top": deep,
        "nul in a name": analytics_body(session, {"name": "a\u0000b"}),
        "lone surrogate": analytics_body(session, {"name": "x"}).replace('"x"', '"\\ud800"'),
        "instance id too long": analytics_body(session).replace(
            session.internal_meeting_id, "i" * 300
        ),
        "raw nul byte": analytics_body(session).replace('"x"', '"a\x00b"'),
    }
    for case, body in analytics_cases.items():
        response = post_analytics(client, body)
        assert response.status_code == 400, (case, response.status_code, response.content[:200])
    # One attendee cannot be read: it is set aside with its reason, the report is used
    # (test_callbacks.py posts one end to end).
    attendee_cases = {
        "superscript two": analytics_body(session, {"ext_user_id": "²"}),
        "arabic-indic three": analytics_body(session, {"ext_user_id": "٣"}),
        "id with a space": analytics_body(session, {"ext_user_id": "1 2"}),
        "id too long": analytics_body(session, {"ext_user_id": "w" * 101}),
        "id true": analytics_body(session, {"ext_user_id": True}),
        "year 1": analytics_body(session, {"joins": ["0001-01-01T00:00:00+14:00"]}),
        "year 9999": analytics_body(session, {"leaves": ["9999-12-31T23:59:59-14:00"]}),
        "time 1e300": analytics_body(session, {"joins": [1e300]}),
        "joins a text": analytics_body(session, {"joins": "2026"}),
        "duration negative": analytics_body(session, {"duration": -5}),
        "duration huge": analytics_body(session, {"duration": 10**15}),
    }
    for case, body in attendee_cases.items():
        report = parse_analytics(body.encode())
        assert report.attendees == [], case
        assert [a["index"] for a in report.set_aside] == [0], case
        assert report.set_aside[0]["reason"], case

    deep_claims = b'{"exp": %d, "x": %s}' % (int(time.time()) + 3600, deep.encode())
    nan_exp = b'{"exp": NaN}'
    for case, token in {"deep claims": deep_claims, "nan exp": nan_exp}.items():
        response = post_analytics(
            client, analytics_body(session), {"Authorization": f"Bearer {raw_token(token)}"}
        )
        assert response.status_code in (400, 401), (case, response.status_code)

    user = {"user_id": 5}
    now_ms = int(time.time() * 1000)
    webhook_cases = {
        "deep": deep,
        "nan ts": json.dumps([webhook_event(session, "user-joined", now_ms, **user)]).replace(
            f'"ts": {now_ms}', '"ts": NaN'
        ),
        "ts beyond a float": json.dumps(
            [webhook_event(session, "user-left", now_ms, **user)]
        ).replace(f'"ts": {now_ms}', '"ts": 1e400'),
        "ts far": json.dumps([webhook_event(session, "user-left", 10**20, **user)]),
        "superscript two": json.dumps(
            [webhook_event(session, "user-joined", now_ms, user_id="²", connection="w_x")]
        ),
        "meeting id an object": json.dumps(
            [webhook_event(session, "user-joined", now_ms, **user)]
        ).replace(f'"{session.meeting_id}"', '{"a": 1}'),
        "nul": json.dumps([webhook_event(session, "user-joined", now_ms, **user)]).replace(
            '"user 5"', '"a\\u0000"'
        ),
        "raw nul byte": "[\x00]",
    }
    for case, event_field in webhook_cases.items():
        response = post_webhook(client, [], SECRET, event_field=event_field)
        assert response.status_code == 400, (case, response.status_code, response.content[:200])
    unsigned = client.post(
        "/bbb/webhooks/?checksum=" + "²" * 40,
        data="event=[]",
        content_type="application/x-www-form-urlencoded",
    )
    assert unsigned.status_code == 401
    assert CallbackDelivery.objects.filter(outcome=CallbackOutcome.REJECTED).count() == 1

    recording_cases = {
        "deep claims": b'{"meeting_id": %s, "record_id": "r"}' % deep.encode(),
        "nan": b'{"meeting_id": NaN, "record_id": "r"}',
        "record id too long": json.dumps(
            {"meeting_id": session.meeting_id, "record_id": "r" * 300}
        ).encode(),
        "record id with nul": json.dumps(
            {"meeting_id": session.meeting_id, "record_id": "r\u0000"}
        ).encode(),
        "meeting id a list": json.dumps({"meeting_id": [1], "record_id": "r"}).encode(),
    }
    for case, claims in recording_cases.items():
        token = raw_token(claims, "HS256")
        for response in (
            client.post("/bbb/recording-ready/", {"signed_parameters": token}),
            client.get("/bbb/recording-ready/", {"signed_parameters": token}),
        ):
            assert response.status_code == 400, (case, response.status_code)

    nonce = session.callback_nonce
    end_cases = {
        f"/bbb/end/{nonce}%00/?meetingID={session.meeting_id}": 401,
        f"/bbb/end/{'n' * 500}/?meetingID={session.meeting_id}": 401,
        f"/bbb/end/{nonce}/?meetingID=%00": 400,
        f"/bbb/end/{nonce}/?meetingID={'[' * 3000}": 400,
        f"/bbb/end/{nonce}/?meetingID={session.meeting_id}%00": 400,
    }
    for path, status in end_cases.items():
        assert client.get(path).status_code == status, path

    malformed = CallbackDelivery.objects.filter(outcome=CallbackOutcome.MALFORMED)
    expected = len(analytics_cases) + len(webhook_cases) + 2 * len(recording_cases) + 3
    assert malformed.count() >= expected
    assert all("\x00" not in body for body in malformed.values_list("body", flat=True))
    session.refresh_from_db()
    assert not session.is_ended
    assert not AttendanceEvent.objects.filter(source__in=["analytics", "webhook"]).exists()

    well_formed = [webhook_event(session, "user-joined", now_ms, **user)]
    assert post_webhook(client, well_formed, SECRET).status_code == 200
    fine = post_analytics(client, analytics_body(session, {"ext_user_id": "9" * 40}))
    assert fine.status_code == 202  # an ID that is not ours: kept, matched to nobody
    assert AttendanceEvent.objects.get(source="analytics").user is None

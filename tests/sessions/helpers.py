"""Helpers that drive a whole meeting through the emulator and replay its callbacks.

Tests run inside a transaction that never commits, so follow-ups scheduled with
``transaction.on_commit`` (reconciliation, polling tasks) are run with pytest-django's
``django_capture_on_commit_callbacks(execute=True)``, passed in as ``commit``.
"""

import contextlib
import hashlib
import json
from urllib.parse import urlencode

import pytest

from bbb_emulator.profiles import PROFILE_NAMES
from sessions.models import LiveSession

# Run a test against every server profile of the emulator (and the default server). Only
# for the tests where servers differ: each profile is another run of the test, three times
# in CI.
every_server = pytest.mark.parametrize(
    "bbb_emulator", ["", *PROFILE_NAMES], indirect=True, ids=lambda p: p or "default"
)


def _committing(commit):
    return commit(execute=True) if commit is not None else contextlib.nullcontext()


SITE = "http://testserver"


def start_meeting(client, round_, emulator) -> LiveSession:
    """The round's trainer presses Start and loads the meeting room (MODERATOR)."""
    client.force_login(round_.trainer)
    response = client.post(f"/live/{round_.pk}/join/")
    assert response.status_code == 302, response.content
    emulator.enter_by_url(response["Location"])
    client.logout()
    return LiveSession.objects.get(round=round_)


def join_meeting(client, round_, user, emulator):
    """A participant presses Join and their browser loads the meeting room (VIEWER)."""
    client.force_login(user)
    response = client.post(f"/live/{round_.pk}/join/")
    assert response.status_code == 302, response.content
    room = emulator.enter_by_url(response["Location"])
    client.logout()
    token = room.url.split("sessionToken=")[1]
    return token


def deliver(client, call: dict, commit=None):
    """Replay one captured outbound call of the emulator against our Django app."""
    with _committing(commit):
        return _deliver(client, call)


def _deliver(client, call: dict):
    assert call["url"].startswith(SITE), call["url"]
    path = call["url"][len(SITE) :]
    if call["method"] == "GET":
        return client.get(path)
    headers = {}
    if "Authorization" in call["headers"]:
        headers["Authorization"] = call["headers"]["Authorization"]
    return client.post(
        path,
        data=call["body"],
        content_type=call["headers"].get("Content-Type", "application/octet-stream"),
        headers=headers,
    )


def captured(emulator, kind: str) -> list[dict]:
    return [c for c in emulator.callbacks() if c["kind"] == kind]


def webhook_event(session, event_id: str, ts: int, *, user_id=None, connection="") -> dict:
    """One bbb-webhooks event as BBB maps it (``user`` only for user-joined / user-left)."""
    attributes = {
        "meeting": {
            "internal-meeting-id": session.internal_meeting_id or "internal-1",
            "external-meeting-id": session.meeting_id,
        }
    }
    if user_id is not None:
        attributes["user"] = {
            "internal-user-id": connection or f"w_{user_id}",
            "external-user-id": str(user_id),
            "name": f"user {user_id}",
            "role": "VIEWER",
        }
    return {
        "data": {"type": "event", "id": event_id, "attributes": attributes, "event": {"ts": ts}}
    }


def post_webhook(client, events, secret: str, *, event_field=None):
    """POST a delivery the way bbb-webhooks signs it: sha1(callbackURL + body + secret)."""
    body = urlencode(
        {
            "domain": "bbb.example",
            "event": event_field if event_field is not None else json.dumps(events),
            "timestamp": 1,
        }
    )
    url = f"{SITE}/bbb/webhooks/"
    checksum = hashlib.sha1(f"{url}{body}{secret}".encode()).hexdigest()  # noqa: S324
    return client.post(
        f"/bbb/webhooks/?checksum={checksum}",
        data=body,
        content_type="application/x-www-form-urlencoded",
    )

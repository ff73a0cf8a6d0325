"""The emulator driven by bigbluebutton-api-python 0.0.11, a client nobody here wrote.

That client is sha1-only and insists on /bigbluebutton/api/; it also mutates its default
``params={}``, so every call here passes fresh dicts.
"""

import time

import pytest
import requests
from bigbluebutton_api_python import BigBlueButton
from bigbluebutton_api_python.exception import BBBException

from bbb_emulator import start_emulator
from bbb_emulator.profiles import PROFILE_NAMES

from .conftest import SECRET
from .handle import EmulatorHandle


@pytest.fixture(params=["", *PROFILE_NAMES], ids=lambda p: p or "default")
def any_server(request):
    """The emulator in each server profile (the reference client signs sha1 only, which
    every one of them accepts)."""
    running = start_emulator(
        secret=SECRET,
        clock="manual",
        now_ms=int(time.time() * 1000),
        callback_mode="capture",
        profile=request.param,
    )
    yield EmulatorHandle(running), request.param
    running.stop()


def test_the_reference_client_creates_joins_reads_and_ends_a_meeting(any_server):
    bbb_emulator, profile = any_server
    client = BigBlueButton(bbb_emulator.url, SECRET)

    created = client.create_meeting(
        "reference-1",
        params={"name": "การอบรมทดสอบ", "attendeePW": "ap", "moderatorPW": "mp"},
        meta={},
    )
    assert created.get_field("returncode") == "SUCCESS"
    assert created.get_field("meetingID") == "reference-1"

    join_url = client.get_join_meeting_url("นางสาวน้ำฝน ใจดี", "reference-1", "ap", params={})
    assert join_url.startswith(bbb_emulator.url + "join?")
    redirect = requests.get(join_url, allow_redirects=False, timeout=5)
    assert redirect.status_code == 302
    assert "/html5client/join?sessionToken=" in redirect.headers["Location"]
    room = requests.get(redirect.headers["Location"], timeout=5)
    assert "คุณอยู่ในห้องประชุมแล้ว" in room.text

    info = client.get_meeting_info("reference-1")
    assert info.get_field("running") == "true"
    attendees = info.get_attendees()
    assert len(attendees) == 1
    assert attendees[0].get_fullname() == "นางสาวน้ำฝน ใจดี"
    assert attendees[0].get_role() == "VIEWER"
    assert client.is_meeting_running("reference-1").is_meeting_running() is True

    ended = client.end_meeting("reference-1", "mp")
    assert ended.get_field("messageKey") == "sentEndMeetingRequest"
    if profile in ("bbb-3.0", "scalelite"):
        # Removed as soon as the end is processed.
        with pytest.raises(BBBException) as gone:
            client.get_meeting_info("reference-1")
        assert gone.value.key == "notFound"
        return
    after = client.get_meeting_info("reference-1")
    assert after.get_field("hasBeenForciblyEnded") == "true"
    assert after.get_field("running") == "false"

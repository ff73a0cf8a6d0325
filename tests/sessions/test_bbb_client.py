"""Our BBB client (sessions/bbb.py) against the emulator."""

import hashlib
import socket
from urllib.parse import urlsplit

import pytest

from sessions import bbb

from .conftest import SECRET


def client_for(emulator, algorithm="sha256", timeout=2.0):
    return bbb.BBBClient(url=emulator.url, secret=SECRET, algorithm=algorithm, timeout=timeout)


def test_checksums_hash_the_query_exactly_as_sent_with_quote_plus():
    client = bbb.BBBClient(url="http://bbb.example/bigbluebutton/api", secret="s")
    url = client.build_url("create", {"name": "การอบรม ครั้งที่ 1", "meetingID": "m1", "record": True})
    query = urlsplit(url).query
    sent, checksum = query.rsplit("&checksum=", 1)
    assert "+" in sent and "%20" not in sent  # RFC 1738: space is "+"
    assert "record=true" in sent
    assert checksum == hashlib.sha256(f"create{sent}s".encode()).hexdigest()
    assert url.startswith("http://bbb.example/bigbluebutton/api/create?")


def test_no_parameters_hash_the_call_name_and_secret_only():
    client = bbb.BBBClient(
        url="http://bbb.example/bigbluebutton/api/", secret="s", algorithm="sha1"
    )
    url = client.build_url("getMeetings")
    expected = hashlib.sha1(b"getMeetingss").hexdigest()  # noqa: S324 - BBB's own choice
    assert url == f"http://bbb.example/bigbluebutton/api/getMeetings?checksum={expected}"


@pytest.mark.parametrize("algorithm", ["sha1", "sha256", "sha384", "sha512"])
def test_every_algorithm_is_accepted_by_the_server(bbb_emulator, algorithm):
    client = client_for(bbb_emulator, algorithm)
    created = client.create(meeting_id=f"alg-{algorithm}", name="ทดสอบ")
    assert created.meeting_id == f"alg-{algorithm}"
    assert client.is_meeting_running(meeting_id=f"alg-{algorithm}") is False


def test_the_algorithm_comes_from_settings(settings, bbb_emulator):
    settings.BBB_CHECKSUM_ALGORITHM = "sha512"
    client = bbb.get_client()
    assert len(urlsplit(client.build_url("getMeetings")).query) == len("checksum=") + 128
    client.create(meeting_id="from-settings", name="ทดสอบ")
    assert [m.meeting_id for m in client.get_meetings()] == ["from-settings"]


def test_one_and_many_attendees_parse_as_lists(bbb_emulator):
    client = client_for(bbb_emulator)
    client.create(meeting_id="roster", name="ทดสอบ", meta={"endCallbackUrl": "http://x/"})
    assert client.get_meeting_info(meeting_id="roster").attendees == []
    bbb_emulator.control("meetings/roster/attendees", {"userID": "1", "fullName": "หนึ่ง"})
    one = client.get_meeting_info(meeting_id="roster")
    assert [a.user_id for a in one.attendees] == ["1"]
    assert one.running is True
    assert one.metadata == {"endcallbackurl": "http://x/"}
    bbb_emulator.control(
        "meetings/roster/attendees", {"userID": "2", "fullName": "สอง", "role": "MODERATOR"}
    )
    many = client.get_meeting_info(meeting_id="roster")
    assert [a.user_id for a in many.attendees] == ["1", "2"]
    assert many.moderator_count == 1
    assert many.attendees[1].is_moderator


def test_recordings_with_one_or_several_formats(bbb_emulator):
    client = client_for(bbb_emulator)
    assert client.get_recordings(meeting_ids=["nothing"]) == []
    bbb_emulator.control("recordings", {"meetingID": "rec-meeting", "recordID": "r1"})
    (single,) = client.get_recordings(meeting_ids=["rec-meeting"])
    assert single.published and len(single.formats) == 1
    bbb_emulator.control(
        "recordings",
        {
            "meetingID": "rec-meeting",
            "recordID": "r2",
            "published": False,
            "playback": [
                {"type": "podcast", "url": "http://x/p", "length": 2},
                {"type": "presentation", "url": "http://x/v", "length": 2},
            ],
        },
    )
    both = client.get_recordings(meeting_ids=["rec-meeting"])
    assert [r.record_id for r in both] == ["r1", "r2"]
    assert [f.type for f in both[1].formats] == ["podcast", "presentation"]
    assert client.publish_recordings(record_ids=["r2"]) is True
    assert client.get_recordings(record_ids=["r2"])[0].published is True
    assert client.delete_recordings(record_ids=["r1"]) is True
    assert [r.record_id for r in client.get_recordings(meeting_ids=["rec-meeting"])] == ["r2"]


def test_failed_replies_raise_with_bbbs_message_key(bbb_emulator):
    client = client_for(bbb_emulator)
    with pytest.raises(bbb.BBBFailed) as failed:
        client.get_meeting_info(meeting_id="unknown")
    assert failed.value.message_key == "notFound"
    with pytest.raises(bbb.BBBFailed) as not_recording:
        client.publish_recordings(record_ids=["missing"])
    assert not_recording.value.message_key == "notFound"


def test_http_errors_garbage_and_time_outs_raise_typed_errors(bbb_emulator):
    client = client_for(bbb_emulator, timeout=0.5)
    bbb_emulator.fault("getMeetings", "http500")
    with pytest.raises(bbb.BBBUnavailable):
        client.get_meetings()
    bbb_emulator.fault("getMeetings", "garbage")
    with pytest.raises(bbb.BBBBadResponse):
        client.get_meetings()
    bbb_emulator.fault("getMeetings", "timeout", delay_s=5)
    with pytest.raises(bbb.BBBUnavailable) as slow:
        client.get_meetings()
    assert slow.value.message == "time-out"
    assert client.get_meetings() == []


def test_a_server_that_is_down_raises_unavailable():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    client = bbb.BBBClient(url=f"http://127.0.0.1:{port}/bigbluebutton/api/", secret="s")
    with pytest.raises(bbb.BBBUnavailable):
        client.is_meeting_running(meeting_id="m")


def test_the_join_url_carries_role_user_id_and_create_time(bbb_emulator):
    client = client_for(bbb_emulator)
    created = client.create(meeting_id="join-url", name="ทดสอบ")
    url = client.join_url(
        meeting_id="join-url",
        full_name="นายทดสอบ ใจดี (อบต.ทดสอบ)",
        role="VIEWER",
        user_id="17",
        create_time=created.create_time,
    )
    room = bbb_emulator.enter_by_url(url)
    assert "นายทดสอบ ใจดี (อบต.ทดสอบ)" in room.text
    (attendee,) = client.get_meeting_info(meeting_id="join-url").attendees
    assert (attendee.user_id, attendee.role) == ("17", "VIEWER")

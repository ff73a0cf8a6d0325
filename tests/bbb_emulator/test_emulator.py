"""The emulator against the behaviour of a real BigBlueButton server (bbb.md, Emulator spec)."""

import datetime
import hashlib
import json
from urllib.parse import parse_qs, quote, unquote, urlencode, urlsplit

import jwt
import pytest
import requests
from defusedxml import ElementTree

from bbb_emulator import start_emulator
from bbb_emulator.core import checksum_matches

from .conftest import SECRET

VECTOR_SECRET = "639259d4-9dd8-4b25-bf01-95f9567eaf4b"
VECTOR_QUERY = "name=Test+Meeting&meetingID=abc123&attendeePW=111222&moderatorPW=333444"


def signed(base: str, call: str, query: str, algorithm: str = "sha256", secret=SECRET) -> str:
    checksum = hashlib.new(algorithm, f"{call}{query}{secret}".encode()).hexdigest()
    joiner = "&" if query else ""
    return f"{base}{call}?{query}{joiner}checksum={checksum}"


def get_xml(url: str):
    response = requests.get(url, allow_redirects=False, timeout=5)
    assert response.status_code == 200, response.status_code
    assert response.headers["Content-Type"] == "text/xml;charset=UTF-8"
    assert response.headers["Cache-Control"] == "no-cache"
    return ElementTree.fromstring(response.content)


def create(bbb, meeting_id="abc123", extra="", algorithm="sha256"):
    query = urlencode({"name": "Test Meeting", "meetingID": meeting_id}) + extra
    return get_xml(signed(bbb.url, "create", query, algorithm))


@pytest.fixture
def vector_emulator():
    running = start_emulator(secret=VECTOR_SECRET, clock="manual", callback_mode="capture")
    yield running
    running.stop()


@pytest.mark.parametrize(
    ("algorithm", "expected"),
    [
        ("sha1", "1fcbb0c4fc1f039f73aa6d697d2db9ba7f803f17"),
        ("sha256", "da9185f7f333cfdfcd6eeac32dca3777510c4c436020d8b887ba5515bd1d189e"),
        ("sha384", None),
        ("sha512", None),
    ],
)
def test_the_documented_checksum_vectors_are_accepted_for_every_algorithm(
    vector_emulator, algorithm, expected
):
    checksum = hashlib.new(algorithm, f"create{VECTOR_QUERY}{VECTOR_SECRET}".encode()).hexdigest()
    if expected:
        assert checksum == expected  # the published vector
    root = get_xml(f"{vector_emulator.url}create?{VECTOR_QUERY}&checksum={checksum}")
    assert root.findtext("returncode") == "SUCCESS"
    assert root.findtext("attendeePW") == "111222"
    # Upper-case hex is accepted too (current servers compare case-insensitively).
    again = get_xml(
        f"{vector_emulator.url}getMeetingInfo?meetingID=abc123&checksum="
        + hashlib.new(algorithm, f"getMeetingInfomeetingID=abc123{VECTOR_SECRET}".encode())
        .hexdigest()
        .upper()
    )
    assert again.findtext("returncode") == "SUCCESS"


def test_a_wrong_checksum_or_an_unsupported_algorithm_gives_checksum_error(bbb_emulator):
    bad = get_xml(
        f"{bbb_emulator.url}create?name=Test+Meeting&meetingID=abc123&checksum=" + "0" * 64
    )
    assert bad.findtext("returncode") == "FAILED"
    assert bad.findtext("messageKey") == "checksumError"
    bbb_emulator.control("config", {"supported_algorithms": ["sha256"]})
    sha1 = create(bbb_emulator, algorithm="sha1")
    assert sha1.findtext("messageKey") == "checksumError"
    assert create(bbb_emulator, algorithm="sha256").findtext("returncode") == "SUCCESS"


def test_plus_and_percent_20_are_both_accepted_when_hashed_as_sent(bbb_emulator):
    plus = "name=Test+Meeting&meetingID=plus-meeting"
    percent = "name=Test%20Meeting&meetingID=percent-meeting"
    assert get_xml(signed(bbb_emulator.url, "create", plus)).findtext("returncode") == "SUCCESS"
    assert get_xml(signed(bbb_emulator.url, "create", percent)).findtext("returncode") == "SUCCESS"
    # Hashed with "+" but sent with "%20": the server does not re-encode, so it fails.
    checksum = hashlib.sha256(
        f"createname=Test+Meeting&meetingID=mixed{SECRET}".encode()
    ).hexdigest()
    mixed = get_xml(
        f"{bbb_emulator.url}create?name=Test%20Meeting&meetingID=mixed&checksum={checksum}"
    )
    assert mixed.findtext("messageKey") == "checksumError"
    names = {m["meetingID"]: m["name"] for m in bbb_emulator.state()["meetings"]}
    assert names == {"plus-meeting": "Test Meeting", "percent-meeting": "Test Meeting"}


def test_a_body_only_post_is_checked_against_the_sorted_parameters():
    # What BBB does when the query string is empty (GetChecksum, TreeSet + URLEncoder).
    body = [("name", "a b*~"), ("meetingID", "m1")]
    rebuilt = "meetingID=m1&name=a+b*%7E"
    checksum = hashlib.sha1(f"create{rebuilt}s".encode()).hexdigest()  # noqa: S324 - BBB's own choice
    assert checksum_matches(
        call="create",
        raw_query="",
        body_params=[*body, ("checksum", checksum)],
        secret="s",
        supported=["sha1"],
    )
    assert not checksum_matches(
        call="create",
        raw_query="",
        body_params=[*body, ("checksum", "0" * 40)],
        secret="s",
        supported=["sha1"],
    )


def test_create_twice_returns_the_same_meeting_with_a_duplicate_warning(bbb_emulator):
    first = create(bbb_emulator, extra="&attendeePW=ap&moderatorPW=mp")
    second = create(bbb_emulator)  # no passwords: same meeting
    assert first.findtext("messageKey") == ""
    assert second.findtext("messageKey") == "duplicateWarning"
    assert second.findtext("createTime") == first.findtext("createTime")
    assert second.findtext("internalMeetingID") == first.findtext("internalMeetingID")
    internal = first.findtext("internalMeetingID")
    assert internal == hashlib.sha1(b"abc123").hexdigest() + "-" + first.findtext("createTime")  # noqa: S324 - BBB's own choice
    clash = create(bbb_emulator, extra="&attendeePW=other&moderatorPW=mp")
    assert clash.findtext("returncode") == "FAILED"
    assert clash.findtext("messageKey") == "idNotUnique"


def test_create_validates_the_meeting_id_and_keeps_meta_lowercased(bbb_emulator):
    assert create(bbb_emulator, meeting_id="a,b").findtext("messageKey") == "validationError"
    assert create(bbb_emulator, meeting_id="a").findtext("messageKey") == "validationError"
    root = create(
        bbb_emulator, meeting_id="meta-meeting", extra="&meta_endCallbackUrl=x&meta_a_b=y"
    )
    assert root.findtext("returncode") == "SUCCESS"
    info = get_xml(signed(bbb_emulator.url, "getMeetingInfo", "meetingID=meta-meeting"))
    assert [child.tag for child in info.find("metadata")] == ["endcallbackurl"]


def join_url(bbb, meeting_id="abc123", **params):
    query = urlencode({"meetingID": meeting_id, "fullName": "Officer", **params})
    return signed(bbb.url, "join", query)


def redirect_errors(response) -> list[str]:
    assert response.status_code == 302
    query = parse_qs(urlsplit(response.headers["Location"]).query)
    return [e["key"] for e in json.loads(query["errors"][0])]


def test_join_with_a_stale_create_time_is_redirected_with_mismatch_error(bbb_emulator):
    created = create(bbb_emulator)
    stale = int(created.findtext("createTime")) - 1000
    response = requests.get(
        join_url(bbb_emulator, role="VIEWER", createTime=stale, logoutURL="http://lms/back"),
        allow_redirects=False,
        timeout=5,
    )
    assert redirect_errors(response) == ["mismatchCreateTimeParam"]
    assert response.headers["Location"].startswith("http://lms/back?errors=")


def test_join_after_the_end_is_refused_then_the_meeting_is_gone(bbb_emulator):
    create(bbb_emulator)
    ended = get_xml(signed(bbb_emulator.url, "end", "meetingID=abc123"))
    assert ended.findtext("messageKey") == "sentEndMeetingRequest"
    response = requests.get(
        join_url(bbb_emulator, role="VIEWER", errorRedirectUrl="http://lms/error"),
        allow_redirects=False,
        timeout=5,
    )
    assert redirect_errors(response) == ["meetingForciblyEnded"]
    assert response.headers["Location"].startswith("http://lms/error?")
    info = get_xml(signed(bbb_emulator.url, "getMeetingInfo", "meetingID=abc123"))
    assert info.findtext("hasBeenForciblyEnded") == "true"
    assert info.findtext("running") == "false"
    bbb_emulator.advance(6)  # ended_meeting_ttl_s = 5
    gone = get_xml(signed(bbb_emulator.url, "getMeetingInfo", "meetingID=abc123"))
    assert gone.findtext("messageKey") == "notFound"
    again = requests.get(join_url(bbb_emulator, role="VIEWER"), allow_redirects=False, timeout=5)
    assert redirect_errors(again) == ["invalidMeetingIdentifier"]


def test_role_only_join_works_and_no_role_nor_password_gives_params_required(bbb_emulator):
    create(bbb_emulator)
    response = requests.get(
        join_url(bbb_emulator, role="viewer", userID="42"), allow_redirects=False, timeout=5
    )
    assert response.status_code == 302
    assert "/html5client/join?sessionToken=" in response.headers["Location"]
    token = parse_qs(urlsplit(response.headers["Location"]).query)["sessionToken"][0]
    assert len(token) == 16 and token.isalnum() and token.lower() == token
    missing = requests.get(join_url(bbb_emulator), allow_redirects=False, timeout=5)
    assert missing.status_code == 200
    root = ElementTree.fromstring(missing.content)
    assert root.findtext("messageKey") == "Params required"


def test_a_user_appears_only_after_the_client_page_loads(bbb_emulator):
    create(bbb_emulator)
    url = join_url(bbb_emulator, role="VIEWER", userID="42", redirect="false")
    joined = get_xml(url)
    assert joined.findtext("messageKey") == "successfullyJoined"
    assert joined.findtext("user_id").startswith("w_")
    info = get_xml(signed(bbb_emulator.url, "getMeetingInfo", "meetingID=abc123"))
    assert info.findtext("running") == "false"
    assert info.find("attendees/attendee") is None
    room = requests.get(joined.findtext("url"), timeout=5)
    assert "คุณอยู่ในห้องประชุมแล้ว" in room.text
    info = get_xml(signed(bbb_emulator.url, "getMeetingInfo", "meetingID=abc123"))
    assert info.findtext("running") == "true"
    assert [a.findtext("userID") for a in info.findall("attendees/attendee")] == ["42"]


def test_max_participants_counts_unique_user_ids_and_allows_a_rejoin(bbb_emulator):
    create(bbb_emulator, extra="&maxParticipants=1")
    first = requests.get(
        join_url(bbb_emulator, role="VIEWER", userID="1"), allow_redirects=False, timeout=5
    )
    assert first.status_code == 302 and "errors=" not in first.headers["Location"]
    rejoin = requests.get(
        join_url(bbb_emulator, role="VIEWER", userID="1"), allow_redirects=False, timeout=5
    )
    assert "errors=" not in rejoin.headers["Location"]
    other = requests.get(
        join_url(bbb_emulator, role="VIEWER", userID="2"), allow_redirects=False, timeout=5
    )
    assert redirect_errors(other) == ["maxParticipantsReached"]


def test_one_and_many_meetings_recordings_and_formats_use_the_same_elements(bbb_emulator):
    empty = get_xml(signed(bbb_emulator.url, "getMeetings", ""))
    assert empty.findtext("messageKey") == "noMeetings"
    create(bbb_emulator, meeting_id="m-one")
    one = get_xml(signed(bbb_emulator.url, "getMeetings", ""))
    assert len(one.findall("meetings/meeting")) == 1
    create(bbb_emulator, meeting_id="m-two")
    assert (
        len(get_xml(signed(bbb_emulator.url, "getMeetings", "")).findall("meetings/meeting")) == 2
    )

    none = get_xml(signed(bbb_emulator.url, "getRecordings", "meetingID=m-one"))
    assert none.findtext("messageKey") == "noRecordings"
    bbb_emulator.control("recordings", {"meetingID": "m-one", "recordID": "rec-1"})
    single = get_xml(signed(bbb_emulator.url, "getRecordings", "meetingID=m-one"))
    assert [r.findtext("recordID") for r in single.findall("recordings/recording")] == ["rec-1"]
    bbb_emulator.control(
        "recordings",
        {
            "meetingID": "m-two",
            "recordID": "rec-2",
            "playback": [
                {"type": "podcast", "url": "http://x/podcast", "length": 3},
                {"type": "presentation", "url": "http://x/presentation", "length": 3},
            ],
        },
    )
    both = get_xml(signed(bbb_emulator.url, "getRecordings", "meetingID=m-one%2Cm-two"))
    assert len(both.findall("recordings/recording")) == 2
    two_formats = get_xml(signed(bbb_emulator.url, "getRecordings", "recordID=rec-2"))
    assert [
        f.findtext("type") for f in two_formats.findall("recordings/recording/playback/format")
    ] == [
        "podcast",
        "presentation",
    ]


def test_the_end_sequence_sends_the_end_callback_and_record_alone_makes_no_recording(
    bbb_emulator,
):
    end_url = "http://lms.example/cb?x=1"
    create(
        bbb_emulator,
        extra="&record=true&meta_endCallbackUrl=" + quote(end_url, safe=""),
    )
    bbb_emulator.control("meetings/abc123/attendees", {"userID": "7", "fullName": "A"})
    get_xml(signed(bbb_emulator.url, "end", "meetingID=abc123"))
    calls = bbb_emulator.callbacks()
    assert [c["kind"] for c in calls] == ["end"]
    assert calls[0]["method"] == "GET"
    assert calls[0]["url"] == "http://lms.example/cb?x=1&recordingmarks=false&meetingID=abc123"
    # record=true alone: nobody pressed Record, so there is no recording.
    assert bbb_emulator.state()["recordings"] == []


def test_a_moderator_pressing_record_in_the_room_makes_the_recording(bbb_emulator):
    end_url = "http://lms.example/cb"
    create(bbb_emulator, extra="&record=true&meta_endCallbackUrl=" + quote(end_url, safe=""))
    join = signed(bbb_emulator.url, "join", "meetingID=abc123&fullName=Mod&role=MODERATOR")
    room = bbb_emulator.enter_by_url(join)
    assert "เริ่มบันทึกการอบรม" in room.text
    token = room.url.split("sessionToken=")[1]
    pressed = requests.post(
        f"{bbb_emulator.base_url}/html5client/record?sessionToken={token}", timeout=5
    )
    assert "กำลังบันทึกการอบรม" in pressed.text
    get_xml(signed(bbb_emulator.url, "end", "meetingID=abc123"))
    assert bbb_emulator.callbacks()[0]["url"].endswith("recordingmarks=true&meetingID=abc123")
    recordings = bbb_emulator.state()["recordings"]
    assert recordings[0]["state"] == "processing"
    assert [f["type"] for f in recordings[0]["formats"]] == ["presentation", "video"]


def test_nobody_joining_expires_the_meeting_through_the_clock(bbb_emulator):
    create(bbb_emulator)
    bbb_emulator.advance(4 * 60)
    assert (
        get_xml(signed(bbb_emulator.url, "getMeetingInfo", "meetingID=abc123")).findtext(
            "hasBeenForciblyEnded"
        )
        == "false"
    )
    bbb_emulator.advance(61)
    meeting = bbb_emulator.meeting("abc123")
    assert meeting["endedReason"] == "expired"


def test_analytics_callback_carries_an_hs512_bearer_token_pyjwt_accepts(bbb_emulator):
    url = "http://lms.example/analytics"
    create(bbb_emulator, extra="&meetingKeepEvents=true&meta_analytics-callback-url=" + quote(url))
    bbb_emulator.control("meetings/abc123/attendees", {"userID": "45", "fullName": "A"})
    bbb_emulator.advance(600)
    get_xml(signed(bbb_emulator.url, "end", "meetingID=abc123"))
    bbb_emulator.advance(1)
    call = next(c for c in bbb_emulator.callbacks() if c["kind"] == "analytics")
    assert call["headers"]["User-Agent"] == "BigBlueButton Analytics Callback"
    token = call["headers"]["Authorization"].removeprefix("Bearer ")
    assert jwt.get_unverified_header(token) == {"alg": "HS512", "typ": "JWT"}
    claims = jwt.decode(token, SECRET, algorithms=["HS512"])
    assert claims["exp"] * 1000 - bbb_emulator.state()["now_ms"] > 86000 * 1000
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(token, "another-secret-" + "x" * 60, algorithms=["HS512"])
    body = json.loads(call["body"])
    attendee = body["data"]["attendees"][0]
    assert attendee["ext_user_id"] == "45"  # bbbevents writes a string
    assert attendee["duration"] == 600
    assert isinstance(attendee["sessions"], list)
    # ISO with milliseconds in the server's own offset (a server in Thailand).
    start = datetime.datetime.fromisoformat(body["data"]["start"])
    assert body["data"]["start"].endswith("+07:00")
    assert start.utcoffset() == datetime.timedelta(hours=7)
    assert int(start.timestamp()) == bbb_emulator.meeting("abc123")["createTime"] // 1000


def test_recording_ready_callback_is_an_hs256_jwt_sent_once_per_format(bbb_emulator):
    url = "http://lms.example/ready"
    create(bbb_emulator, extra="&record=true&meta_bbb-recording-ready-url=" + quote(url))
    internal = bbb_emulator.meeting("abc123")["internalMeetingID"]
    bbb_emulator.control("meetings/abc123/recording-marks")
    get_xml(signed(bbb_emulator.url, "end", "meetingID=abc123"))
    bbb_emulator.control(f"recordings/{internal}/ready")
    calls = [c for c in bbb_emulator.callbacks() if c["kind"] == "recording_ready"]
    assert [c["meta"]["format"] for c in calls] == ["presentation", "video"]
    call = calls[0]
    assert call["method"] == "POST"
    token = parse_qs(call["body"])["signed_parameters"][0]
    assert jwt.get_unverified_header(token)["alg"] == "HS256"
    claims = jwt.decode(token, SECRET, algorithms=["HS256"])
    assert claims == {"meeting_id": "abc123", "record_id": internal}
    published = get_xml(signed(bbb_emulator.url, "getRecordings", "meetingID=abc123"))
    assert published.findtext("recordings/recording/published") == "true"


def test_webhooks_are_signed_with_the_callback_url_body_and_secret(bbb_emulator):
    url = "http://lms.example/hooks"
    hook = get_xml(signed(bbb_emulator.url, "hooks/create", urlencode({"callbackURL": url})))
    assert hook.findtext("hookID") == "1"
    create(bbb_emulator)
    call = bbb_emulator.callbacks()[0]
    assert call["kind"] == "webhook"
    base, checksum = call["url"].split("?checksum=")
    assert base == url
    assert hashlib.sha1(f"{url}{call['body']}{SECRET}".encode()).hexdigest() == checksum  # noqa: S324 - BBB's own choice
    event = json.loads(parse_qs(call["body"])["event"][0])[0]
    assert event["data"]["id"] == "meeting-created"


def test_faults_give_http_500_garbage_and_failed_replies(bbb_emulator):
    query = "meetingID=abc123"
    bbb_emulator.fault("getMeetingInfo", "http500")
    assert (
        requests.get(signed(bbb_emulator.url, "getMeetingInfo", query), timeout=5).status_code
        == 500
    )
    bbb_emulator.fault("getMeetingInfo", "garbage")
    assert (
        b"<response>"
        not in requests.get(signed(bbb_emulator.url, "getMeetingInfo", query), timeout=5).content
    )
    bbb_emulator.fault("getMeetingInfo", "failed", messageKey="internalError")
    assert (
        get_xml(signed(bbb_emulator.url, "getMeetingInfo", query)).findtext("messageKey")
        == "internalError"
    )
    # The fault was used up: the next call is answered normally.
    assert (
        get_xml(signed(bbb_emulator.url, "getMeetingInfo", query)).findtext("messageKey")
        == "notFound"
    )


def test_the_meeting_room_page_is_thai_and_leaving_goes_back(bbb_emulator):
    create(bbb_emulator, extra="&logoutURL=" + quote("http://lms.example/back"))
    room = bbb_emulator.enter_by_url(join_url(bbb_emulator, role="MODERATOR", userID="9"))
    assert 'lang="th"' in room.text and "ออกจากห้อง" in room.text
    form_action = room.text.split('action="')[1].split('"')[0]
    left = requests.post(
        bbb_emulator.base_url + unquote(form_action), allow_redirects=False, timeout=5
    )
    assert left.status_code == 302
    assert left.headers["Location"] == "http://lms.example/back"
    assert bbb_emulator.meeting("abc123")["attendees"] == []


def test_the_state_counts_api_requests_per_call_until_reset(bbb_emulator):
    create(bbb_emulator)
    for _ in range(2):
        get_xml(signed(bbb_emulator.url, "getMeetingInfo", "meetingID=abc123"))
    bbb_emulator.fault("getMeetingInfo", "failed")
    get_xml(signed(bbb_emulator.url, "getMeetingInfo", "meetingID=abc123"))
    assert bbb_emulator.state()["api_calls"] == {"create": 1, "getMeetingInfo": 3}
    bbb_emulator.control("reset")
    assert bbb_emulator.state()["api_calls"] == {}

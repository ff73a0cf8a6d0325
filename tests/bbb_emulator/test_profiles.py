"""Server profiles (section 0 of the BBB notes): what each kind of server does differently,
and what every one of them does alike."""

import hashlib
import json
import time
from urllib.parse import parse_qs, quote, unquote, urlencode, urlsplit

import jwt
import pytest
import requests
from defusedxml import ElementTree

from bbb_emulator import start_emulator
from bbb_emulator.profiles import PROFILE_NAMES

from .conftest import SECRET
from .handle import EmulatorHandle
from .test_emulator import create, get_xml, signed

ALL = ["", *PROFILE_NAMES]  # "" is the default server


@pytest.fixture
def emulator_with():
    started = []

    def start(profile: str, **config) -> EmulatorHandle:
        running = start_emulator(
            secret=SECRET,
            clock="manual",
            now_ms=int(time.time() * 1000),
            callback_mode="capture",
            default_logout_url="http://testserver/",
            profile=profile,
            **config,
        )
        started.append(running)
        return EmulatorHandle(running)

    yield start
    for running in started:
        running.stop()


def info(bbb, meeting_id="abc123"):
    return get_xml(signed(bbb.url, "getMeetingInfo", f"meetingID={meeting_id}"))


def join_location(bbb, query: str) -> str:
    response = requests.get(signed(bbb.url, "join", query), allow_redirects=False, timeout=5)
    assert response.status_code == 302, response.text
    return response.headers["Location"]


def errors_of(location: str) -> list[str]:
    query = parse_qs(urlsplit(location).query)
    return [e["key"] for e in json.loads(unquote(query["errors"][0]))]


# --- What every profile does ---------------------------------------------------------------


@pytest.mark.parametrize("profile", ALL)
def test_every_profile_records_only_after_record_was_pressed_and_notifies_per_format(
    emulator_with, profile
):
    bbb = emulator_with(profile)
    ready = "http://lms.example/ready"
    create(bbb, "plain", extra="&record=true&meta_bbb-recording-ready-url=" + quote(ready))
    get_xml(signed(bbb.url, "end", "meetingID=plain"))
    assert bbb.state()["recordings"] == []

    create(bbb, extra="&record=true&meta_bbb-recording-ready-url=" + quote(ready))
    internal = bbb.meeting("abc123")["internalMeetingID"]
    bbb.control("meetings/abc123/recording-marks")
    get_xml(signed(bbb.url, "end", "meetingID=abc123"))
    bbb.control(f"recordings/{internal}/ready")
    calls = [c for c in bbb.callbacks() if c["kind"] == "recording_ready"]
    assert [c["meta"]["format"] for c in calls] == ["presentation", "video"]
    token = parse_qs(calls[0]["body"])["signed_parameters"][0]
    algorithm = "HS512" if profile == "scalelite" else "HS256"
    assert jwt.get_unverified_header(token)["alg"] == algorithm
    assert jwt.decode(token, SECRET, algorithms=[algorithm])["record_id"] == internal


@pytest.mark.parametrize("profile", ALL)
def test_every_profile_takes_per_meeting_expiry_and_keeps_running_until_users_timeout(
    emulator_with, profile
):
    bbb = emulator_with(profile)
    create(
        bbb,
        extra="&meetingExpireIfNoUserJoinedInMinutes=15&meetingExpireWhenLastUserLeftInMinutes=3",
    )
    bbb.advance(10 * 60)  # past the server's 5 minutes, within the meeting's 15
    assert info(bbb).findtext("hasBeenForciblyEnded") == "false"
    bbb.control("meetings/abc123/attendees", {"userID": "7", "fullName": "A"})
    bbb.control("meetings/abc123/attendees/7", method="DELETE")
    # The user who left stays listed, and the meeting running, for usersTimeout (60 s).
    bbb.advance(30)
    listed = info(bbb)
    assert listed.findtext("running") == "true"
    assert listed.findtext("attendees/attendee/userID") == "7"
    bbb.advance(31)
    after = info(bbb)
    assert after.findtext("running") == "false"
    assert after.findtext("participantCount") == "0"
    assert after.findtext("hasBeenForciblyEnded") == "false"
    bbb.advance(2 * 60)  # within the meeting's 3 minutes after the list emptied
    assert bbb.meeting("abc123")["endedReason"] == ""
    bbb.advance(61)
    assert bbb.meeting("abc123")["endedReason"] == "expired"


@pytest.mark.parametrize("profile", ALL)
def test_every_profile_writes_analytics_as_bbbevents_does(emulator_with, profile):
    bbb = emulator_with(profile)
    url = "http://lms.example/analytics"
    create(bbb, extra="&meetingKeepEvents=true&meta_analytics-callback-url=" + quote(url))
    bbb.control("meetings/abc123/attendees", {"userID": "45", "fullName": "A"})
    bbb.advance(120)
    get_xml(signed(bbb.url, "end", "meetingID=abc123"))
    call = next(c for c in bbb.callbacks() if c["kind"] == "analytics")
    token = call["headers"]["Authorization"].removeprefix("Bearer ")
    jwt.decode(token, SECRET, algorithms=["HS512"])
    body = json.loads(call["body"])
    attendee = body["data"]["attendees"][0]
    assert attendee["ext_user_id"] == "45"
    assert isinstance(attendee["sessions"], list)
    assert attendee["joins"][0].endswith("+07:00")
    assert ("customer" in body) is (profile == "scalelite")


# --- What sets them apart ------------------------------------------------------------------


def test_bbb_2_6_answers_a_repeated_create_without_passwords_with_id_not_unique(emulator_with):
    bbb = emulator_with("bbb-2.6")
    first = create(bbb)
    assert first.findtext("returncode") == "SUCCESS"
    again = create(bbb)
    assert again.findtext("returncode") == "FAILED"
    assert again.findtext("messageKey") == "idNotUnique"
    # The current and 3.0 servers give the running meeting back instead.
    modern = emulator_with("bbb-3.0")
    create(modern)
    assert create(modern).findtext("messageKey") == "duplicateWarning"


@pytest.mark.parametrize(
    ("profile", "stale_goes_to", "mismatch_goes_to"),
    [
        ("", "errorRedirect", "errorRedirect"),
        ("bbb-3.0", "errorRedirect", "errorRedirect"),
        ("bbb-2.7", "logout", "errorRedirect"),
        ("bbb-2.6", "logout", "logout"),
    ],
)
def test_where_join_errors_go_depends_on_the_server(
    emulator_with, profile, stale_goes_to, mismatch_goes_to
):
    bbb = emulator_with(profile)
    targets = {"errorRedirect": "http://site/join/", "logout": "http://site/live/"}
    links = urlencode(
        {"logoutURL": targets["logout"], "errorRedirectUrl": targets["errorRedirect"]}
    )
    unknown = join_location(bbb, f"meetingID=nobody&fullName=A&role=VIEWER&{links}")
    assert unknown.startswith(targets[stale_goes_to] + "?errors=")
    assert errors_of(unknown) == ["invalidMeetingIdentifier"]
    create(bbb)
    mismatch = join_location(bbb, f"meetingID=abc123&fullName=A&role=VIEWER&createTime=1&{links}")
    assert mismatch.startswith(targets[mismatch_goes_to] + "?errors=")
    assert errors_of(mismatch) == ["mismatchCreateTimeParam"]


def test_without_a_join_logout_url_errors_go_to_the_server_default_not_the_creates(
    emulator_with,
):
    bbb = emulator_with("bbb-2.7")
    create(bbb, extra="&logoutURL=" + quote("http://site/created/", safe=""))
    get_xml(signed(bbb.url, "end", "meetingID=abc123"))
    location = join_location(bbb, "meetingID=abc123&fullName=A&role=VIEWER")
    assert location.startswith("http://testserver/?errors=")  # BBB#23380


def test_bbb_2_6_ignores_redirect_false(emulator_with):
    bbb = emulator_with("bbb-2.6")
    create(bbb)
    response = requests.get(
        signed(bbb.url, "join", "meetingID=abc123&fullName=A&role=VIEWER&redirect=false"),
        allow_redirects=False,
        timeout=5,
    )
    assert response.status_code == 302


def test_bbb_3_0_removes_an_ended_meeting_at_once_and_hides_its_version(emulator_with):
    bbb = emulator_with("bbb-3.0")
    create(bbb)
    get_xml(signed(bbb.url, "end", "meetingID=abc123"))
    assert info(bbb).findtext("messageKey") == "notFound"
    links = urlencode({"errorRedirectUrl": "http://site/join/"})
    location = join_location(bbb, f"meetingID=abc123&fullName=A&role=VIEWER&{links}")
    assert errors_of(location) == ["invalidMeetingIdentifier"]
    version = get_xml(bbb.url)
    assert version.find("bbbVersion") is not None
    assert version.findtext("bbbVersion") == ""
    # The default server keeps it a few seconds, forcibly ended.
    default = emulator_with("")
    create(default)
    get_xml(signed(default.url, "end", "meetingID=abc123"))
    assert info(default).findtext("hasBeenForciblyEnded") == "true"


def test_bbb_3_0_ends_the_oldest_of_four_sessions_of_one_user(emulator_with):
    bbb = emulator_with("bbb-3.0")
    create(bbb)
    tokens = []
    for _ in range(4):
        room = bbb.enter_by_url(
            signed(bbb.url, "join", "meetingID=abc123&fullName=A&role=VIEWER&userID=7")
        )
        tokens.append(room.url.split("sessionToken=")[1])
    sessions = {s["sessionToken"]: s for s in bbb.meeting("abc123")["sessions"]}
    assert [sessions[t]["present"] for t in tokens] == [False, True, True, True]


def test_scalelite_refuses_sha384_and_answers_an_unknown_join_with_raw_xml(emulator_with):
    bbb = emulator_with("scalelite")
    query = urlencode({"name": "Test Meeting", "meetingID": "abc123"})
    refused = get_xml(signed(bbb.url, "create", query, "sha384"))
    assert refused.findtext("messageKey") == "checksumError"
    assert get_xml(signed(bbb.url, "create", query, "sha512")).findtext("returncode") == "SUCCESS"
    links = urlencode({"errorRedirectUrl": "http://site/join/", "logoutURL": "http://site/"})
    response = requests.get(
        signed(bbb.url, "join", f"meetingID=gone&fullName=A&role=VIEWER&{links}"),
        allow_redirects=False,
        timeout=5,
    )
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/xml")
    assert ElementTree.fromstring(response.content).findtext("messageKey") == "notFound"
    hooks = requests.get(
        signed(bbb.url, "hooks/create", urlencode({"callbackURL": "http://x/"})), timeout=5
    )
    assert hooks.status_code == 404
    version = get_xml(bbb.url)
    assert version.find("bbbVersion") is None


def test_a_node_signing_analytics_with_another_secret(emulator_with):
    """BBB#21453: the platform gets a token it cannot verify; behind Scalelite, nothing."""
    url = "http://lms.example/analytics"
    for profile, delivered in (("bbb-2.7", True), ("scalelite", False)):
        bbb = emulator_with(profile, analytics_secret="packaged-secret-" + "y" * 40)
        create(bbb, extra="&meetingKeepEvents=true&meta_analytics-callback-url=" + quote(url))
        bbb.control("meetings/abc123/attendees", {"userID": "45", "fullName": "A"})
        get_xml(signed(bbb.url, "end", "meetingID=abc123"))
        calls = [c for c in bbb.callbacks() if c["kind"] == "analytics"]
        assert bool(calls) is delivered
        if calls:
            token = calls[0]["headers"]["Authorization"].removeprefix("Bearer ")
            with pytest.raises(jwt.InvalidSignatureError):
                jwt.decode(token, SECRET, algorithms=["HS512"])


@pytest.mark.parametrize("algorithm", ["sha1", "sha256", "sha384", "sha512"])
def test_webhooks_are_signed_with_the_configured_algorithm(emulator_with, algorithm):
    bbb = emulator_with("", webhook_checksum_algorithm=algorithm)
    url = "http://lms.example/hooks"
    get_xml(signed(bbb.url, "hooks/create", urlencode({"callbackURL": url})))
    create(bbb)
    call = bbb.callbacks()[0]
    base, checksum = call["url"].split("?checksum=")
    assert base == url
    assert hashlib.new(algorithm, f"{url}{call['body']}{SECRET}".encode()).hexdigest() == checksum


def test_webhooks_in_bearer_mode_carry_the_secret_and_no_checksum(emulator_with):
    bbb = emulator_with("", webhook_bearer=True)
    url = "http://lms.example/hooks"
    get_xml(signed(bbb.url, "hooks/create", urlencode({"callbackURL": url})))
    create(bbb)
    call = bbb.callbacks()[0]
    assert call["url"] == url
    assert call["headers"]["Authorization"] == f"Bearer {SECRET}"


def test_the_profile_can_be_switched_through_the_control_api(emulator_with):
    bbb = emulator_with("")
    config = bbb.control("config", {"profile": "bbb-2.6"})
    assert config["profile"] == "bbb-2.6"
    assert config["secret"] == SECRET
    create(bbb)
    assert create(bbb).findtext("messageKey") == "idNotUnique"
    refused = requests.post(
        f"{bbb.base_url}/_emulator/config", json={"profile": "bbb-1.0"}, timeout=5
    )
    assert refused.status_code == 400

"""`manage.py bbb_check` against the emulator in each server profile."""

import io
import socket

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from .helpers import every_server

pytestmark = pytest.mark.django_db


def check() -> str:
    out = io.StringIO()
    call_command("bbb_check", stdout=out)
    return out.getvalue()


EXPECTED = {
    "": ["errorRedirectUrl", "duplicateWarning"],
    "bbb-3.0": ["hides its BigBlueButton version", "duplicateWarning", "errorRedirectUrl"],
    "bbb-2.7": ["BigBlueButton 2.7.0", "logoutURL", "duplicateWarning"],
    "bbb-2.6": ["BigBlueButton 2.6.0", "idNotUnique", "logoutURL"],
    "scalelite": ["Scalelite or similar", "XML (Scalelite)", "duplicateWarning"],
}


@every_server
def test_bbb_check_reports_what_works_in_thai_and_english(bbb_emulator):
    output = check()
    for expected in EXPECTED[bbb_emulator.profile]:
        assert expected in output
    assert "create works (checksum sha256)." in output
    assert "getMeetingInfo works (running: false)." in output
    assert "end works; the test meeting is closed." in output
    assert "ใช้เซิร์ฟเวอร์ BigBlueButton นี้ได้" in output  # Thai too
    assert "This BigBlueButton server can be used." in output
    assert "This looks like Scalelite" not in output  # the fixture sets BBB_SCALELITE
    meetings = bbb_emulator.state()["meetings"]
    assert [m["forciblyEnded"] for m in meetings] == [True]  # the test meeting is closed


def test_bbb_check_exits_non_zero_with_a_wrong_secret(bbb_emulator, settings):
    settings.BBB_SECRET = "not-the-secret"
    with pytest.raises(CommandError, match="cannot be used"):
        check()


def test_bbb_check_names_sha384_behind_scalelite(bbb_emulator, settings):
    bbb_emulator.control("config", {"profile": "scalelite"})
    settings.BBB_SCALELITE = True
    settings.BBB_CHECKSUM_ALGORITHM = "sha384"
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("bbb_check", stdout=out)
    assert "Scalelite accepts sha1, sha256 or sha512 only" in out.getvalue()


def test_bbb_check_exits_non_zero_when_nothing_answers(settings):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings.BBB_URL = f"http://127.0.0.1:{port}/bigbluebutton/api/"
    settings.BBB_TIMEOUT_SECONDS = 2
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("bbb_check", stdout=out)
    assert "No BigBlueButton API answers at BBB_URL" in out.getvalue()


def test_bbb_check_warns_when_webhooks_are_on_but_missing(bbb_emulator, settings):
    bbb_emulator.control("config", {"profile": "scalelite"})
    settings.BBB_WEBHOOKS = True
    output = check()
    assert "This looks like Scalelite: set BBB_SCALELITE=true." in output
    assert "bbb-webhooks does not answer" in output

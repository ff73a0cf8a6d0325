"""`manage.py run_bbb_emulator` serves the emulator until stopped."""

import hashlib
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from defusedxml import ElementTree

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("profile", [None, "bbb-2.6"])
def test_the_command_serves_the_api_with_the_given_secret(profile):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    process = subprocess.Popen(  # noqa: S603 - our own manage.py
        [
            sys.executable,
            "manage.py",
            "run_bbb_emulator",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--secret",
            "command-secret",
            *(["--profile", profile] if profile else []),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        # The socket is bound before this line is printed: waiting on it is enough.
        line = process.stdout.readline()
        label = f" ({profile})" if profile else ""
        assert line.strip() == (
            f"BigBlueButton emulator{label} on http://127.0.0.1:{port}/bigbluebutton/api/"
        )
        version = ElementTree.fromstring(
            requests.get(f"http://127.0.0.1:{port}/bigbluebutton/api", timeout=5).content
        )
        assert version.findtext("returncode") == "SUCCESS"
        assert version.findtext("bbbVersion") == ("2.6.0" if profile else "3.0.0")
        checksum = hashlib.sha256(b"getMeetingscommand-secret").hexdigest()
        meetings = ElementTree.fromstring(
            requests.get(
                f"http://127.0.0.1:{port}/bigbluebutton/api/getMeetings?checksum={checksum}",
                timeout=5,
            ).content
        )
        assert meetings.findtext("messageKey") == "noMeetings"
    finally:
        process.terminate()
        process.wait(timeout=10)

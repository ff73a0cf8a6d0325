"""The emulator stands alone: standard library only, no Django, runnable by itself."""

import ast
import hashlib
import socket
import subprocess
import sys
from pathlib import Path

import requests
from defusedxml import ElementTree

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "bbb_emulator"


def test_every_module_imports_only_the_standard_library_or_its_own_package():
    outside = []
    for path in sorted(PACKAGE.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top not in sys.stdlib_module_names and top != "__future__":
                    outside.append(f"{path.name}: {name}")
    assert outside == []


def test_importing_it_loads_no_django():
    code = (
        "import sys, bbb_emulator, bbb_emulator.cli; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))"
    )
    result = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_python_m_bbb_emulator_serves_the_api_with_the_given_secret():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    process = subprocess.Popen(  # noqa: S603 - our own package
        [sys.executable, "-m", "bbb_emulator", "--port", str(port), "--secret", "cli-secret"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        # The socket is bound before this line is printed: waiting on it is enough.
        line = process.stdout.readline()
        assert (
            line.strip() == f"BigBlueButton emulator on http://127.0.0.1:{port}/bigbluebutton/api/"
        )
        checksum = hashlib.sha256(b"getMeetingscli-secret").hexdigest()
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

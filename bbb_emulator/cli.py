"""``python -m bbb_emulator``: serve the emulator in the foreground until Ctrl-C.

``manage.py run_bbb_emulator`` uses the same arguments and only fills in what the Django
settings know (the shared secret, the site's address for the default logout URL).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from .profiles import PROFILE_NAMES
from .server import RunningEmulator


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8090)
    parser.add_argument(
        "--secret",
        default=None,
        help="the shared secret (run_bbb_emulator: BBB_SECRET when not given)",
    )
    parser.add_argument(
        "--callback-mode",
        choices=["send", "capture"],
        default="send",
        help="send callbacks to the platform, or only record them",
    )
    parser.add_argument(
        "--profile",
        choices=PROFILE_NAMES,
        default=None,
        help="behave like this kind of server (default: a current, patched BBB)",
    )
    parser.add_argument(
        "--bbb-version",
        choices=["2.6", "2.7", "3.0"],
        default=None,
        help="the version the server reports (default: the profile's, else 3.0)",
    )
    parser.add_argument(
        "--default-logout-url",
        default=None,
        help="where Leave goes when the meeting was created without logoutURL",
    )
    parser.add_argument("--verbose", action="store_true", help="log every request")


def serve(
    *,
    host: str,
    port: int,
    secret: str,
    callback_mode: str = "send",
    profile: str | None = None,
    bbb_version: str | None = None,
    default_logout_url: str = "http://127.0.0.1/",
    verbose: bool = False,
    announce: Callable[[str], None] = print,
) -> None:
    """Listen, announce the API's URL (the socket is bound by then), serve until Ctrl-C."""
    extra = {"version": bbb_version} if bbb_version else {}
    emulator = RunningEmulator(
        host=host,
        port=port,
        secret=secret,
        callback_mode=callback_mode,
        profile=profile or "",
        default_logout_url=default_logout_url,
        verbose=verbose,
        **extra,
    )
    label = f" ({profile})" if profile else ""
    announce(f"BigBlueButton emulator{label} on {emulator.url}")
    try:
        emulator.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        emulator.stop()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bbb_emulator",
        description="A BigBlueButton server emulator (API at /bigbluebutton/api/, "
        "test control at /_emulator/).",
    )
    add_arguments(parser)
    options = parser.parse_args(argv)
    if options.secret is None:
        parser.error("--secret is required")

    def announce(line: str) -> None:
        print(line, flush=True)

    serve(
        host=options.host,
        port=options.port,
        secret=options.secret,
        callback_mode=options.callback_mode,
        profile=options.profile,
        bbb_version=options.bbb_version,
        default_logout_url=options.default_logout_url or "http://127.0.0.1/",
        verbose=options.verbose,
        announce=announce,
    )


if __name__ == "__main__":  # pragma: no cover - python -m bbb_emulator.cli
    main(sys.argv[1:])

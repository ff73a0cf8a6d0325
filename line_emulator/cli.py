"""``python -m line_emulator``: serve the emulator in the foreground until Ctrl-C.

``manage.py run_line_emulator`` uses the same arguments and fills in what the Django
settings know (the channel's token and secret, the LINE Login channel, the webhook URL).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from .server import RunningEmulator


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8091)
    parser.add_argument("--access-token", default=None, help="the channel access token")
    parser.add_argument("--channel-secret", default=None, help="signs the webhooks")
    parser.add_argument("--login-channel-id", default=None)
    parser.add_argument("--login-channel-secret", default=None)
    parser.add_argument("--webhook-url", default=None, help="where follow/unfollow/message go")
    parser.add_argument(
        "--quota", type=int, default=None, help="monthly message quota (default: no limit)"
    )
    parser.add_argument("--verbose", action="store_true", help="log every request")


def serve(
    *,
    host: str,
    port: int,
    access_token: str,
    channel_secret: str,
    login_channel_id: str = "",
    login_channel_secret: str = "",
    webhook_url: str = "",
    quota: int | None = None,
    verbose: bool = False,
    announce: Callable[[str], None] = print,
) -> None:
    emulator = RunningEmulator(
        host=host,
        port=port,
        verbose=verbose,
        access_token=access_token,
        channel_secret=channel_secret,
        login_channel_id=login_channel_id,
        login_channel_secret=login_channel_secret,
        webhook_url=webhook_url,
        quota_limit=quota,
    )
    announce(f"LINE emulator on {emulator.url} (messages people got: {emulator.url}/phone/)")
    try:
        emulator.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        emulator.stop()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m line_emulator",
        description="A LINE Messaging API and LINE Login emulator (phone page at /phone/, "
        "test control at /_emulator/).",
    )
    add_arguments(parser)
    options = parser.parse_args(argv)
    if not options.access_token or not options.channel_secret:
        parser.error("--access-token and --channel-secret are required")

    def announce(line: str) -> None:
        print(line, flush=True)

    serve(
        host=options.host,
        port=options.port,
        access_token=options.access_token,
        channel_secret=options.channel_secret,
        login_channel_id=options.login_channel_id or "",
        login_channel_secret=options.login_channel_secret or "",
        webhook_url=options.webhook_url or "",
        quota=options.quota,
        verbose=options.verbose,
        announce=announce,
    )


if __name__ == "__main__":  # pragma: no cover
    main(sys.argv[1:])

"""The only module that speaks to LINE's Messaging API, through the official SDK
(``linebot.v3``). Settings are read when a call is made (tests point them at the emulator).

Errors come back as ``LineApiError`` with LINE's status and message; ``send`` retries 429
(rate limit) and 5xx with exponential back-off and the same ``X-Line-Retry-Key``, so a retry
after a lost answer is answered 409 ("already accepted") instead of sending twice.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from linebot.v3.messaging import (
    ApiClient,
    Configuration,
    MessagingApi,
    MulticastRequest,
    PushMessageRequest,
)
from linebot.v3.messaging.exceptions import ApiException

logger = logging.getLogger(__name__)

QUOTA_MESSAGE = "You have reached your monthly limit."


def is_enabled() -> bool:
    """The channel is off unless both its access token and its secret are set."""
    return bool(settings.LINE_CHANNEL_ACCESS_TOKEN and settings.LINE_CHANNEL_SECRET)


class LineApiError(Exception):
    def __init__(self, status: int, message: str = ""):
        super().__init__(f"LINE {status}: {message}")
        self.status = status
        self.message = message

    @property
    def quota_exhausted(self) -> bool:
        return self.status == 429 and self.message == QUOTA_MESSAGE

    @property
    def retryable(self) -> bool:
        return (
            (self.status == 429 and not self.quota_exhausted)
            or self.status >= 500
            or (self.status == 0)
        )


@dataclass(frozen=True)
class Quota:
    limit: int | None  # None: no monthly limit
    used: int

    @property
    def remaining(self) -> int | None:
        return None if self.limit is None else max(self.limit - self.used, 0)


def _api() -> tuple[ApiClient, MessagingApi]:
    configuration = Configuration(access_token=settings.LINE_CHANNEL_ACCESS_TOKEN)
    client = ApiClient(configuration)
    api = MessagingApi(client)
    api.line_base_path = settings.LINE_API_URL.rstrip("/")
    return client, api


def _error(exception: ApiException) -> LineApiError:
    message = ""
    try:
        message = json.loads(exception.body or b"{}").get("message", "")
    except (ValueError, AttributeError):
        message = str(exception.reason or "")
    return LineApiError(int(exception.status or 0), message)


def _call(function: Callable) -> object:
    client, api = _api()
    with client:
        try:
            return function(api)
        except ApiException as exception:
            raise _error(exception) from None
        except OSError as exception:  # refused, reset, timed out (urllib3 wraps these)
            raise LineApiError(0, str(exception)) from None


def _timeout() -> float:
    return settings.LINE_TIMEOUT_SECONDS


def read_quota() -> Quota:
    """The month's limit and what has been used (two calls; LINE has no single one)."""

    def read(api: MessagingApi) -> Quota:
        quota = api.get_message_quota(_request_timeout=_timeout())
        used = api.get_message_quota_consumption(_request_timeout=_timeout())
        limit = quota.value if quota.type == "limited" else None
        return Quota(limit=limit, used=used.total_usage)

    return _call(read)


def get_friend_display_name(line_user_id: str) -> str | None:
    """The display name when the user has the official account as a friend, else None
    (LINE answers 404 for people who never added it or blocked it)."""
    try:
        profile = _call(lambda api: api.get_profile(line_user_id, _request_timeout=_timeout()))
    except LineApiError as error:
        if error.status == 404:
            return None
        raise
    return profile.display_name


def _send_once(*, to: list[str], messages: list[dict], retry_key: str) -> str:
    """One push (one recipient) or multicast call; returns LINE's request id ('' on 409)."""

    def send(api: MessagingApi) -> str:
        if len(to) == 1:
            request = PushMessageRequest.from_dict({"to": to[0], "messages": messages})
            response = api.push_message_with_http_info(
                request, x_line_retry_key=retry_key, _request_timeout=_timeout()
            )
        else:
            request = MulticastRequest.from_dict({"to": to, "messages": messages})
            response = api.multicast_with_http_info(
                request, x_line_retry_key=retry_key, _request_timeout=_timeout()
            )
        headers = {k.lower(): v for k, v in (response.headers or {}).items()}
        return headers.get("x-line-request-id", "")

    try:
        return _call(send)
    except LineApiError as error:
        if error.status == 409:  # this retry key was accepted before: already sent
            return ""
        raise


def send(
    *,
    to: list[str],
    messages: list[dict],
    retry_key: str,
    sleep: Callable[[float], None] | None = None,
) -> str:
    """Send with retries: 429 (rate) and 5xx are tried again after 1, 2, 4 … seconds
    (``LINE_RETRY_BASE_SECONDS``) up to ``LINE_RETRY_ATTEMPTS`` tries, always with the same
    retry key. Other errors (400, 401, quota spent) are raised at once."""
    sleep = sleep or time.sleep
    attempts = max(settings.LINE_RETRY_ATTEMPTS, 1)
    for attempt in range(attempts):
        try:
            return _send_once(to=to, messages=messages, retry_key=retry_key)
        except LineApiError as error:
            if not error.retryable or attempt == attempts - 1:
                raise
            delay = settings.LINE_RETRY_BASE_SECONDS * (2**attempt)
            logger.warning("LINE %s, retrying in %.1f s (key %s)", error.status, delay, retry_key)
            sleep(delay)
    raise AssertionError("unreachable")  # pragma: no cover

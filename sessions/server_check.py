"""The day-one check of a BigBlueButton server or Scalelite (``manage.py bbb_check``).

It calls the configured server as the platform would: the API version, create (twice: a
repeated create is how every Start works), a join URL followed one step (as a browser
would, without entering the room), a join for a meeting that does not exist (where do
errors go?), getMeetingInfo, getRecordings, bbb-webhooks when they are on, and end. Each
step gives a result the command prints in Thai and English; a failed step marked
``essential`` means the platform cannot use the server.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from . import bbb

OK, WARN, FAIL = "ok", "warn", "fail"

# What each checksum-error hint says, by configured algorithm.
SCALELITE_ALGORITHMS = {"sha1", "sha256", "sha512"}


@dataclass
class CheckResult:
    status: str  # ok | warn | fail
    message: str  # a lazy translatable text with %(name)s placeholders
    params: dict = field(default_factory=dict)
    essential: bool = False

    def text(self) -> str:
        return str(self.message) % self.params if self.params else str(self.message)


def _version_tuple(text: str) -> tuple[int, ...]:
    parts = []
    for piece in text.split(".")[:2]:
        digits = "".join(c for c in piece if c.isdigit())
        parts.append(int(digits) if digits else 0)
    return tuple(parts)


def check_server(
    client: bbb.BBBClient, *, site_url: str, scalelite: bool, webhooks: bool
) -> list[CheckResult]:
    """Run the checks in order; stop after an essential failure (later steps need it)."""
    results: list[CheckResult] = []

    def add(status, message, essential=False, **params) -> CheckResult:
        result = CheckResult(status, message, params, essential)
        results.append(result)
        return result

    # 1. The API version (no checksum): is there a BBB API at BBB_URL at all?
    try:
        version = client.api_version()
    except bbb.BBBError as error:
        add(
            FAIL,
            _("No BigBlueButton API answers at BBB_URL (%(error)s)."),
            essential=True,
            error=error.message_key,
        )
        return results
    if version.bbb_version:
        add(OK, _("API answers; BigBlueButton %(version)s."), version=version.bbb_version)
        if _version_tuple(version.bbb_version) < (2, 6):
            add(
                WARN,
                _("BigBlueButton before 2.6 is not supported: upgrade to 2.7 or 3.0."),
            )
    elif not version.has_bbb_version:
        add(OK, _("API answers; no BigBlueButton version given (Scalelite or similar)."))
        if not scalelite:
            add(WARN, _("This looks like Scalelite: set BBB_SCALELITE=true."))
    else:
        add(OK, _("API answers; the server hides its BigBlueButton version (3.0 default)."))

    # 2. create, and create again (every Start repeats it).
    meeting_id = "esc-check-" + secrets.token_hex(8)
    name = "ESC bbb_check"
    try:
        created = client.create(
            meeting_id=meeting_id,
            name=name,
            extra={"meetingExpireIfNoUserJoinedInMinutes": 1},
        )
    except bbb.BBBError as error:
        add(
            FAIL,
            _("create failed (%(error)s)."),
            essential=True,
            error=error.message_key,
        )
        if error.message_key == "checksumError":
            if scalelite and client.algorithm not in SCALELITE_ALGORITHMS:
                add(
                    FAIL,
                    _(
                        "Scalelite accepts sha1, sha256 or sha512 only: change "
                        "BBB_CHECKSUM_ALGORITHM."
                    ),
                )
            else:
                add(
                    FAIL,
                    _(
                        "Checksum refused: BBB_SECRET is wrong, or the server does not accept "
                        "BBB_CHECKSUM_ALGORITHM (%(algorithm)s)."
                    ),
                    algorithm=client.algorithm,
                )
        return results
    add(OK, _("create works (checksum %(algorithm)s)."), algorithm=client.algorithm)
    try:
        again = client.create(meeting_id=meeting_id, name=name)
        if again.duplicate:
            add(OK, _("A repeated create gives the running meeting back (duplicateWarning)."))
        else:
            add(OK, _("A repeated create answers SUCCESS."))
    except bbb.BBBFailed as error:
        if error.message_key == "idNotUnique":
            add(
                WARN,
                _(
                    "A repeated create answers idNotUnique (a server before 2.7): handled, "
                    "the platform reads the running meeting with getMeetingInfo."
                ),
            )
        else:
            add(FAIL, _("A repeated create failed (%(error)s)."), error=error.message_key)
    except bbb.BBBError as error:
        add(FAIL, _("A repeated create failed (%(error)s)."), error=error.message_key)

    # 3. A join URL, followed one step as a browser would.
    join_page = site_url + "/bbb-check/join/"
    session_page = site_url + "/bbb-check/live/"
    url = client.join_url(
        meeting_id=meeting_id,
        full_name="ESC bbb_check",
        role="VIEWER",
        user_id="bbb-check",
        create_time=created.create_time,
        logout_url=session_page,
        error_redirect_url=join_page,
    )
    try:
        probe = client.probe_join(url)
    except bbb.BBBError as error:
        probe = bbb.JoinProbe(outcome="other", message_key=error.message_key)
    if probe.outcome == "client":
        add(OK, _("The join URL leads to the meeting room."))
    else:
        add(
            FAIL,
            _("The join URL does not lead to the meeting room (%(error)s)."),
            essential=True,
            error=probe.message_key or probe.location[:120] or probe.outcome,
        )

    # 4. Where a join error goes: our pages read ?errors= either way, Scalelite's XML not.
    stale = client.join_url(
        meeting_id=meeting_id + "-gone",
        full_name="ESC bbb_check",
        role="VIEWER",
        logout_url=session_page,
        error_redirect_url=join_page,
    )
    try:
        gone = client.probe_join(stale)
    except bbb.BBBError:
        gone = bbb.JoinProbe(outcome="other")
    if gone.outcome == "error" and gone.location.startswith(join_page):
        add(OK, _("Join errors come back to the join page (errorRedirectUrl)."))
    elif gone.outcome == "error" and gone.location.startswith(session_page):
        add(
            WARN,
            _(
                "Join errors go to the live-session page (logoutURL; BBB 2.6, or 2.7 without "
                "PR #22167): that page reads them too."
            ),
        )
    elif gone.outcome == "xml":
        add(
            WARN,
            _(
                "A join for a meeting that is gone shows BBB's XML (Scalelite): the platform "
                "checks the meeting before sending anyone when its state is older than 10 s."
            ),
        )
        if not scalelite:
            add(WARN, _("This looks like Scalelite: set BBB_SCALELITE=true."))
    else:
        add(WARN, _("Join errors go elsewhere: %(where)s."), where=gone.location[:120] or "?")

    # 5. getMeetingInfo and getRecordings.
    try:
        info = client.get_meeting_info(meeting_id=meeting_id)
        add(
            OK,
            _("getMeetingInfo works (running: %(running)s)."),
            running="true" if info.running else "false",
        )
    except bbb.BBBError as error:
        add(FAIL, _("getMeetingInfo failed (%(error)s)."), essential=True, error=error.message_key)
    try:
        client.get_recordings(meeting_ids=[meeting_id], state="any")
        add(OK, _("getRecordings works (recordings are fetched after each session)."))
    except bbb.BBBError as error:
        add(
            WARN,
            _("getRecordings failed (%(error)s): recordings will not be listed."),
            error=error.message_key,
        )

    # 6. bbb-webhooks, when the platform is set to use them.
    if webhooks and scalelite:
        add(WARN, _("BBB_WEBHOOKS is on but Scalelite has no webhooks: it is ignored."))
    elif webhooks:
        try:
            client.list_hooks()
            add(OK, _("bbb-webhooks answers (hooks/list)."))
        except bbb.BBBError as error:
            add(
                WARN,
                _(
                    "bbb-webhooks does not answer (%(error)s): set BBB_WEBHOOKS=false, "
                    "attendance then rests on polls and the analytics report."
                ),
                error=error.message_key,
            )

    # 7. end.
    try:
        client.end(meeting_id=meeting_id)
        add(OK, _("end works; the test meeting is closed."))
    except bbb.BBBError as error:
        add(FAIL, _("end failed (%(error)s)."), essential=True, error=error.message_key)
    return results

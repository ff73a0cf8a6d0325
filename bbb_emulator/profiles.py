"""Server profiles: how the BBB servers and the Scalelite load balancer a national training
meets in the field differ (section 0 of the BBB domain notes).

A profile is a set of configuration keys laid over ``DEFAULT_CONFIG``; any key can still be
set on its own (``start_emulator(profile="bbb-2.7", users_timeout_s=0)``). No profile means
the defaults: a current, patched BigBlueButton that honours ``errorRedirectUrl`` and keeps an
ended meeting visible for a few seconds.

What every profile shares lives in ``DEFAULT_CONFIG`` (``state.py``): a recording only when a
moderator pressed Record, one recording-ready callback per playback format, per-meeting
``meetingExpire…`` parameters, ``running`` true until ``usersTimeout`` after the last user
left, ``ext_user_id`` as a string, analytics times with the server's UTC offset, ``sessions``
as an array.
"""

from __future__ import annotations

# Join errors that even unpatched 2.7 servers send to errorRedirectUrl; the validation errors
# (invalidMeetingIdentifier, meetingForciblyEnded, checksumError...) went to the join's
# logoutURL until BBB PR #22167 (2.7) / #21654 (3.0).
ALWAYS_REDIRECTED_ERRORS = frozenset(
    {"mismatchCreateTimeParam", "maxParticipantsReached", "guestDeniedAccess"}
)

PROFILES: dict[str, dict] = {
    "bbb-3.0": {
        "version": "3.0",
        # The end is processed and the meeting removed at once: stale links mostly get
        # invalidMeetingIdentifier, not meetingForciblyEnded.
        "ended_meeting_ttl_s": 0,
        # A fourth session with the same external user ID ends the oldest.
        "max_user_concurrent_accesses": 3,
        # allowRevealOfBBBVersion=false (the default): <bbbVersion/> is empty.
        "reveal_bbb_version": False,
    },
    "bbb-2.7": {
        "version": "2.7",
        # Unpatched 2.7: validation errors ignore errorRedirectUrl.
        "error_redirect": "partial",
    },
    "bbb-2.6": {
        "version": "2.6",
        # No errorRedirectUrl at all (2.7+), no redirect=false (2.7+).
        "error_redirect": "none",
        "redirect_false": False,
        # Random passwords on every create without them (no BBB PR #17937): a repeated create
        # answers idNotUnique instead of duplicateWarning.
        "random_passwords_per_create": True,
    },
    "scalelite": {
        "version": "3.0",
        "scalelite": True,
        # Scalelite accepts checksums of 40, 64 or 128 hex characters only.
        "supported_algorithms": ["sha1", "sha256", "sha512"],
        # It signs recording-ready tokens HS512 when LOADBALANCER_CHECKSUM_ALGORITHM has no
        # SHA256 (the case modelled here), and re-posts the analytics report HS512 with its
        # own secret (the one the platform uses) after checking the node's token.
        "recording_jwt_algorithm": "HS512",
        "ended_meeting_ttl_s": 0,
        "reveal_bbb_version": False,
    },
}

PROFILE_NAMES = tuple(PROFILES)


def profile_config(name: str | None) -> dict:
    """The keys a profile sets; ``None`` or "" is the default server."""
    if not name:
        return {}
    try:
        return dict(PROFILES[name])
    except KeyError:
        raise ValueError(
            f"unknown profile {name!r}; choose one of {', '.join(PROFILE_NAMES)}"
        ) from None

"""The facts a participant's Join needs, kept in Redis so Join costs no SQL at all.

Join (the "เข้าห้อง" POST) of an enrolled participant into a running meeting needs: the
user's session auth hash, active status and role, the name BigBlueButton shows; the
enrolment's status and whether a join check (the pre-test) holds the user back; the round's
join window; the live session's state. They are kept in four Redis keys, read together
with one MGET (``fast_join_url``):

* ``join:g``               the generation: a random token; every fact carries the one it
                           was read under, a fact of another generation is not believed;
* ``join:u:<user>``        the user (hash, active, participant, display name);
* ``join:s:<user>:<round>`` the seat (enrolment status, held back by a join check);
* ``join:r:<round>``       the round and its live session (window, meeting, state).

They are written by the join page (GET) and by a Join that took the database path
(``remember``), and kept true by invalidation after every commit that changes them
(``connect_receivers``): a changed fact's key is replaced by a tombstone for
``TOMBSTONE_SECONDS``, so a request that read the database before the change cannot put
the old fact back; a change that touches many facts (a quiz, a round, an LAO's name) draws
a new generation. ``FACT_SECONDS`` is a safety net only.

Anything unusual (a fact missing, a tombstone, another generation, a trainer, a meeting not
known to run, Redis down or not in use) gives None: the view takes the database path, which
is the rule. The fast path only ever sends an enrolled participant into a running meeting;
every refusal, wait or error page comes from the database path.

Only a Redis cache (``config.cache.ResilientRedisCache``, production) holds the facts: with
a local-memory cache, each process would keep facts that the others' invalidations never
reach, so there every Join takes the database path.
"""

from __future__ import annotations

import datetime
import json
import logging
import secrets

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare

logger = logging.getLogger(__name__)

FACT_SECONDS = 300
TOMBSTONE_SECONDS = 5
TOMBSTONE = b"-"

# Sets each fact unless its key holds a tombstone, and only under the generation the facts
# were read in. A generation missing then and now (Redis restarted) is the one drawn by the
# reader: nothing changed in between, as every change sets a new one.
_REMEMBER = """
local generation = redis.call('GET', KEYS[1])
if not generation then
    redis.call('SET', KEYS[1], ARGV[1])
    generation = ARGV[1]
end
if generation ~= ARGV[1] then
    return 0
end
for i = 2, #KEYS do
    if redis.call('GET', KEYS[i]) ~= ARGV[3] then
        redis.call('SET', KEYS[i], ARGV[i + 2], 'EX', tonumber(ARGV[2]))
    end
end
return 1
"""


# --- Redis -----------------------------------------------------------------------------


def _backend():
    """The default cache when it is Redis and Redis is believed up, else None."""
    backend = caches["default"]
    if not isinstance(backend, RedisCache):
        return None
    usable = getattr(backend, "_usable", None)  # ResilientRedisCache's breaker
    if usable is not None and not usable():
        return None
    return backend


def report_failure(backend, error: BaseException, *, write: bool) -> None:
    """Tell ResilientRedisCache's breaker (a lost write clears our keys when Redis is back)."""
    logger.warning("Join facts: Redis error (%s: %s)", type(error).__name__, error)
    report = getattr(backend, "report_failure", None)
    if report is not None:
        report(error, write=write)


def _lost_write() -> None:
    """Redis is down and misses an invalidation: as ResilientRedisCache does for its own
    writes, our keys are cleared before Redis is used again."""
    outage = getattr(caches["default"], "_outage", None)
    if outage is not None:
        outage.lost_writes = True


def redis_errors() -> tuple[type[BaseException], ...]:
    import redis

    return (redis.exceptions.RedisError, OSError)


def redis_client(*, write: bool = False):
    """(backend, raw redis client) or (None, None) when Redis is not in use or down."""
    backend = _backend()
    if backend is None:
        return None, None
    return backend, backend._cache.get_client(write=write)


def key_for(backend, name: str) -> str:
    return backend.make_key(f"join:{name}")


def _keys(backend, *, user_id: int, round_id: int) -> list[str]:
    return [
        key_for(backend, "g"),
        key_for(backend, f"u:{user_id}"),
        key_for(backend, f"s:{user_id}:{round_id}"),
        key_for(backend, f"r:{round_id}"),
    ]


def _timestamp(moment: datetime.datetime | None) -> float | None:
    return moment.timestamp() if moment is not None else None


# --- Reading: the fast path ---------------------------------------------------------------


def current_generation() -> str | None:
    """The generation now (read before the database, passed to ``remember``)."""
    backend, client = redis_client()
    if client is None:
        return None
    try:
        generation = client.get(key_for(backend, "g"))
    except redis_errors() as error:
        report_failure(backend, error, write=False)
        return None
    return generation.decode() if generation else secrets.token_hex(8)


def read_facts(*, user_id: int, round_id: int) -> tuple[str | None, dict | None]:
    """(generation, facts) in one round trip; facts is None unless all three are good."""
    backend, client = redis_client()
    if client is None:
        return None, None
    try:
        values = client.mget(_keys(backend, user_id=user_id, round_id=round_id))
    except redis_errors() as error:
        report_failure(backend, error, write=False)
        return None, None
    generation, *facts = values
    if not generation:
        return secrets.token_hex(8), None
    generation = generation.decode()
    if any(value is None or value == TOMBSTONE for value in facts):
        return generation, None
    user, seat, round_ = (json.loads(value) for value in facts)
    if not all(fact.get("g") == generation for fact in (user, seat, round_)):
        return generation, None
    return generation, {"user": user, "seat": seat, "round": round_}


def authenticated_user_id(session) -> int | None:
    """The user id the session names (no query); verified against the facts later."""
    try:
        user_id = int(session[SESSION_KEY])
    except (KeyError, TypeError, ValueError):
        return None
    if session.get(BACKEND_SESSION_KEY) not in settings.AUTHENTICATION_BACKENDS:
        return None
    return user_id


def fast_join_url(
    *, session, round_id: int, now: datetime.datetime | None = None
) -> tuple[str | None, str | None]:
    """(the BigBlueButton join URL, the generation): the URL for an enrolled participant
    from the cached facts, with the click queued; None whenever the database path must
    decide, which then keeps what it read under the generation."""
    from courses.models import EnrolmentStatus

    from . import bbb
    from .join_clicks import queue_join_click
    from .models import LiveSessionStatus
    from .services.meetings import RUNNING_TRUST_SECONDS, SCALELITE_RUNNING_TRUST_SECONDS

    user_id = authenticated_user_id(session)
    if user_id is None:
        return None, None
    generation, facts = read_facts(user_id=user_id, round_id=round_id)
    if facts is None:
        return None, generation
    user, seat, round_ = facts["user"], facts["seat"], facts["round"]
    # As django.contrib.auth.get_user: an active user whose password gave the session's hash.
    if not (user["a"] and user["p"]):
        return None, generation
    if not constant_time_compare(session.get(HASH_SESSION_KEY) or "", user["h"]):
        return None, generation
    if seat["s"] != EnrolmentStatus.ENROLLED or seat["b"]:
        return None, generation
    now = now or timezone.now()
    moment = now.timestamp()
    trust = SCALELITE_RUNNING_TRUST_SECONDS if settings.BBB_SCALELITE else RUNNING_TRUST_SECONDS
    if not (
        round_["o"] <= moment <= round_["e"]
        and round_["st"] == LiveSessionStatus.RUNNING
        and round_["ct"]
        and round_["ck"] is not None
        and 0 <= moment - round_["ck"] < trust
    ):
        return None, generation
    url = bbb.get_client().join_url(
        meeting_id=round_["m"],
        full_name=user["n"],
        role="VIEWER",
        user_id=str(user_id),
        create_time=round_["ct"],
        logout_url=round_["lo"],
        error_redirect_url=round_["er"],
        userdata={"bbb_override_default_locale": "th"},
    )
    queue_join_click(
        session_id=round_["sid"],
        user_id=user_id,
        role="VIEWER",
        create_time=round_["ct"],
        now=now,
    )
    return url, generation


# --- Writing: what the database path learnt -----------------------------------------------


def remember(*, generation: str | None, user, enrolment, round_, session, blocked: bool) -> None:
    """Keep the facts read from the database (under the generation read before them)."""
    if generation is None or enrolment is None:
        return
    backend, client = redis_client(write=True)
    if client is None:
        return
    from accounts.access import is_dla_admin, is_trainer

    from .services.common import display_name, join_page_url, session_page_url

    facts = [
        {
            "g": generation,
            "h": user.get_session_auth_hash(),
            "a": bool(user.is_active),
            "p": not (is_trainer(user) or is_dla_admin(user)),
            "n": display_name(user),
        },
        {"g": generation, "s": enrolment.status, "b": bool(blocked)},
        {
            "g": generation,
            "o": _timestamp(round_.join_opens_at),
            "e": _timestamp(round_.ends_at),
            "sid": session.pk,
            "m": session.meeting_id,
            "st": session.status,
            "ct": session.create_time_ms,
            "ck": _timestamp(session.status_checked_at),
            "lo": session_page_url(round_),
            "er": join_page_url(round_),
        },
    ]
    keys = _keys(backend, user_id=user.pk, round_id=round_.pk)
    try:
        client.eval(
            _REMEMBER,
            len(keys),
            *keys,
            generation,
            FACT_SECONDS,
            TOMBSTONE,
            *(json.dumps(fact, ensure_ascii=False) for fact in facts),
        )
    except redis_errors() as error:
        report_failure(backend, error, write=True)


# --- Invalidation -------------------------------------------------------------------------


def _bury(names: list[str]) -> None:
    backend, client = redis_client(write=True)
    if client is None:
        _lost_write()
        return
    try:
        pipe = client.pipeline(transaction=False)
        for name in names:
            pipe.set(key_for(backend, name), TOMBSTONE, ex=TOMBSTONE_SECONDS)
        pipe.execute()
    except redis_errors() as error:
        report_failure(backend, error, write=True)


def _new_generation() -> None:
    backend, client = redis_client(write=True)
    if client is None:
        _lost_write()
        return
    try:
        client.set(key_for(backend, "g"), secrets.token_hex(8))
    except redis_errors() as error:
        report_failure(backend, error, write=True)


def forget_user(user_id: int) -> None:
    """After commit: the user's hash, status, role or name may have changed."""
    transaction.on_commit(lambda: _bury([f"u:{user_id}"]))


def forget_seat(user_id: int, round_id: int) -> None:
    """After commit: the enrolment was created, changed or removed."""
    transaction.on_commit(lambda: _bury([f"s:{user_id}:{round_id}"]))


def forget_round(round_id: int) -> None:
    """After commit: the round's live session changed state."""
    transaction.on_commit(lambda: _bury([f"r:{round_id}"]))


def forget_everything() -> None:
    """After commit: a change that touches many facts (a round, a quiz, an LAO)."""
    transaction.on_commit(_new_generation)


# --- Receivers ----------------------------------------------------------------------------


def _user_saved(sender, instance, update_fields=None, **kwargs):
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return  # logging in changes no fact
    forget_user(instance.pk)


def _account_changed(sender, user_id, **kwargs):
    forget_user(user_id)


def _enrolment_saved(sender, instance, **kwargs):
    forget_seat(instance.user_id, instance.round_id)


def _live_session_saved(sender, instance, **kwargs):
    forget_round(instance.round_id)


def _many_changed(sender, **kwargs):
    forget_everything()


def _join_checks_changed(sender, user_id=None, **kwargs):
    # A check that now lets the user in needs no haste (the database path lets them in);
    # the user's facts go so their next Join asks again. Without a user: everyone.
    if user_id is None:
        forget_everything()
    else:
        forget_user(user_id)


def connect_receivers() -> None:
    """Every write that changes a fact above (``TrainingSessionsConfig.ready``)."""
    from django.contrib.auth import get_user_model
    from django.db.models.signals import post_delete, post_save

    from accounts.models import Organisation
    from accounts.signals import account_changed
    from courses.models import Enrolment, Round
    from courses.progress import join_checks_changed

    from .models import LiveSession

    user_model = get_user_model()
    for signal in (post_save, post_delete):
        uid = f"join-facts-{id(signal)}"
        signal.connect(_user_saved, sender=user_model, dispatch_uid=f"{uid}-user")
        signal.connect(_enrolment_saved, sender=Enrolment, dispatch_uid=f"{uid}-enrolment")
        signal.connect(_live_session_saved, sender=LiveSession, dispatch_uid=f"{uid}-session")
        signal.connect(_many_changed, sender=Round, dispatch_uid=f"{uid}-round")
        signal.connect(_many_changed, sender=Organisation, dispatch_uid=f"{uid}-organisation")
    account_changed.connect(_account_changed, dispatch_uid="join-facts-account")
    join_checks_changed.connect(_join_checks_changed, dispatch_uid="join-facts-checks")

"""Meetings: start (create), join, status (getMeetingInfo), end, and presence polling.

BigBlueButton is reached only through ``sessions.bbb``; its errors (``BBBError``) are left to
the caller (views show a Thai error page with a retry, tasks log and try again later).
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log

from accounts.access import is_dla_admin, is_trainer
from courses.access import can_manage_round
from courses.models import Enrolment, EnrolmentStatus, Round
from courses.progress import JoinBlocker, join_blockers

from .. import bbb
from ..evidence import our_user_id, to_ms
from ..join_clicks import queue_join_click
from ..join_facts import forget_round
from ..models import (
    AttendanceEvent,
    AttendanceEventKind,
    AttendanceSource,
    LiveSession,
    LiveSessionStatus,
)
from ..signals import room_opened
from .common import (
    SessionError,
    callback_urls,
    display_name,
    get_or_create_live_session,
    join_page_url,
    known_user_ids,
    note_meeting_instances,
    schedule_reconciliation,
    session_page_url,
    webhook_url,
)

logger = logging.getLogger(__name__)

# A session BigBlueButton told us is running is trusted this long without asking again;
# a stale join link brings the participant back through errorRedirectUrl anyway.
RUNNING_TRUST_SECONDS = 120
# Behind Scalelite a join for a meeting it no longer knows ends on a raw XML page (it never
# redirects): the state is checked again before sending anyone there once it is this old.
SCALELITE_RUNNING_TRUST_SECONDS = 10
POLL_INTERVAL_SECONDS = 60


@dataclass
class JoinDecision:
    action: str  # redirect | wait | blocked
    url: str = ""
    role: str = ""
    blockers: list[JoinBlocker] = field(default_factory=list)


def start_meeting(
    *, session: LiveSession, now: datetime.datetime | None = None
) -> bbb.CreatedMeeting:
    """Create the BBB meeting (idempotent: a running one comes back as a duplicate)."""
    client = bbb.get_client()
    sent_at = now or timezone.now()
    created = _create_or_find(client, session=session)
    new_instance = created.create_time != session.create_time_ms
    fields = ["status_checked_at"]
    session.status_checked_at = timezone.now()
    if new_instance:
        session.create_time_ms = created.create_time
        session.internal_meeting_id = created.internal_meeting_id
        # BBB stamped createTime while we waited for its answer: take the midpoint.
        midpoint = to_ms(sent_at) + (to_ms(timezone.now()) - to_ms(sent_at)) // 2
        session.clock_offset_ms = created.create_time - midpoint
        session.started_at = session.started_at or timezone.now()
        session.ended_at = None
        fields += [
            "create_time_ms",
            "internal_meeting_id",
            "clock_offset_ms",
            "started_at",
            "ended_at",
        ]
    if session.status in (LiveSessionStatus.SCHEDULED, LiveSessionStatus.ENDED):
        session.status = LiveSessionStatus.CREATED
        fields.append("status")
    session.save(update_fields=fields)
    if new_instance:
        note_meeting_instances(
            seen=[(session.pk, created.internal_meeting_id, created.create_time)]
        )
    if new_instance and settings.BBB_WEBHOOKS and not settings.BBB_SCALELITE:
        try:
            client.create_hook(callback_url=webhook_url(), meeting_id=session.meeting_id)
        except bbb.BBBError:
            logger.warning("Could not register the BBB webhook for %s", session.meeting_id)
    if new_instance:
        from ..tasks import poll_live_session_task

        session_id, round_id = session.pk, session.round_id
        transaction.on_commit(lambda: poll_live_session_task.enqueue(session_id=session_id))
        transaction.on_commit(
            lambda: room_opened.send(
                sender=LiveSession, live_session_id=session_id, round_id=round_id
            )
        )
    return created


ROOM_NAME_LIMIT = 250


def room_name(round_) -> str:
    """The room's name in BBB: "ครั้งที่ 1: <the round's title>", shortened at a space (never
    mid-word) with "…" if it is too long for BBB."""
    name = str(round_.numbered_title)
    if len(name) <= ROOM_NAME_LIMIT:
        return name
    cut = name[: ROOM_NAME_LIMIT - 1]
    if " " in cut:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip() + "…"


def _create_or_find(client: bbb.BBBClient, *, session: LiveSession) -> bbb.CreatedMeeting:
    """create, idempotent on every server: servers before 2.7 draw new random passwords on
    each create without them and answer ``idNotUnique`` for a meeting that runs; the meeting
    ID is ours, so that means "already exists" (Greenlight reads it the same way) and
    getMeetingInfo gives its instance."""
    round_ = session.round
    try:
        return client.create(
            meeting_id=session.meeting_id,
            name=room_name(round_),
            welcome=str(_("Welcome to the live session. Please keep your microphone muted.")),
            record=session.record,
            duration=round_.duration_minutes + 60,
            max_participants=round_.capacity + round_.trainers.count() + 10,
            logout_url=session_page_url(round_),
            meta=callback_urls(session),
            extra={
                "meetingKeepEvents": True,
                "meetingExpireIfNoUserJoinedInMinutes": 15,
                "guestPolicy": "ALWAYS_ACCEPT",
            },
        )
    except bbb.BBBFailed as error:
        if error.message_key != "idNotUnique":
            raise
    info = client.get_meeting_info(meeting_id=session.meeting_id)
    return bbb.CreatedMeeting(
        meeting_id=info.meeting_id,
        internal_meeting_id=info.internal_meeting_id,
        create_time=info.create_time,
        attendee_pw="",
        moderator_pw="",
        duplicate=True,
    )


_LOOK_UP = object()


def join_live_session(
    *, user, round_: Round, enrolment=_LOOK_UP, now: datetime.datetime | None = None
) -> JoinDecision:
    """Decide what pressing Join does for this user; raises SessionError or bbb.BBBError.

    The hot path (an enrolled participant, the meeting known to be running) reads the round
    with its session, the enrolment with the user's LAO, asks the join-check hooks and
    writes one event: no call to BigBlueButton at all.
    """
    now = now or timezone.now()
    session = get_or_create_live_session(round_=round_)
    if (is_trainer(user) or is_dla_admin(user)) and can_manage_round(user, round_):
        if now > round_.ends_at + datetime.timedelta(hours=2):
            raise SessionError("session_over")
        created = start_meeting(session=session, now=now)
        url = bbb.get_client().join_url(
            meeting_id=session.meeting_id,
            full_name=user.full_name_th or user.email,
            role="MODERATOR",
            user_id=str(user.pk),
            create_time=created.create_time,
            logout_url=session_page_url(round_),
            error_redirect_url=join_page_url(round_),
        )
        record_join_click(session=session, user=user, role="MODERATOR", now=now)
        return JoinDecision(action="redirect", url=url, role="MODERATOR")

    if enrolment is _LOOK_UP:
        enrolment = find_enrolment_for_join(user=user, round_id=round_.pk)
    check_enrolment(enrolment)
    if now < round_.join_opens_at:
        raise SessionError("window_not_open")
    if now > round_.ends_at or session.status == LiveSessionStatus.ENDED:
        raise SessionError("session_over")
    blockers = join_blockers(user, round_)
    if blockers:
        return JoinDecision(action="blocked", blockers=blockers)
    if not meeting_is_running(session=session, now=now):
        if session.status == LiveSessionStatus.ENDED:
            raise SessionError("session_over")  # BBB no longer knows the meeting
        return JoinDecision(action="wait")
    url = bbb.get_client().join_url(
        meeting_id=session.meeting_id,
        full_name=display_name(enrolment.user),
        role="VIEWER",
        user_id=str(user.pk),
        create_time=session.create_time_ms,
        logout_url=session_page_url(round_),
        error_redirect_url=join_page_url(round_),
        userdata={"bbb_override_default_locale": "th"},
    )
    record_join_click(session=session, user=user, role="VIEWER", now=now)
    return JoinDecision(action="redirect", url=url, role="VIEWER")


def find_enrolment_for_join(*, user, round_id: int) -> Enrolment | None:
    """The participant's enrolment with its round, live session and the user's LAO: the
    one read the Join hot path needs besides the session and user."""
    return (
        Enrolment.objects.select_related("round__live_session", "user__organisation")
        .filter(user=user, round_id=round_id)
        .first()
    )


def check_enrolment(enrolment: Enrolment | None) -> None:
    if enrolment is None:
        raise SessionError("not_enrolled")
    if enrolment.status == EnrolmentStatus.WAITLISTED:
        raise SessionError("waitlisted")
    if enrolment.status == EnrolmentStatus.CANCELLED:
        raise SessionError("cancelled")


def meeting_is_running(
    *, session: LiveSession, now: datetime.datetime, force: bool = False
) -> bool:
    """Trust a recent "running"; otherwise ask BigBlueButton (getMeetingInfo)."""
    trust = SCALELITE_RUNNING_TRUST_SECONDS if settings.BBB_SCALELITE else RUNNING_TRUST_SECONDS
    if (
        not force
        and session.status == LiveSessionStatus.RUNNING
        and session.create_time_ms
        and session.status_checked_at
        and now - session.status_checked_at < datetime.timedelta(seconds=trust)
    ):
        return True
    info = fetch_meeting_info(session=session)
    apply_meeting_info(session=session, info=info, now=now)
    return session.status == LiveSessionStatus.RUNNING


def fetch_meeting_info(*, session: LiveSession) -> bbb.MeetingInfo | None:
    """getMeetingInfo, or None when BBB no longer knows the meeting (``notFound``)."""
    try:
        return bbb.get_client().get_meeting_info(meeting_id=session.meeting_id)
    except bbb.BBBFailed as error:
        if error.message_key in ("notFound", "invalidMeetingIdentifier"):
            return None
        raise


def apply_meeting_info(
    *, session: LiveSession, info: bbb.MeetingInfo | None, now: datetime.datetime
) -> None:
    """Bring our session's status in line with what BigBlueButton says."""
    fields = {"status_checked_at": now}
    if info is None or info.has_been_forcibly_ended or (info.end_time and not info.running):
        if session.status in (LiveSessionStatus.CREATED, LiveSessionStatus.RUNNING):
            fields.update(status=LiveSessionStatus.ENDED, ended_at=now)
    else:
        if info.create_time and info.create_time != session.create_time_ms:
            fields.update(
                create_time_ms=info.create_time, internal_meeting_id=info.internal_meeting_id
            )
            note_meeting_instances(seen=[(session.pk, info.internal_meeting_id, info.create_time)])
        if info.running and session.status != LiveSessionStatus.RUNNING:
            fields.update(status=LiveSessionStatus.RUNNING, started_at=session.started_at or now)
        elif not info.running and session.status == LiveSessionStatus.SCHEDULED:
            fields.update(status=LiveSessionStatus.CREATED)
    ended_now = fields.get("status") == LiveSessionStatus.ENDED
    for name, value in fields.items():
        setattr(session, name, value)
    LiveSession.objects.filter(pk=session.pk).update(**fields)
    if set(fields) != {"status_checked_at"}:
        forget_round(session.round_id)  # Join's cached state of the meeting
    if ended_now:
        schedule_reconciliation(session=session)


def record_join_click(*, session: LiveSession, user, role: str, now: datetime.datetime) -> None:
    """Evidence that Join was pressed: queued in Redis, written in batches
    (``sessions.join_clicks``); written at once without Redis."""
    queue_join_click(
        session_id=session.pk,
        user_id=user.pk,
        role=role,
        create_time=session.create_time_ms,
        now=now,
    )


def end_live_session(*, session: LiveSession, by, now: datetime.datetime | None = None) -> None:
    """The trainer ends the meeting for everyone; BBB's own end callback follows."""
    now = now or timezone.now()
    try:
        bbb.get_client().end(meeting_id=session.meeting_id)
    except bbb.BBBFailed as error:
        if error.message_key != "notFound":
            raise
    with transaction.atomic():
        LiveSession.objects.filter(pk=session.pk).exclude(status=LiveSessionStatus.ENDED).update(
            status=LiveSessionStatus.ENDED, ended_at=now, status_checked_at=now
        )
        session.refresh_from_db()
        forget_round(session.round_id)
        log(instance=session, action="esc.training_sessions.end", user=by, data={})
        schedule_reconciliation(session=session)


# --- Polling ----------------------------------------------------------------------------------


def poll_live_session(*, session: LiveSession, now: datetime.datetime | None = None) -> bool:
    """Ask getMeetingInfo and note who is in the meeting. Returns False when BBB failed."""
    now = now or timezone.now()
    try:
        info = fetch_meeting_info(session=session)
    except bbb.BBBError as error:
        logger.warning("Poll of %s failed: %s", session.meeting_id, error)
        return False
    with transaction.atomic():
        apply_meeting_info(session=session, info=info, now=now)
        if info is not None and info.running:
            record_presence_poll(session=session, info=info, now=now)
    return True


def record_presence_poll(
    *, session: LiveSession, info: bbb.MeetingInfo, now: datetime.datetime
) -> None:
    """Extend the presence interval of everyone seen at the previous poll, open new ones."""
    attendees = {}  # our user id -> attendee (BBB's userID is the id we sent)
    for attendee in info.attendees:
        user_id = our_user_id(attendee.user_id)
        if user_id is not None and not attendee.is_moderator:
            attendees[user_id] = attendee
    known = known_user_ids(a.user_id for a in attendees.values())
    previous = session.last_polled_at
    extended: set[int] = set()
    if previous is not None and known:
        open_events = AttendanceEvent.objects.filter(
            session=session,
            source=AttendanceSource.POLL,
            kind=AttendanceEventKind.PRESENCE,
            ended_at=previous,
            user_id__in=known,
        )
        extended = set(open_events.values_list("user_id", flat=True))
        open_events.update(ended_at=now)
    AttendanceEvent.objects.bulk_create(
        AttendanceEvent(
            session=session,
            user_id=user_id,
            external_user_id=str(user_id),
            source=AttendanceSource.POLL,
            kind=AttendanceEventKind.PRESENCE,
            occurred_at=now,
            started_at=now,
            ended_at=now,
            payload={
                "fullName": attendees[user_id].full_name,
                "internalMeetingID": info.internal_meeting_id,
            },
        )
        for user_id in known - extended
    )
    session.last_polled_at = now
    LiveSession.objects.filter(pk=session.pk).update(last_polled_at=now)

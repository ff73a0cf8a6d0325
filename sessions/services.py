"""Live sessions: starting and joining BBB meetings, evidence of attendance, reconciliation.

Every write with a rule goes through a function here. BigBlueButton is reached only through
``sessions.bbb``; its errors (``BBBError``) are left to the caller (views show a Thai error
page with a retry, tasks log and try again later).
"""

from __future__ import annotations

import datetime
import hashlib
import logging
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log

from accounts.access import is_dla_admin, is_trainer
from courses.access import can_manage_round
from courses.models import Enrolment, EnrolmentStatus, Round
from courses.progress import JoinBlocker, join_blockers

from . import bbb
from .evidence import (
    AnalyticsReport,
    DashboardRow,
    MalformedCallback,
    from_ms,
    merge_intervals,
    parse_learning_dashboard,
    to_ms,
)
from .models import (
    AttendanceEvent,
    AttendanceEventKind,
    AttendanceImport,
    AttendanceRecord,
    AttendanceSource,
    AttendanceStatus,
    CallbackDelivery,
    CallbackKind,
    CallbackOutcome,
    LiveSession,
    LiveSessionStatus,
    Recording,
)
from .signals import attendance_reconciled

logger = logging.getLogger(__name__)

# A session BigBlueButton told us is running is trusted this long without asking again;
# a stale join link brings the participant back through errorRedirectUrl anyway.
RUNNING_TRUST_SECONDS = 120
POLL_INTERVAL_SECONDS = 60

# Which evidence decides, when several sources saw the same participant.
SOURCE_PRIORITY = [
    AttendanceSource.ANALYTICS,
    AttendanceSource.WEBHOOK,
    AttendanceSource.POLL,
    AttendanceSource.IMPORT,
]


class SessionError(Exception):
    """A refused action; ``code`` is stable for tests and views, ``message`` is Thai."""

    MESSAGES = {
        "not_enrolled": _("You are not enrolled in this round."),
        "waitlisted": _(
            "You are on the waiting list for this round. You can join once you get a seat."
        ),
        "cancelled": _("Your enrolment in this round was cancelled."),
        "window_not_open": _("The live session is not open yet."),
        "session_over": _("This live session is over."),
        "not_manager": _("Only the round's trainers can do this."),
        "not_running": _("The meeting is not running."),
        "invalid_status": _("Choose a valid attendance status."),
        "reason_required": _("Give a reason for the change."),
        "not_a_participant": _("This person is not enrolled in the round."),
        "self_host": _("A participant cannot watch on their own screen."),
        "import_has_errors": _("The file has errors; nothing was saved."),
        "import_already_applied": _("This file has already been imported."),
    }

    def __init__(self, code: str):
        self.code = code
        self.message = self.MESSAGES[code]
        super().__init__(code)


# --- Sessions and URLs ----------------------------------------------------------------------


def get_or_create_live_session(*, round_: Round) -> LiveSession:
    """The round's session; no query when the caller used select_related("live_session")."""
    try:
        return round_.live_session
    except LiveSession.DoesNotExist:
        session, _created = LiveSession.objects.get_or_create(round=round_)
        round_.live_session = session
        return session


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def callback_urls(session: LiveSession) -> dict[str, str]:
    """The meta_* URLs BigBlueButton calls back (no language prefix, see config/urls.py)."""
    return {
        "endCallbackUrl": absolute(
            reverse("bbb_callbacks:end", kwargs={"nonce": session.callback_nonce})
        ),
        "analytics-callback-url": absolute(reverse("bbb_callbacks:analytics")),
        "bbb-recording-ready-url": absolute(reverse("bbb_callbacks:recording_ready")),
    }


def webhook_url() -> str:
    return absolute(reverse("bbb_callbacks:webhook"))


def session_page_url(round_: Round) -> str:
    return absolute(reverse("training_sessions:detail", kwargs={"round_id": round_.pk}))


def join_page_url(round_: Round) -> str:
    return absolute(reverse("training_sessions:join", kwargs={"round_id": round_.pk}))


def display_name(user) -> str:
    """fullName in BBB: the Thai name and the LAO, so the trainer knows who is who."""
    name = user.full_name_th or user.email
    organisation = user.organisation if user.organisation_id else None
    return f"{name} ({organisation.name_th})" if organisation else name


# --- Starting and joining ---------------------------------------------------------------------


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
    round_ = session.round
    client = bbb.get_client()
    sent_at = now or timezone.now()
    created = client.create(
        meeting_id=session.meeting_id,
        name=f"{round_.programme.title[:120]} · {round_.title}"[:250]
        if round_.programme_id
        else round_.title,
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
    if new_instance and settings.BBB_WEBHOOKS:
        try:
            client.create_hook(callback_url=webhook_url(), meeting_id=session.meeting_id)
        except bbb.BBBError:
            logger.warning("Could not register the BBB webhook for %s", session.meeting_id)
    if new_instance:
        from .tasks import poll_live_session_task

        session_id = session.pk
        transaction.on_commit(lambda: poll_live_session_task.enqueue(session_id=session_id))
    return created


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
    if (
        not force
        and session.status == LiveSessionStatus.RUNNING
        and session.create_time_ms
        and session.status_checked_at
        and now - session.status_checked_at < datetime.timedelta(seconds=RUNNING_TRUST_SECONDS)
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
        if info.running and session.status != LiveSessionStatus.RUNNING:
            fields.update(status=LiveSessionStatus.RUNNING, started_at=session.started_at or now)
        elif not info.running and session.status == LiveSessionStatus.SCHEDULED:
            fields.update(status=LiveSessionStatus.CREATED)
    ended_now = fields.get("status") == LiveSessionStatus.ENDED
    for name, value in fields.items():
        setattr(session, name, value)
    LiveSession.objects.filter(pk=session.pk).update(**fields)
    if ended_now:
        schedule_reconciliation(session=session)


def record_join_click(*, session: LiveSession, user, role: str, now: datetime.datetime) -> None:
    """Evidence that Join was pressed (one INSERT on the hot path)."""
    AttendanceEvent.objects.create(
        session=session,
        user=user,
        external_user_id=str(user.pk),
        source=AttendanceSource.JOIN_REDIRECT,
        kind=AttendanceEventKind.JOIN_CLICK,
        occurred_at=now,
        payload={"role": role, "create_time": session.create_time_ms},
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
        log(instance=session, action="esc.training_sessions.end", user=by, data={})
        schedule_reconciliation(session=session)


def schedule_reconciliation(*, session: LiveSession) -> None:
    from .tasks import reconcile_attendance_task, sync_recordings_task

    session_id = session.pk
    transaction.on_commit(lambda: reconcile_attendance_task.enqueue(session_id=session_id))
    transaction.on_commit(lambda: sync_recordings_task.enqueue(session_id=session_id))


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
    attendees = {a.user_id: a for a in info.attendees if not a.is_moderator}
    known = _known_user_ids(attendees)
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
                "fullName": attendees[str(user_id)].full_name,
                "internalMeetingID": info.internal_meeting_id,
            },
        )
        for user_id in known - extended
    )
    session.last_polled_at = now
    LiveSession.objects.filter(pk=session.pk).update(last_polled_at=now)


def _known_user_ids(by_external_id: dict) -> set[int]:
    ids = {int(x) for x in by_external_id if x.isdigit()}
    if not ids:
        return set()
    return set(get_user_model().objects.filter(pk__in=ids).values_list("pk", flat=True))


# --- Callbacks ----------------------------------------------------------------------------------


def _store_callback(*, kind, session, dedupe_key, outcome, body, detail="") -> CallbackDelivery:
    return CallbackDelivery.objects.create(
        kind=kind,
        session=session,
        dedupe_key=dedupe_key,
        outcome=outcome,
        body=body,
        detail=detail[:2000],
    )


def _claim_callback(*, kind, session, dedupe_key, body) -> bool:
    """Store the callback as processed; False if one with the same key already was."""
    try:
        with transaction.atomic():
            _store_callback(
                kind=kind,
                session=session,
                dedupe_key=dedupe_key,
                outcome=CallbackOutcome.PROCESSED,
                body=body,
            )
    except IntegrityError:
        _store_callback(
            kind=kind,
            session=session,
            dedupe_key=dedupe_key,
            outcome=CallbackOutcome.DUPLICATE,
            body=body,
        )
        return False
    return True


def record_malformed_callback(*, kind: str, body: str, detail: str, session=None) -> None:
    _store_callback(
        kind=kind,
        session=session,
        dedupe_key="",
        outcome=CallbackOutcome.MALFORMED,
        body=body,
        detail=detail,
    )


def handle_end_callback(
    *, session: LiveSession, meeting_id: str, recording_marks: bool, raw: str
) -> bool:
    """BBB says the meeting ended (nonce already checked). Idempotent: True if new."""
    now = timezone.now()
    if meeting_id != session.meeting_id:
        record_malformed_callback(
            kind=CallbackKind.END, body=raw, detail="meetingID mismatch", session=session
        )
        raise MalformedCallback("meetingID does not match the session")
    if _meeting_running_again(session):
        # A late callback of an earlier instance: the trainer has started the meeting again.
        _store_callback(
            kind=CallbackKind.END,
            session=session,
            dedupe_key="",
            outcome=CallbackOutcome.DUPLICATE,
            body=raw,
            detail="late: the meeting is running again",
        )
        return False
    with transaction.atomic():
        key = f"{session.meeting_id}:{session.create_time_ms}"
        if not _claim_callback(kind=CallbackKind.END, session=session, dedupe_key=key, body=raw):
            return False
        updated = (
            LiveSession.objects.filter(pk=session.pk)
            .exclude(status=LiveSessionStatus.ENDED)
            .update(status=LiveSessionStatus.ENDED, ended_at=now, status_checked_at=now)
        )
        if updated or recording_marks:
            schedule_reconciliation(session=session)
    return True


def _meeting_running_again(session: LiveSession) -> bool:
    """The end callback names no instance: ask BBB whether the meeting runs now. When BBB
    cannot answer, the callback is believed."""
    try:
        info = fetch_meeting_info(session=session)
    except bbb.BBBError:
        return False
    return bool(info and info.running and not info.has_been_forcibly_ended)


def ingest_analytics(*, report: AnalyticsReport, raw: str) -> tuple[str, LiveSession | None]:
    """Store the analytics callback's attendees as evidence, once per meeting instance.

    Returns (outcome, session). Unknown meetings are kept but change nothing.
    """
    session = LiveSession.objects.filter(meeting_id=report.meeting_id).first()
    if session is None:
        _store_callback(
            kind=CallbackKind.ANALYTICS,
            session=None,
            dedupe_key=report.internal_meeting_id,
            outcome=CallbackOutcome.UNKNOWN_MEETING,
            body=raw,
        )
        return CallbackOutcome.UNKNOWN_MEETING, None
    with transaction.atomic():
        if not _claim_callback(
            kind=CallbackKind.ANALYTICS,
            session=session,
            dedupe_key=report.internal_meeting_id,
            body=raw,
        ):
            return CallbackOutcome.DUPLICATE, session
        offset = session.clock_offset_ms
        known = _known_user_ids({a.external_user_id: a for a in report.attendees})
        now = timezone.now()
        events = []
        for attendee in report.attendees:
            user_id = (
                int(attendee.external_user_id) if attendee.external_user_id.isdigit() else None
            )
            intervals = [[start - offset, end - offset] for start, end in attendee.intervals]
            events.append(
                AttendanceEvent(
                    session=session,
                    user_id=user_id if user_id in known else None,
                    external_user_id=attendee.external_user_id,
                    source=AttendanceSource.ANALYTICS,
                    kind=AttendanceEventKind.PRESENCE,
                    occurred_at=from_ms(report.finish_ms - offset) if report.finish_ms else now,
                    intervals=intervals,
                    minutes=attendee.duration_s // 60,
                    payload={
                        "internal_meeting_id": report.internal_meeting_id,
                        "moderator": attendee.moderator,
                        "attendee": attendee.raw,
                    },
                )
            )
        AttendanceEvent.objects.bulk_create(events, batch_size=500)
        if session.status != LiveSessionStatus.ENDED and report.internal_meeting_id == (
            session.internal_meeting_id
        ):
            LiveSession.objects.filter(pk=session.pk).update(
                status=LiveSessionStatus.ENDED, ended_at=session.ended_at or now
            )
        schedule_reconciliation(session=session)
    return CallbackOutcome.PROCESSED, session


def ingest_webhook_events(*, events: list[dict], raw: str) -> int:
    """user-joined / user-left / meeting-ended from bbb-webhooks; duplicates ignored."""
    stored = 0
    sessions = {
        s.meeting_id: s
        for s in LiveSession.objects.filter(meeting_id__in={e["meeting_id"] for e in events})
    }
    with transaction.atomic():
        for event in events:
            session = sessions.get(event["meeting_id"])
            if session is None:
                continue
            key = (
                "webhook:"
                + hashlib.sha256(
                    f"{event['internal_meeting_id']}|{event['id']}|{event['ts']}|"
                    f"{event['user'].get('internal-user-id', '')}".encode()
                ).hexdigest()
            )
            if AttendanceEvent.objects.filter(dedupe_key=key).exists():
                continue
            moment = from_ms(event["ts"] - session.clock_offset_ms)
            if event["id"] == "meeting-ended":
                if session.status != LiveSessionStatus.ENDED:
                    LiveSession.objects.filter(pk=session.pk).update(
                        status=LiveSessionStatus.ENDED, ended_at=moment
                    )
                    schedule_reconciliation(session=session)
                continue
            if event["id"] not in ("user-joined", "user-left"):
                continue
            external = str(event["user"].get("external-user-id", ""))
            user_id = int(external) if external.isdigit() else None
            if user_id is not None and user_id not in _known_user_ids({external: None}):
                user_id = None
            AttendanceEvent.objects.create(
                session=session,
                user_id=user_id,
                external_user_id=external,
                source=AttendanceSource.WEBHOOK,
                kind=AttendanceEventKind.JOINED
                if event["id"] == "user-joined"
                else AttendanceEventKind.LEFT,
                occurred_at=moment,
                payload=event["raw"],
                dedupe_key=key,
            )
            stored += 1
        _store_callback(
            kind=CallbackKind.WEBHOOK,
            session=None,
            dedupe_key=hashlib.sha256(raw.encode()).hexdigest() if stored else "",
            outcome=CallbackOutcome.PROCESSED if stored else CallbackOutcome.DUPLICATE,
            body=raw,
        )
    return stored


def handle_recording_ready(*, meeting_id: str, record_id: str, raw: str) -> str:
    """The recording-ready callback (JWT already verified). Returns the outcome."""
    session = LiveSession.objects.filter(meeting_id=meeting_id).first()
    if session is None:
        _store_callback(
            kind=CallbackKind.RECORDING_READY,
            session=None,
            dedupe_key=record_id,
            outcome=CallbackOutcome.UNKNOWN_MEETING,
            body=raw,
        )
        return CallbackOutcome.UNKNOWN_MEETING
    with transaction.atomic():
        if not _claim_callback(
            kind=CallbackKind.RECORDING_READY, session=session, dedupe_key=record_id, body=raw
        ):
            return CallbackOutcome.DUPLICATE
        Recording.objects.get_or_create(
            record_id=record_id, defaults={"session": session, "state": "processed"}
        )
        from .tasks import sync_recordings_task

        session_id = session.pk
        transaction.on_commit(lambda: sync_recordings_task.enqueue(session_id=session_id))
    return CallbackOutcome.PROCESSED


def sync_recordings(*, session: LiveSession) -> list[Recording]:
    """Fetch the session's recordings from BBB (getRecordings, any state) and store them."""
    found = bbb.get_client().get_recordings(meeting_ids=[session.meeting_id], state="any")
    stored = []
    with transaction.atomic():
        for item in found:
            playback = next((f for f in item.formats if f.type == "presentation"), None)
            playback = playback or (item.formats[0] if item.formats else None)
            recording, _created = Recording.objects.update_or_create(
                record_id=item.record_id,
                defaults={
                    "session": session,
                    "state": item.state,
                    "published": item.published,
                    "started_at": from_ms(item.start_time - session.clock_offset_ms)
                    if item.start_time
                    else None,
                    "ended_at": from_ms(item.end_time - session.clock_offset_ms)
                    if item.end_time
                    else None,
                    "playback_url": playback.url if playback else "",
                    "length_minutes": playback.length_minutes if playback else 0,
                    "formats": [
                        {"type": f.type, "url": f.url, "length": f.length_minutes}
                        for f in item.formats
                    ],
                },
            )
            stored.append(recording)
    return stored


# --- Trainer's marks ----------------------------------------------------------------------------


def _check_participant(session: LiveSession, user) -> None:
    if not Enrolment.objects.filter(
        round_id=session.round_id, user=user, status=EnrolmentStatus.ENROLLED
    ).exists():
        raise SessionError("not_a_participant")


def mark_attendance(
    *, session: LiveSession, user, status: str, reason: str, by, now=None
) -> AttendanceRecord:
    """A trainer's override (present / partial / absent / excused; "" gives the decision back
    to the evidence). A reason is required; the change is audited."""
    if not can_manage_round(by, session.round):
        raise SessionError("not_manager")
    if status not in AttendanceStatus.values and status != "":
        raise SessionError("invalid_status")
    return _record_trainer_mark(
        session=session,
        user=user,
        by=by,
        reason=reason,
        now=now,
        kind=AttendanceEventKind.MARK,
        action="esc.training_sessions.override",
        fields={"status": status},
        audit={"status": status},
        reconcile_user_ids=[user.pk],
    )


def mark_co_viewer(
    *, session: LiveSession, user, host, reason: str, by, now=None
) -> AttendanceRecord:
    """The participant watched on ``host``'s screen (several officers in one LAO office):
    they are credited with the host's presence. Audited."""
    if not can_manage_round(by, session.round):
        raise SessionError("not_manager")
    if user.pk == host.pk:
        raise SessionError("self_host")
    return _record_trainer_mark(
        session=session,
        user=user,
        by=by,
        reason=reason,
        now=now,
        kind=AttendanceEventKind.CO_VIEWER,
        action="esc.training_sessions.co_viewer",
        fields={"host_user": host},
        audit={"host": host.pk},
        reconcile_user_ids=[user.pk, host.pk],
    )


def _record_trainer_mark(
    *, session, user, by, reason, now, kind, action, fields, audit, reconcile_user_ids
) -> AttendanceRecord:
    """A trainer's manual event: stored as evidence, reconciled and audited, all at once."""
    reason = reason.strip()
    if not reason:
        raise SessionError("reason_required")
    _check_participant(session, user)
    with transaction.atomic():
        AttendanceEvent.objects.create(
            session=session,
            user=user,
            external_user_id=str(user.pk),
            source=AttendanceSource.MANUAL,
            kind=kind,
            occurred_at=now or timezone.now(),
            reason=reason,
            recorded_by=by,
            **fields,
        )
        reconcile_attendance(session=session, user_ids=reconcile_user_ids)
        record = AttendanceRecord.objects.get(session=session, user=user)
        log(
            instance=record,
            action=action,
            user=by,
            data={"participant": user.pk, **audit, "reason": reason},
        )
    return record


# --- Reconciliation ------------------------------------------------------------------------------


RECORD_FIELDS = [
    "minutes_present",
    "scheduled_minutes",
    "status",
    "decided_by",
    "first_seen_at",
    "last_seen_at",
    "overridden",
    "override_reason",
    "co_viewer_of_id",
]


def _event_intervals(event: dict) -> list[tuple[int, int]]:
    if event["intervals"]:
        return [(int(s), int(e)) for s, e in event["intervals"]]
    if event["started_at"] and event["ended_at"]:
        return [(to_ms(event["started_at"]), to_ms(event["ended_at"]))]
    return []


def compute_status(*, minutes: int, scheduled: int, present_percent: int) -> str:
    if scheduled and minutes * 100 >= scheduled * present_percent:
        return AttendanceStatus.PRESENT
    if minutes > 0:
        return AttendanceStatus.PARTIAL
    return AttendanceStatus.ABSENT


def reconcile_attendance(
    *, session: LiveSession, user_ids=None, now: datetime.datetime | None = None
) -> int:
    """Build one AttendanceRecord per participant from all the evidence. Idempotent.

    Minutes are the union of presence intervals from every source (rejoins and devices
    merge; BBB times were converted to our clock with the offset measured at create), or
    the minutes an import reported when larger. Status follows the session's rule (present
    from ``present_min_percent`` of the scheduled time); a trainer's latest mark overrides
    it; a co-viewer gets the host's presence too. Returns the number of records written.
    """
    now = now or timezone.now()
    round_ = Round.objects.get(pk=session.round_id)
    scheduled = round_.duration_minutes
    trainer_ids = set(round_.trainers.values_list("pk", flat=True))
    enrolled = set(
        Enrolment.objects.filter(round=round_, status=EnrolmentStatus.ENROLLED).values_list(
            "user_id", flat=True
        )
    )
    events = AttendanceEvent.objects.filter(session=session, user__isnull=False)
    if user_ids is not None:
        # A co-viewer's host may be anyone: load the hosts' evidence as well.
        hosts = set(
            events.filter(user_id__in=user_ids, kind=AttendanceEventKind.CO_VIEWER).values_list(
                "host_user_id", flat=True
            )
        )
        events = events.filter(user_id__in=set(user_ids) | hosts)
        enrolled &= set(user_ids)
    rows = events.order_by("created_at", "pk").values(
        "user_id",
        "source",
        "kind",
        "occurred_at",
        "started_at",
        "ended_at",
        "intervals",
        "minutes",
        "status",
        "reason",
        "host_user_id",
        "payload",
    )
    intervals: dict[int, list] = defaultdict(list)
    sources: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    imported: dict[int, int] = {}
    marks: dict[int, dict] = {}
    hosts_of: dict[int, int] = {}
    webhook_open: dict[tuple[int, str], int] = {}
    seen: set[int] = set()
    for row in rows:
        user_id = row["user_id"]
        seen.add(user_id)
        kind = row["kind"]
        if kind == AttendanceEventKind.PRESENCE:
            found = _event_intervals(row)
            intervals[user_id].extend(found)
            sources[user_id][row["source"]] += sum(e - s for s, e in found) or 1
        elif kind == AttendanceEventKind.MINUTES:
            imported[user_id] = max(imported.get(user_id, 0), row["minutes"] or 0)
            sources[user_id][row["source"]] += (row["minutes"] or 0) * 60_000 or 1
        elif kind in (AttendanceEventKind.JOINED, AttendanceEventKind.LEFT):
            internal = str(
                (row["payload"] or {})
                .get("data", {})
                .get("attributes", {})
                .get("user", {})
                .get("internal-user-id", "")
            )
            moment = to_ms(row["occurred_at"])
            if kind == AttendanceEventKind.JOINED:
                webhook_open[(user_id, internal)] = moment
            elif (user_id, internal) in webhook_open:
                start = webhook_open.pop((user_id, internal))
                intervals[user_id].append((start, moment))
                sources[user_id][AttendanceSource.WEBHOOK] += moment - start or 1
        elif kind == AttendanceEventKind.MARK:
            marks[user_id] = row
        elif kind == AttendanceEventKind.CO_VIEWER:
            hosts_of[user_id] = row["host_user_id"]
    # Webhook joins never followed by a leave last until the meeting ended (or now).
    end_ms = to_ms(session.ended_at or now)
    for (user_id, _internal), start in webhook_open.items():
        intervals[user_id].append((start, max(start, end_ms)))
        sources[user_id][AttendanceSource.WEBHOOK] += max(0, end_ms - start) or 1

    subjects = (enrolled | seen) - trainer_ids
    if user_ids is not None:
        subjects &= set(user_ids)
    existing = {
        r.user_id: r for r in AttendanceRecord.objects.filter(session=session, user_id__in=subjects)
    }
    to_create, to_update = [], []
    for user_id in subjects:
        own = list(intervals.get(user_id, []))
        host = hosts_of.get(user_id)
        if host is not None:
            own.extend(intervals.get(host, []))
        merged = merge_intervals(own)
        minutes = max(
            sum(e - s for s, e in merged) // 60_000,
            imported.get(user_id, 0),
            imported.get(host, 0) if host is not None else 0,
        )
        status = compute_status(
            minutes=minutes, scheduled=scheduled, present_percent=session.present_min_percent
        )
        used = sources.get(user_id, {})
        decided_by = next((s for s in SOURCE_PRIORITY if used.get(s)), "")
        if host is not None:
            decided_by = AttendanceSource.MANUAL
        mark = marks.get(user_id)
        overridden = bool(mark and mark["status"])
        if overridden:
            status = mark["status"]
            decided_by = AttendanceSource.MANUAL
        values = {
            "minutes_present": minutes,
            "scheduled_minutes": scheduled,
            "status": status,
            "decided_by": decided_by,
            "first_seen_at": from_ms(merged[0][0]) if merged else None,
            "last_seen_at": from_ms(merged[-1][1]) if merged else None,
            "overridden": overridden,
            "override_reason": mark["reason"] if overridden else "",
            "co_viewer_of_id": host,
        }
        record = existing.get(user_id)
        if record is None:
            to_create.append(AttendanceRecord(session=session, user_id=user_id, **values))
        elif any(getattr(record, k) != v for k, v in values.items()):
            for key, value in values.items():
                setattr(record, key, value)
            record.reconciled_at = now
            to_update.append(record)
    with transaction.atomic():
        AttendanceRecord.objects.bulk_create(to_create, batch_size=500)
        if to_update:
            AttendanceRecord.objects.bulk_update(
                to_update, [*RECORD_FIELDS, "reconciled_at"], batch_size=500
            )
        if user_ids is None:
            LiveSession.objects.filter(pk=session.pk).update(reconciled_at=now)
        transaction.on_commit(
            lambda: attendance_reconciled.send(LiveSession, session_id=session.pk)
        )
    return len(to_create) + len(to_update)


# --- Learning Dashboard import ------------------------------------------------------------------


@dataclass
class ImportRow:
    line: int
    name: str
    minutes: int | None
    user: object = None
    error: str = ""
    skipped: bool = False  # moderators


IMPORT_ERRORS = {
    "missing_name": _("The name is empty."),
    "bad_duration": _("The duration is not in the form hours:minutes:seconds."),
    "unknown_name": _("No enrolled participant has this name."),
    "ambiguous_name": _("Several enrolled participants have this name."),
    "duplicate_name": _("This name appears on more than one line."),
}


def preview_dashboard_import(*, session: LiveSession, content: str) -> list[ImportRow]:
    """Match every line to an enrolled participant by the name we sent BBB (fullName)."""
    enrolments = Enrolment.objects.filter(
        round_id=session.round_id, status=EnrolmentStatus.ENROLLED
    ).select_related("user__organisation")
    by_name: dict[str, list] = defaultdict(list)
    for enrolment in enrolments:
        user = enrolment.user
        for name in {display_name(user), user.full_name_th}:
            if name:
                by_name[" ".join(name.split())].append(user)
    rows: list[ImportRow] = []
    seen: dict[int, int] = {}
    parsed: list[DashboardRow] = parse_learning_dashboard(content)
    for item in parsed:
        row = ImportRow(line=item.line, name=item.name, minutes=item.minutes, error=item.error)
        if item.moderator:
            row.skipped = True
        elif not row.error:
            matches = {u.pk: u for u in by_name.get(" ".join(item.name.split()), [])}
            if not matches:
                row.error = "unknown_name"
            elif len(matches) > 1:
                row.error = "ambiguous_name"
            else:
                row.user = next(iter(matches.values()))
                if row.user.pk in seen:
                    row.error = "duplicate_name"
                seen[row.user.pk] = item.line
        rows.append(row)
    return rows


def apply_dashboard_import(*, attendance_import: AttendanceImport, by) -> int:
    """Save every line at once, or nothing when any line has an error."""
    session = attendance_import.session
    if not can_manage_round(by, session.round):
        raise SessionError("not_manager")
    with transaction.atomic():
        locked = AttendanceImport.objects.select_for_update().get(pk=attendance_import.pk)
        if locked.applied_at is not None:
            raise SessionError("import_already_applied")
        rows = preview_dashboard_import(session=session, content=locked.content)
        if any(row.error for row in rows):
            raise SessionError("import_has_errors")
        now = timezone.now()
        events = [
            AttendanceEvent(
                session=session,
                user=row.user,
                external_user_id=str(row.user.pk),
                source=AttendanceSource.IMPORT,
                kind=AttendanceEventKind.MINUTES,
                occurred_at=now,
                minutes=row.minutes,
                payload={"line": row.line, "name": row.name, "import": locked.pk},
                recorded_by=by,
            )
            for row in rows
            if not row.skipped
        ]
        AttendanceEvent.objects.bulk_create(events)
        locked.applied_at = now
        locked.rows_applied = len(events)
        locked.save(update_fields=["applied_at", "rows_applied"])
        reconcile_attendance(session=session)
        log(
            instance=locked,
            action="esc.training_sessions.import",
            user=by,
            data={"rows": len(events), "filename": locked.filename},
        )
    attendance_import.applied_at = locked.applied_at
    attendance_import.rows_applied = locked.rows_applied
    return len(events)


def upload_dashboard_import(
    *, session: LiveSession, filename: str, content: str, by
) -> AttendanceImport:
    if not can_manage_round(by, session.round):
        raise SessionError("not_manager")
    return AttendanceImport.objects.create(
        session=session, uploaded_by=by, filename=filename[:255], content=content
    )

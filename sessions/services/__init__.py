"""Live sessions: every write with a rule, by topic.

- ``meetings``: start (create), join, status (getMeetingInfo), end, presence polling;
- ``callbacks``: ingesting BigBlueButton's end, analytics, webhook and recording-ready calls;
- ``attendance``: a trainer's marks and the reconciliation of evidence into records;
- ``dashboard_import``: the Learning Dashboard CSV import (upload, preview, apply);
- ``recordings``: fetching the session's recordings;
- ``common``: the error class, the round's session and the URLs given to BigBlueButton.

Callers import from here (``from sessions.services import join_live_session``); the topic
modules are where the code lives.
"""

from .attendance import (
    RECORD_FIELDS,
    SOURCE_PRIORITY,
    compute_status,
    mark_attendance,
    mark_co_viewer,
    mark_from_roster,
    reconcile_attendance,
)
from .callbacks import (
    REJECTED_KEPT_PER_HOUR,
    handle_end_callback,
    handle_recording_ready,
    ingest_analytics,
    ingest_webhook_events,
    record_malformed_callback,
    record_rejected_callback,
)
from .common import (
    SessionError,
    absolute,
    callback_urls,
    display_name,
    get_or_create_live_session,
    is_known_instance,
    join_page_url,
    known_user_ids,
    note_meeting_instances,
    schedule_reconciliation,
    session_page_url,
    webhook_url,
)
from .dashboard_import import (
    IMPORT_ERRORS,
    SKIP,
    ImportRow,
    apply_dashboard_import,
    preview_dashboard_import,
    upload_dashboard_import,
)
from .follow_up import FollowUp, analytics_received, follow_up_live_session
from .meetings import (
    POLL_INTERVAL_SECONDS,
    RUNNING_TRUST_SECONDS,
    JoinDecision,
    apply_meeting_info,
    check_enrolment,
    end_live_session,
    fetch_meeting_info,
    find_enrolment_for_join,
    join_live_session,
    meeting_is_running,
    poll_live_session,
    record_join_click,
    record_presence_poll,
    start_meeting,
)
from .recordings import sync_recordings

__all__ = [
    "IMPORT_ERRORS",
    "POLL_INTERVAL_SECONDS",
    "RECORD_FIELDS",
    "REJECTED_KEPT_PER_HOUR",
    "RUNNING_TRUST_SECONDS",
    "SKIP",
    "SOURCE_PRIORITY",
    "FollowUp",
    "ImportRow",
    "JoinDecision",
    "SessionError",
    "absolute",
    "analytics_received",
    "apply_dashboard_import",
    "apply_meeting_info",
    "callback_urls",
    "check_enrolment",
    "compute_status",
    "display_name",
    "end_live_session",
    "fetch_meeting_info",
    "find_enrolment_for_join",
    "follow_up_live_session",
    "get_or_create_live_session",
    "handle_end_callback",
    "handle_recording_ready",
    "ingest_analytics",
    "ingest_webhook_events",
    "is_known_instance",
    "join_live_session",
    "join_page_url",
    "known_user_ids",
    "mark_attendance",
    "mark_co_viewer",
    "mark_from_roster",
    "meeting_is_running",
    "note_meeting_instances",
    "poll_live_session",
    "preview_dashboard_import",
    "reconcile_attendance",
    "record_join_click",
    "record_malformed_callback",
    "record_presence_poll",
    "record_rejected_callback",
    "schedule_reconciliation",
    "session_page_url",
    "start_meeting",
    "sync_recordings",
    "upload_dashboard_import",
    "webhook_url",
]

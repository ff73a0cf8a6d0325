"""Server-to-server callbacks from BigBlueButton (no language prefix, no CSRF, no login).

Each one is verified first: a call whose signature fails gets 401, changes nothing and is
kept as "rejected" (a bounded number: BBB never retries, so a server signing with another
secret must show in the admin). A verified call we cannot read gets 400 and its body is
kept (CallbackDelivery, outcome "malformed").
Replays change nothing (a processed callback is stored once per meeting instance).
"""

import logging
import re

from django.conf import settings
from django.http import HttpResponse, HttpResponseNotAllowed
from django.utils.crypto import constant_time_compare
from django.views.decorators.csrf import csrf_exempt

from . import services
from .evidence import (
    MAX_INTERNAL_ID,
    MAX_MEETING_ID,
    ForgedCallback,
    MalformedCallback,
    bounded_text,
    parse_analytics,
    parse_webhook_events,
    verify_analytics_token,
    verify_recording_token,
    verify_webhook,
)
from .models import CallbackKind, CallbackOutcome, LiveSession

logger = logging.getLogger(__name__)

NONCE = re.compile(r"[A-Za-z0-9_-]{1,64}")


def _text(status: int, message: str) -> HttpResponse:
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


def _body(request) -> str:
    return request.body.decode("utf-8", errors="replace")


@csrf_exempt
def end_callback(request, nonce: str):
    """GET <meta_endCallbackUrl>&recordingmarks=<bool>&meetingID=<external ID>."""
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    # Our nonces are URL-safe base64; anything else is not ours (and a NUL would not even
    # reach PostgreSQL).
    valid = NONCE.fullmatch(nonce) is not None
    session = LiveSession.objects.filter(callback_nonce=nonce).first() if valid else None
    if session is None or not constant_time_compare(session.callback_nonce, nonce):
        logger.warning("Forged BBB end callback (unknown nonce)")
        return _text(401, "unknown nonce")
    meeting_id = request.GET.get("meetingID", "")
    raw = request.get_full_path()
    if not meeting_id:
        services.record_malformed_callback(
            kind=CallbackKind.END, body=raw, detail="no meetingID", session=session
        )
        return _text(400, "meetingID missing")
    try:
        new = services.handle_end_callback(
            session=session,
            meeting_id=meeting_id,
            recording_marks=request.GET.get("recordingmarks") == "true",
            raw=raw,
        )
    except MalformedCallback as error:
        return _text(400, str(error))
    return _text(200, "ended" if new else "already processed")


@csrf_exempt
def analytics_callback(request):
    """POST JSON, ``Authorization: Bearer <JWT HS512>``."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        verify_analytics_token(request.headers.get("Authorization", ""), settings.BBB_SECRET)
        report = parse_analytics(request.body)
    except ForgedCallback as error:
        logger.warning("Rejected BBB analytics callback: %s", error)
        services.record_rejected_callback(
            kind=CallbackKind.ANALYTICS, body=_body(request), detail=str(error)
        )
        return _text(401, "invalid token")
    except MalformedCallback as error:
        services.record_malformed_callback(
            kind=CallbackKind.ANALYTICS, body=_body(request), detail=str(error)
        )
        return _text(400, f"malformed: {error}")
    outcome, _session = services.ingest_analytics(report=report, raw=_body(request))
    if outcome == CallbackOutcome.UNKNOWN_MEETING:
        return _text(410, "unknown meeting")
    if outcome == CallbackOutcome.DUPLICATE:
        return _text(202, "Already processed.")
    if report.set_aside:
        logger.warning(
            "BBB analytics for %s: %s attendee(s) set aside",
            report.meeting_id,
            len(report.set_aside),
        )
        return _text(202, f"Accepted; {len(report.set_aside)} attendee(s) set aside.")
    return _text(202, "Accepted.")


@csrf_exempt
def recording_ready_callback(request):
    """POST (or GET) ``signed_parameters`` = JWT HS256 or HS512 {meeting_id, record_id}."""
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    data = request.POST if request.method == "POST" else request.GET
    token = data.get("signed_parameters", "")
    try:
        claims = verify_recording_token(token, settings.BBB_SECRET)
    except ForgedCallback as error:
        logger.warning("Rejected BBB recording-ready callback: %s", error)
        services.record_rejected_callback(
            kind=CallbackKind.RECORDING_READY, body=token, detail=str(error)
        )
        return _text(401, "invalid token")
    except MalformedCallback as error:
        services.record_malformed_callback(
            kind=CallbackKind.RECORDING_READY, body=token, detail=str(error)
        )
        return _text(400, f"malformed: {error}")
    meeting_id, record_id = claims.get("meeting_id"), claims.get("record_id")
    try:
        bounded_text(meeting_id, "meeting_id", MAX_MEETING_ID)
        bounded_text(record_id, "record_id", MAX_INTERNAL_ID)
    except MalformedCallback:
        services.record_malformed_callback(
            kind=CallbackKind.RECORDING_READY, body=str(claims), detail="missing ids"
        )
        return _text(400, "meeting_id and record_id required")
    outcome = services.handle_recording_ready(
        meeting_id=meeting_id, record_id=record_id, raw=str(claims)
    )
    if outcome == CallbackOutcome.UNKNOWN_MEETING:
        return _text(410, "unknown meeting")
    return _text(202, "Accepted.")


@csrf_exempt
def webhook_callback(request):
    """bbb-webhooks: POST form domain, event=[json], timestamp; ``?checksum=`` on the URL, or
    ``Authorization: Bearer <secret>`` (its auth2_0 mode)."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    body = _body(request)
    try:
        verify_webhook(
            callback_url=services.webhook_url(),
            body=body,
            checksum=request.GET.get("checksum", ""),
            authorization=request.headers.get("Authorization", ""),
            secret=settings.BBB_SECRET,
        )
    except ForgedCallback as error:
        logger.warning("Rejected BBB webhook: %s", error)
        services.record_rejected_callback(kind=CallbackKind.WEBHOOK, body=body, detail=str(error))
        return _text(401, "invalid checksum")
    try:
        events = parse_webhook_events(request.POST.get("event", ""))
    except MalformedCallback as error:
        services.record_malformed_callback(kind=CallbackKind.WEBHOOK, body=body, detail=str(error))
        return _text(400, f"malformed: {error}")
    services.ingest_webhook_events(events=events, raw=body)
    return _text(200, "ok")

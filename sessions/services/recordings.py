"""Recordings: what BigBlueButton holds for a session, fetched and stored."""

from __future__ import annotations

from django.db import transaction

from .. import bbb
from ..evidence import from_ms
from ..models import LiveSession, Recording


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

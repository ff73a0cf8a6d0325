"""PDPA in live sessions: deleting an account scrubs the person, and only the person."""

import json
from urllib.parse import unquote_plus, urlencode

import pytest
from wagtail.models import ModelLogEntry

from accounts.services import erase_account
from courses.services import enrol_participant
from sessions import services
from sessions.models import AttendanceEvent, AttendanceRecord, CallbackDelivery
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def readable(body: str) -> str:
    """A stored body as a person reads it: URL-decoded, JSON escapes undone."""
    text = unquote_plus(body)
    return text.encode("ascii", "backslashreplace").decode("unicode_escape")


def test_deleting_an_account_scrubs_its_name_but_not_a_namesakes(live_round):
    organisation = OrganisationFactory(name_th="องค์การบริหารส่วนตำบลทดลอง")
    person = UserFactory(
        prefix="นาง", first_name="วิไลวรรณ", last_name="ศรีสุขสันต์", organisation=organisation
    )
    namesake = UserFactory(
        prefix="นางสาว", first_name="วิไลวรรณ", last_name="ทองดี", organisation=organisation
    )
    for user in (person, namesake):
        enrol_participant(user=user, round_=live_round)
    session = services.get_or_create_live_session(round_=live_round)
    attendees = [{"name": services.display_name(user)} for user in (person, namesake)]
    services.record_malformed_callback(
        kind="analytics", body=json.dumps({"attendees": attendees}), detail="no data", session=None
    )
    event = json.dumps([{"data": {"attributes": {"user": a}}} for a in attendees])
    services.record_malformed_callback(
        kind="webhook", body=urlencode({"event": event}), detail="bad", session=session
    )
    trainer = live_round.trainer
    services.mark_attendance(
        session=session, user=namesake, status="excused", reason="วิไลวรรณ ทองดี ลาป่วย", by=trainer
    )
    services.mark_co_viewer(
        session=session, user=namesake, host=person, reason="ดูจอเดียวกับวิไลวรรณ", by=trainer
    )

    erase_account(user=person)

    for body in CallbackDelivery.objects.values_list("body", flat=True):
        text = readable(body)
        assert "ศรีสุขสันต์" not in text
        assert "นางสาววิไลวรรณ ทองดี (องค์การบริหารส่วนตำบลทดลอง)" in text
    # The namesake's own mark still names her; the co-viewer mark was about the deleted
    # person (its host), so their first name goes from it.
    reasons = set(AttendanceEvent.objects.filter(user=namesake).values_list("reason", flat=True))
    assert reasons == {"วิไลวรรณ ทองดี ลาป่วย", "ดูจอเดียวกับ[erased]"}
    record = AttendanceRecord.objects.get(user=namesake)
    assert record.override_reason == "วิไลวรรณ ทองดี ลาป่วย"
    assert record.co_viewer_of == person  # the evidence still counts the host's minutes
    logged = {
        entry.action: (entry.label, entry.data["reason"])
        for entry in ModelLogEntry.objects.filter(content_type__model="attendancerecord")
    }
    assert logged == {
        "esc.training_sessions.override": (str(record), "วิไลวรรณ ทองดี ลาป่วย"),
        "esc.training_sessions.co_viewer": (str(record), "ดูจอเดียวกับ[erased]"),
    }

"""Live session details a user noticed (issue 15, item 14): the room's name is not cut
mid-word, Start opens the room in a new tab, a trainer's mark without measured minutes
shows "–", role names in Thai, and the participant's page says when the session ended."""

import datetime

import pytest

from courses.models import Round
from sessions import services
from sessions.models import LiveSessionStatus
from sessions.services.meetings import ROOM_NAME_LIMIT, room_name
from tests.factories import RoundFactory

pytestmark = pytest.mark.django_db


def test_the_room_is_named_after_the_round_and_never_cut_mid_word():
    assert room_name(RoundFactory(number=1, title="เมืองสิ่งแวดล้อมยั่งยืน")) == (
        "ครั้งที่ 1: เมืองสิ่งแวดล้อมยั่งยืน"
    )
    # The longest title a round can have (255 characters) with "ครั้งที่ 2: " in front is
    # over the limit: 11 words of 21 characters and a space each.
    title = " ".join(["การจัดเก็บข้อมูลเมือง"] * 11)
    assert len(title) <= Round._meta.get_field("title").max_length
    assert len(f"ครั้งที่ 2: {title}") > ROOM_NAME_LIMIT
    long = room_name(RoundFactory(number=2, title=title))
    assert len(long) <= ROOM_NAME_LIMIT
    assert long.endswith("การจัดเก็บข้อมูลเมือง…")


def test_start_opens_the_room_in_a_new_tab_and_roles_are_in_thai(client, live_round):
    client.force_login(live_round.trainer)
    html = client.get(f"/live/{live_round.pk}/console/").content.decode()
    start = html.split(f'action="/live/{live_round.pk}/join/"', 1)[1].split(">", 1)[0]
    assert 'target="_blank"' in start
    assert "เปิดห้องในแท็บใหม่" in html
    assert 'data-role-moderator="ผู้ดำเนินการ"' in html
    assert 'data-role-viewer="ผู้เข้าอบรม"' in html


def test_a_mark_without_measured_minutes_shows_a_dash_not_zero(client, live_round, participant):
    session = services.get_or_create_live_session(round_=live_round)
    services.mark_from_roster(
        session=session, user=participant, status="present", by=live_round.trainer
    )
    client.force_login(live_round.trainer)
    console = client.get(f"/live/{live_round.pk}/console/").content.decode()
    row = console.split(f'id="participant-{participant.pk}"', 1)[1].split("</tr>", 1)[0]
    assert "เข้าร่วมครบ · –" in row
    assert "0 นาที" not in row
    assert (
        client.get(f"/live/{live_round.pk}/console/roster/").json()["participants"][0]["minutes"]
        is None
    )
    client.force_login(participant)
    page = client.get(f"/live/{live_round.pk}/").content.decode()
    assert "0 จาก" not in page


def test_the_participants_page_says_the_session_has_ended(client, live_round, participant):
    session = services.get_or_create_live_session(round_=live_round)
    client.force_login(participant)
    assert "การอบรมสดครั้งนี้จบแล้ว" not in client.get(f"/live/{live_round.pk}/").content.decode()
    session.status = LiveSessionStatus.ENDED
    session.ended_at = live_round.starts_at + datetime.timedelta(hours=3)
    session.save()
    assert "การอบรมสดครั้งนี้จบแล้ว" in client.get(f"/live/{live_round.pk}/").content.decode()

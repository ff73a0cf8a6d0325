import datetime

import pytest
import time_machine
from django.utils import translation

from courses.services import enrol_participant
from tests.accounts.factories import ReadyParticipantFactory
from tests.factories import RoundFactory, UserFactory

pytestmark = pytest.mark.django_db

BANGKOK = datetime.timezone(datetime.timedelta(hours=7))
NOW = datetime.datetime(2026, 11, 30, 6, 0, tzinfo=BANGKOK)


@pytest.fixture(autouse=True)
def _thai():
    with translation.override("th"):
        yield


def _round(number, starts_at, capacity=10):
    return RoundFactory(
        number=number,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=3),
        join_window_minutes=30,
        capacity=capacity,
        registration_opens_at=NOW - datetime.timedelta(days=30),
        registration_closes_at=starts_at - datetime.timedelta(minutes=1),
    )


@time_machine.travel(NOW, tick=False)
def test_cards_show_status_buddhist_dates_time_left_and_cancel(client):
    user = ReadyParticipantFactory()
    upcoming = _round(1, datetime.datetime(2026, 12, 2, 9, 0, tzinfo=BANGKOK))
    open_now = _round(2, NOW + datetime.timedelta(minutes=20))
    full = _round(3, datetime.datetime(2026, 12, 16, 9, 0, tzinfo=BANGKOK), capacity=1)
    for round_ in (upcoming, open_now):
        enrol_participant(user=user, round_=round_, now=NOW)
    enrol_participant(user=UserFactory(), round_=full, now=NOW)
    enrol_participant(user=UserFactory(), round_=full, now=NOW)
    enrol_participant(user=user, round_=full, now=NOW)
    client.force_login(user)
    html = client.get("/my-training/").content.decode()
    assert html.count("training-card--round") == 3
    assert "2 ธันวาคม พ.ศ. 2569" in html
    # 2 Dec 08:30 is 2 days 2 hours 30 minutes after 30 Nov 06:00.
    assert "เปิดห้องอบรม 2 ธ.ค. 2569 08:30 น. (อีก 2 วัน 2 ชั่วโมง)" in html
    assert "เปิดห้องอบรมแล้ว เข้าร่วมได้เลย" in html
    assert "อยู่ในรายชื่อสำรอง (ลำดับที่ 2)" in html
    assert html.count("/cancel/") == 3
    assert "ออกจากรายชื่อสำรอง" in html


@time_machine.travel(NOW, tick=False)
def test_readiness_is_shown_when_something_is_missing(client):
    user = UserFactory(organisation=None)
    client.force_login(user)
    html = client.get("/my-training/").content.decode()
    assert "ยืนยันอีเมลของท่าน" in html
    assert "กรอกข้อมูลของท่านให้ครบ" in html
    assert "ให้ความยินยอมในการประมวลผลข้อมูลส่วนบุคคล" in html
    enrol_participant(user=user, round_=_round(1, NOW + datetime.timedelta(days=3)), now=NOW)
    html = client.get("/my-training/").content.decode()
    assert "ยืนยันอีเมลของท่าน" in html

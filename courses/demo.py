"""The demo programme and its four rounds, for `manage.py seed_demo`."""

import datetime

from django.utils import timezone

from .models import Enrolment, EnrolmentStatus, Programme, Round
from .services import schedule_round_reminders

ROUND_TITLES = [
    (
        "เมืองสิ่งแวดล้อมยั่งยืนกับระบบประเมินตนเอง (SAR) และการจัดการขยะ",
        "Sustainable environmental cities, the SAR self-assessment and waste",
    ),
    (
        "การจัดเก็บและบันทึกข้อมูลเมือง: น้ำ น้ำเสีย และพื้นที่สีเขียว",
        "Collecting and entering city data: water, wastewater and green space",
    ),
    (
        "สู่เมืองคาร์บอนต่ำ: การจัดทำบัญชีก๊าซเรือนกระจกระดับเมือง",
        "Towards a low-carbon city: the city greenhouse-gas inventory",
    ),
    (
        "การประเมินตนเองครบวงจรและการวางแผนพัฒนาเมือง",
        "The complete self-assessment and planning the city's development",
    ),
]


def seed_programme(trainers=(), *, has_history=lambda round_: False) -> Programme:
    """The demo programme; ``has_history(round_)`` tells a round that apps above courses
    hold records of (a live session held), whose dates a later run must keep."""
    programme, _ = Programme.objects.get_or_create(
        code="esc-2569",
        defaults={
            "title": (
                "โครงการอบรมเสริมศักยภาพเครือข่ายขับเคลื่อนเมืองสิ่งแวดล้อมยั่งยืน "
                "และจัดเก็บข้อมูลสู่เมืองคาร์บอนต่ำ ผ่านระบบออนไลน์ ครั้งที่ 1 - 4"
            ),
            "title_en": (
                "Online training for the sustainable environmental city network "
                "and low-carbon city data, rounds 1-4"
            ),
            "circular_number": "มท ๐๘๒๐.๒/ว ๑๑๑๔",
        },
    )
    # Rounds one week apart starting next week, 09:00-12:00 Bangkok time. A later run moves
    # a demo round that has ended back into the coming weeks, so the demo works on any day,
    # unless it is history someone made: a round edited in the admin or one with records
    # (``has_history``) keeps its dates.
    now = timezone.now()
    first_day = timezone.localdate(now) + datetime.timedelta(days=7)
    for number, (title, title_en) in enumerate(ROUND_TITLES, start=1):
        day = first_day + datetime.timedelta(weeks=number - 1)
        starts_at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 0)))
        schedule = _demo_schedule(starts_at, now)
        round_, created = Round.objects.get_or_create(
            programme=programme,
            number=number,
            defaults={"title": title, "title_en": title_en, "capacity": 500, **schedule},
        )
        if created and trainers:
            round_.trainers.add(*trainers)
        elif round_.ends_at < now and not (_edited_in_admin(round_) or has_history(round_)):
            Round.objects.filter(pk=round_.pk).update(**schedule)
            round_.refresh_from_db()
            schedule_round_reminders(round_=round_)
    return programme


def _demo_schedule(starts_at: datetime.datetime, now: datetime.datetime) -> dict:
    return {
        "starts_at": starts_at,
        "ends_at": starts_at + datetime.timedelta(hours=3),
        "join_window_minutes": 30,
        "registration_opens_at": now - datetime.timedelta(days=1),
        "registration_closes_at": starts_at - datetime.timedelta(hours=12),
    }


def _edited_in_admin(round_: Round) -> bool:
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import ModelLogEntry

    return ModelLogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Round),
        object_id=str(round_.pk),
        action="wagtail.edit",
    ).exists()


def move_round_to_now(programme: Programme, number: int, *, participant) -> Round:
    """Demo only (`seed_demo --round-now N`): round N started five minutes ago and lasts
    three hours, with the demo participant enrolled, so Start and Join can be tried."""
    round_ = programme.rounds.get(number=number)
    now = timezone.now()
    round_.starts_at = now - datetime.timedelta(minutes=5)
    round_.ends_at = round_.starts_at + datetime.timedelta(hours=3)
    round_.registration_opens_at = min(round_.registration_opens_at, now)
    round_.registration_closes_at = round_.ends_at
    round_.save()
    Enrolment.objects.get_or_create(
        user=participant, round=round_, defaults={"status": EnrolmentStatus.ENROLLED}
    )
    return round_

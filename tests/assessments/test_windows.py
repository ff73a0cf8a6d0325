"""Tests open when they make sense: a post-test not before its round's session starts, a
pre-test closed once it starts, unless the test is set otherwise (Quiz.session_timing)."""

import datetime
import zoneinfo

import pytest
import time_machine

from assessments.models import Attempt, QuizKind, SessionTiming
from assessments.services import AssessmentError, start_attempt
from courses.models import Enrolment, EnrolmentStatus
from tests.factories import RoundFactory, UserFactory

from .factories import make_quiz

pytestmark = pytest.mark.django_db

BANGKOK = zoneinfo.ZoneInfo("Asia/Bangkok")
STARTS = datetime.datetime(2026, 12, 9, 9, 0, tzinfo=BANGKOK)
ENDS = STARTS + datetime.timedelta(hours=3)
BEFORE = STARTS - datetime.timedelta(days=7)
DURING = STARTS + datetime.timedelta(minutes=30)
AFTER = ENDS + datetime.timedelta(minutes=5)


@pytest.fixture
def round_():
    return RoundFactory(
        number=1,
        starts_at=STARTS,
        ends_at=ENDS,
        registration_opens_at=BEFORE - datetime.timedelta(days=7),
        registration_closes_at=STARTS,
    )


@pytest.fixture
def participant(round_):
    user = UserFactory()
    Enrolment.objects.create(user=user, round=round_, status=EnrolmentStatus.ENROLLED)
    return user


def refused(user, quiz, now) -> AssessmentError:
    with pytest.raises(AssessmentError) as caught:
        start_attempt(user=user, quiz=quiz, now=now)
    return caught.value


def test_a_post_test_cannot_start_before_its_rounds_session_starts(round_, participant):
    post = make_quiz(round_, QuizKind.POST_TEST, session_timing=SessionTiming.AUTO)
    error = refused(participant, post, BEFORE)
    assert error.code == "opens_with_session"
    assert error.message == (
        "แบบทดสอบนี้เปิดพร้อมการอบรมสด ในวันที่ 9 ธ.ค. 2569 09:00 น. กรุณากลับมาอีกครั้งในเวลานั้น"
    )
    assert not Attempt.objects.exists()
    assert start_attempt(user=participant, quiz=post, now=DURING).started_at == DURING


def test_a_post_test_can_be_set_to_open_when_the_session_ends(round_, participant):
    post = make_quiz(round_, QuizKind.POST_TEST, session_timing=SessionTiming.FROM_END)
    assert refused(participant, post, DURING).code == "opens_with_session"
    assert start_attempt(user=participant, quiz=post, now=AFTER).started_at == AFTER


def test_a_post_test_closes_at_its_own_date(round_, participant):
    post = make_quiz(
        round_,
        QuizKind.POST_TEST,
        session_timing=SessionTiming.AUTO,
        closes_at=ENDS + datetime.timedelta(days=7),
    )
    assert refused(participant, post, ENDS + datetime.timedelta(days=8)).code == "closed"
    # An own opening date later than the session's start wins.
    later = make_quiz(
        round_,
        QuizKind.POST_TEST,
        session_timing=SessionTiming.AUTO,
        opens_at=ENDS + datetime.timedelta(days=1),
    )
    assert refused(participant, later, AFTER).code == "not_open_yet"


def test_a_pre_test_closes_when_the_session_starts_and_the_attempt_ends_then(round_, participant):
    pre = make_quiz(round_, QuizKind.PRE_TEST, session_timing=SessionTiming.AUTO)
    almost = STARTS - datetime.timedelta(minutes=5)
    attempt = start_attempt(user=participant, quiz=pre, now=almost)
    assert attempt.deadline == STARTS
    other = UserFactory()
    Enrolment.objects.create(user=other, round=round_, status=EnrolmentStatus.ENROLLED)
    error = refused(other, pre, DURING)
    assert error.code == "closed_with_session"
    assert "แบบทดสอบก่อนการอบรมปิดเมื่อการอบรมสดเริ่มแล้ว" in error.message


def test_a_pre_test_can_be_set_to_stay_open(round_, participant):
    pre = make_quiz(round_, QuizKind.PRE_TEST, session_timing=SessionTiming.FREE)
    assert start_attempt(user=participant, quiz=pre, now=AFTER).started_at == AFTER


def test_a_pre_test_required_before_joining_stays_open_until_the_session_ends(round_, participant):
    pre = make_quiz(
        round_, QuizKind.PRE_TEST, session_timing=SessionTiming.AUTO, required_before_join=True
    )
    assert start_attempt(user=participant, quiz=pre, now=DURING).deadline == ENDS
    other = UserFactory()
    Enrolment.objects.create(user=other, round=round_, status=EnrolmentStatus.ENROLLED)
    assert refused(other, pre, AFTER).code == "closed_with_session"


def test_a_programme_wide_post_test_follows_the_participants_last_round(round_, participant):
    round2 = RoundFactory(
        number=2,
        programme=round_.programme,
        starts_at=STARTS + datetime.timedelta(days=14),
        ends_at=ENDS + datetime.timedelta(days=14),
        registration_opens_at=BEFORE - datetime.timedelta(days=7),
        registration_closes_at=STARTS + datetime.timedelta(days=14),
    )
    post = make_quiz(round_, QuizKind.POST_TEST, session_timing=SessionTiming.AUTO)
    post.round = None
    post.save()
    # Enrolled in round 1 only: open once round 1 has started.
    assert start_attempt(user=participant, quiz=post, now=DURING).started_at == DURING
    both = UserFactory()
    for r in (round_, round2):
        Enrolment.objects.create(user=both, round=r, status=EnrolmentStatus.ENROLLED)
    assert refused(both, post, DURING).code == "opens_with_session"


def test_my_training_says_when_a_test_opens_and_that_one_is_being_taken(
    client, round_, participant
):
    pre = make_quiz(round_, QuizKind.PRE_TEST, session_timing=SessionTiming.AUTO, title="ก่อน")
    post = make_quiz(round_, QuizKind.POST_TEST, session_timing=SessionTiming.AUTO, title="หลัง")
    client.force_login(participant)
    with time_machine.travel(BEFORE, tick=False):
        start_attempt(user=participant, quiz=pre)
        html = client.get("/my-training/").content.decode()
        page = client.get(f"/tests/{post.pk}/").content.decode()
    assert "กำลังทำแบบทดสอบ" in html
    assert "กำลังอบรม" not in html
    assert "เปิดให้ทำ 9 ธ.ค. 2569 09:00 น." in html
    assert f'href="/tests/{post.pk}/"' not in html
    assert "ในวันที่ 9 ธ.ค. 2569 09:00 น." in page
    assert "เริ่มทำแบบทดสอบ" not in page

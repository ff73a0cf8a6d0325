"""A participant takes the pre-test on a phone, reloads half-way, and finishes."""

import re

import pytest
from django.test import Client
from playwright.sync_api import expect

from assessments.models import Answer, Attempt
from courses.models import Enrolment, EnrolmentStatus
from tests.factories import RoundFactory, UserFactory

from .factories import correct_ids, make_quiz

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def log_in(page, live_server, user):
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def test_a_participant_takes_the_pre_test_on_a_phone_and_resumes_after_a_reload(
    live_server, phone_page
):
    round_ = RoundFactory(number=1)
    quiz = make_quiz(round_, questions=4, time_limit_minutes=15, title="แบบทดสอบก่อนการอบรม")
    user = UserFactory()
    Enrolment.objects.create(user=user, round=round_, status=EnrolmentStatus.ENROLLED)
    page = phone_page
    log_in(page, live_server, user)

    page.goto(live_server.url + "/my-training/")
    page.get_by_role("link", name="ทำแบบทดสอบ").first.click()
    page.get_by_role("button", name="เริ่มทำแบบทดสอบ").click()
    expect(page.get_by_text("เหลือเวลา")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    attempt = Attempt.objects.get()
    questions = {q.pk: q for q in quiz.questions.prefetch_related("choices")}
    order = [questions[pk] for pk in attempt.question_order]
    # Half the questions: each answer is saved as it is tapped, without a reload.
    for question in order[:2]:
        page.locator(f"input[name='q{question.pk}'][value='{correct_ids(question)[0]}']").check()
        expect(page.locator(f"[data-saved-for='{question.pk}']")).to_have_text("บันทึกแล้ว")
    assert Answer.objects.filter(attempt=attempt).count() == 2

    page.reload()
    for question in order[:2]:
        expect(
            page.locator(f"input[name='q{question.pk}'][value='{correct_ids(question)[0]}']")
        ).to_be_checked()
    seconds_left = int(page.locator("[data-seconds-left]").get_attribute("data-seconds-left"))
    assert 0 < seconds_left < 15 * 60  # the time kept running; the attempt was not restarted
    expect(page.get_by_text("ตอบแล้ว 2 จาก 4 ข้อ")).to_be_visible()

    # The other half: one right, one wrong.
    third, fourth = order[2:]
    page.locator(f"input[name='q{third.pk}'][value='{correct_ids(third)[0]}']").check()
    wrong = next(c.pk for c in fourth.choices.all() if not c.is_correct)
    page.locator(f"input[name='q{fourth.pk}'][value='{wrong}']").check()
    page.get_by_role("button", name="ส่งคำตอบ").click()

    expect(page.get_by_role("heading", name="ผลการทดสอบ")).to_be_visible()
    expect(page.get_by_text(re.compile(r"คะแนนของท่าน: 3 จาก 4"))).to_be_visible()
    expect(page.get_by_text("75%")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert Attempt.objects.get().percent == 75

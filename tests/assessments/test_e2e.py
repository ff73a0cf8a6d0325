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


def _start(page, live_server, questions=3):
    round_ = RoundFactory(number=1)
    quiz = make_quiz(round_, questions=questions, title="แบบทดสอบก่อนการอบรม")
    user = UserFactory()
    Enrolment.objects.create(user=user, round=round_, status=EnrolmentStatus.ENROLLED)
    log_in(page, live_server, user)
    page.goto(live_server.url + f"/tests/{quiz.pk}/")
    page.get_by_role("button", name="เริ่มทำแบบทดสอบ").click()
    attempt = Attempt.objects.get()
    questions = {q.pk: q for q in quiz.questions.prefetch_related("choices")}
    return attempt, [questions[pk] for pk in attempt.question_order]


def _choose(page, question):
    page.locator(f"input[name='q{question.pk}'][value='{correct_ids(question)[0]}']").check()


def test_the_count_follows_the_saved_answers_and_submitting_early_asks_first(
    live_server, phone_page
):
    page = phone_page
    attempt, (first, second, _third) = _start(page, live_server)
    progress = page.locator(".quiz-progress")
    expect(progress).to_have_text("ตอบแล้ว 0 จาก 3 ข้อ")
    _choose(page, first)
    expect(progress).to_have_text("ตอบแล้ว 1 จาก 3 ข้อ")  # without a reload
    assert Answer.objects.filter(attempt=attempt).count() == 1

    page.get_by_role("button", name="ส่งคำตอบ").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("ส่งคำตอบทั้งที่ยังตอบไม่ครบหรือไม่")
    expect(dialog).to_contain_text("ท่านยังไม่ได้ตอบ 2 ข้อ")
    expect(dialog.get_by_text("ข้อ 2", exact=True)).to_be_visible()
    expect(dialog.get_by_text("ข้อ 3", exact=True)).to_be_visible()
    box = dialog.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 360  # fits the phone
    dialog.get_by_role("button", name="กลับไปตอบต่อ").click()
    expect(dialog).to_be_hidden()
    assert Attempt.objects.get().status == "in_progress"  # nothing was submitted

    _choose(page, second)
    expect(progress).to_have_text("ตอบแล้ว 2 จาก 3 ข้อ")
    page.get_by_role("button", name="ส่งคำตอบ").click()
    expect(dialog).to_contain_text("ท่านยังไม่ได้ตอบ 1 ข้อ")
    dialog.get_by_role("button", name="ส่งคำตอบเลย").click()
    expect(page.get_by_role("heading", name="ผลการทดสอบ")).to_be_visible()
    attempt.refresh_from_db()
    assert attempt.status == "submitted"
    assert attempt.score == 2


def test_without_javascript_submitting_early_asks_on_the_page(live_server, browser):
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, locale="th-TH", java_script_enabled=False
    )
    page = context.new_page()
    attempt, (first, _second) = _start(page, live_server, questions=2)
    _choose(page, first)
    page.get_by_role("button", name="ส่งคำตอบ").click()
    confirm = page.locator("#quiz-confirm")
    expect(confirm).to_contain_text("ท่านยังไม่ได้ตอบ 1 ข้อ")
    expect(page.locator(".quiz-progress")).to_have_text("ตอบแล้ว 1 จาก 2 ข้อ")
    confirm.get_by_role("button", name="ส่งคำตอบเลย").click()
    expect(page.get_by_role("heading", name="ผลการทดสอบ")).to_be_visible()
    attempt.refresh_from_db()
    assert attempt.status == "submitted"
    context.close()

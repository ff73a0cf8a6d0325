import datetime
import re

import pytest
import time_machine
from django.utils import timezone

from assessments.models import (
    Answer,
    Attempt,
    AttemptStatus,
    Layout,
    QuestionKind,
    QuizKind,
    Review,
)
from assessments.services import AssessmentError, save_answer, start_attempt, submit_attempt
from courses.models import Enrolment, EnrolmentStatus
from tests.factories import RoundFactory, UserFactory

from .factories import correct_ids, make_question, make_quiz, wrong_ids

pytestmark = pytest.mark.django_db


@pytest.fixture
def round_():
    return RoundFactory(number=1)


@pytest.fixture
def participant(round_):
    user = UserFactory()
    Enrolment.objects.create(user=user, round=round_, status=EnrolmentStatus.ENROLLED)
    return user


def questions_in_order(attempt):
    by_pk = {q.pk: q for q in attempt.quiz.questions.prefetch_related("choices")}
    return [by_pk[pk] for pk in attempt.question_order]


def test_answers_are_kept_and_the_attempt_resumes_with_the_time_left(client, round_, participant):
    quiz = make_quiz(round_, questions=4, time_limit_minutes=20)
    client.force_login(participant)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        response = client.post(f"/tests/{quiz.pk}/start/")
    attempt = Attempt.objects.get()
    assert response.url == f"/tests/attempts/{attempt.pk}/"
    first, second, *_ = questions_in_order(attempt)
    with time_machine.travel(start + datetime.timedelta(minutes=5), tick=False):
        reply = client.post(
            f"/tests/attempts/{attempt.pk}/answer/",
            {"question": first.pk, "choice": correct_ids(first)},
        )
        assert reply.json() == {"ok": True, "seconds_left": 15 * 60}
        # The form without JavaScript saves too.
        client.post(
            f"/tests/attempts/{attempt.pk}/",
            {"shown": [second.pk], f"q{second.pk}": wrong_ids(second)[0], "action": "save"},
        )
    # The connection drops; seven minutes later the page is opened again.
    with time_machine.travel(start + datetime.timedelta(minutes=12, seconds=30), tick=False):
        assert client.post(f"/tests/{quiz.pk}/start/").url == f"/tests/attempts/{attempt.pk}/"
        html = client.get(f"/tests/attempts/{attempt.pk}/").content.decode()
    assert 'data-seconds-left="450"' in html
    assert "7:30" in html
    checked = set(re.findall(r'name="q(\d+)" value="(\d+)" checked', html))
    assert checked == {
        (str(first.pk), str(correct_ids(first)[0])),
        (str(second.pk), str(wrong_ids(second)[0])),
    }
    assert "ตอบแล้ว 2 จาก 4" in html


def test_answers_after_the_deadline_and_grace_are_not_counted(round_, participant):
    quiz = make_quiz(round_, questions=2, time_limit_minutes=10)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        attempt = start_attempt(user=participant, quiz=quiz)
    first, second = questions_in_order(attempt)
    with time_machine.travel(start + datetime.timedelta(minutes=10, seconds=20), tick=False):
        save_answer(  # within the 30-second grace
            user=participant,
            attempt_id=attempt.pk,
            question_id=first.pk,
            choice_ids=correct_ids(first),
        )
    with time_machine.travel(start + datetime.timedelta(minutes=11), tick=False):
        with pytest.raises(AssessmentError) as error:
            save_answer(
                user=participant,
                attempt_id=attempt.pk,
                question_id=second.pk,
                choice_ids=correct_ids(second),
            )
        assert error.value.code == "deadline_passed"
        outcome = submit_attempt(
            user=participant,
            attempt_id=attempt.pk,
            answers={second.pk: correct_ids(second)},
        )
    assert outcome.late is True
    attempt.refresh_from_db()
    assert attempt.percent == 50
    assert attempt.submitted_at == attempt.deadline
    assert Answer.objects.get(attempt=attempt, question=second).choice_ids == []


def test_an_expired_attempt_is_graded_when_the_participant_comes_back(client, round_, participant):
    quiz = make_quiz(round_, questions=2, time_limit_minutes=10)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        attempt = start_attempt(user=participant, quiz=quiz)
    client.force_login(participant)
    with time_machine.travel(start + datetime.timedelta(hours=1), tick=False):
        response = client.get(f"/tests/attempts/{attempt.pk}/")
    assert response.url == f"/tests/attempts/{attempt.pk}/result/"
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.SUBMITTED
    assert attempt.percent == 0


def test_a_double_submit_changes_nothing(client, round_, participant):
    quiz = make_quiz(round_, questions=2)
    attempt = start_attempt(user=participant, quiz=quiz)
    first, second = questions_in_order(attempt)
    first_outcome = submit_attempt(
        user=participant,
        attempt_id=attempt.pk,
        answers={first.pk: correct_ids(first), second.pk: correct_ids(second)},
    )
    again = submit_attempt(
        user=participant,
        attempt_id=attempt.pk,
        answers={first.pk: wrong_ids(first)[:1], second.pk: wrong_ids(second)[:1]},
    )
    assert again.repeated is True
    attempt.refresh_from_db()
    assert attempt.percent == 100
    assert attempt.submitted_at == first_outcome.attempt.submitted_at
    assert set(Answer.objects.values_list("credit", flat=True)) == {1}
    # The browser's second click on the form lands on the result, unchanged.
    client.force_login(participant)
    response = client.post(
        f"/tests/attempts/{attempt.pk}/",
        {"shown": [first.pk], f"q{first.pk}": wrong_ids(first)[0], "action": "submit"},
    )
    assert response.url == f"/tests/attempts/{attempt.pk}/result/"
    attempt.refresh_from_db()
    assert attempt.percent == 100
    with pytest.raises(AssessmentError) as error:
        save_answer(user=participant, attempt_id=attempt.pk, question_id=first.pk, choice_ids=[])
    assert error.value.code == "already_submitted"


def test_shuffled_order_is_stable_within_an_attempt(client, round_, participant):
    quiz = make_quiz(round_, questions=8, shuffle_questions=True, shuffle_choices=True)
    attempt = start_attempt(user=participant, quiz=quiz)
    client.force_login(participant)
    pages = [client.get(f"/tests/attempts/{attempt.pk}/").content.decode() for _ in range(2)]
    order = [re.findall(r'name="q(\d+)" value="(\d+)"', page) for page in pages]
    assert order[0] == order[1]
    assert [int(q) for q, _ in order[0][::4]] == attempt.question_order
    assert sorted(attempt.question_order) == sorted(quiz.questions.values_list("pk", flat=True))


def test_result_page_in_thai_shows_what_the_quiz_allows(client, round_, participant):
    quiz = make_quiz(round_, QuizKind.POST_TEST, questions=1, review=Review.EXPLANATIONS)
    question = quiz.questions.get()
    question.explanation = "เพราะเป็นข้อมูลพื้นฐานของเมือง"
    question.save()
    attempt = start_attempt(user=participant, quiz=quiz)
    submit_attempt(
        user=participant, attempt_id=attempt.pk, answers={question.pk: correct_ids(question)}
    )
    client.force_login(participant)
    html = client.get(f"/tests/attempts/{attempt.pk}/result/").content.decode()
    assert "คะแนนของท่าน: 1 จาก 1" in html
    assert "ผ่าน" in html
    assert "เพราะเป็นข้อมูลพื้นฐานของเมือง" in html
    quiz.review = Review.SCORE
    quiz.save()
    html = client.get(f"/tests/attempts/{attempt.pk}/result/").content.decode()
    assert "เพราะเป็นข้อมูลพื้นฐานของเมือง" not in html


def test_correct_answers_wait_until_no_attempt_is_left(client, round_, participant):
    quiz = make_quiz(
        round_, QuizKind.POST_TEST, questions=1, review=Review.EXPLANATIONS, max_attempts=2
    )
    question = quiz.questions.get()
    question.explanation = "เพราะเป็นข้อมูลพื้นฐานของเมือง"
    question.save()
    client.force_login(participant)
    first = start_attempt(user=participant, quiz=quiz)
    submit_attempt(
        user=participant, attempt_id=first.pk, answers={question.pk: wrong_ids(question)[:1]}
    )
    html = client.get(f"/tests/attempts/{first.pk}/result/").content.decode()
    assert "เพราะเป็นข้อมูลพื้นฐานของเมือง" not in html  # it would give the second try away
    assert "คำตอบที่ถูกต้องจะแสดงเมื่อ" in html
    second = start_attempt(user=participant, quiz=quiz)
    submit_attempt(
        user=participant, attempt_id=second.pk, answers={question.pk: wrong_ids(question)[:1]}
    )
    for attempt in (first, second):
        html = client.get(f"/tests/attempts/{attempt.pk}/result/").content.decode()
        assert "เพราะเป็นข้อมูลพื้นฐานของเมือง" in html


def test_one_question_per_screen_moves_on_and_saves(client, round_, participant):
    quiz = make_quiz(round_, questions=3, layout=Layout.ONE)
    attempt = start_attempt(user=participant, quiz=quiz)
    first = questions_in_order(attempt)[0]
    client.force_login(participant)
    html = client.get(f"/tests/attempts/{attempt.pk}/").content.decode()
    assert html.count('name="shown"') == 1
    response = client.post(
        f"/tests/attempts/{attempt.pk}/",
        {"q": "1", "shown": [first.pk], f"q{first.pk}": correct_ids(first)[0], "action": "next"},
    )
    assert response.url == f"/tests/attempts/{attempt.pk}/?q=2"
    assert Answer.objects.get().choice_ids == correct_ids(first)


# --- Bad input: a Thai message, nothing recorded ------------------------------------


def test_a_choice_of_another_question_is_refused(client, round_, participant):
    quiz = make_quiz(round_, questions=2)
    attempt = start_attempt(user=participant, quiz=quiz)
    first, second = questions_in_order(attempt)
    client.force_login(participant)
    reply = client.post(
        f"/tests/attempts/{attempt.pk}/answer/",
        {"question": first.pk, "choice": correct_ids(second)},
    )
    assert reply.status_code == 400
    assert reply.json()["message"] == "ตัวเลือกนี้ไม่ใช่ของคำถามข้อนี้ จึงไม่ได้บันทึก"
    # A question of another quiz, or garbage.
    other = make_question(make_quiz(round_, questions=0))
    for data in ({"question": other.pk, "choice": correct_ids(other)}, {"question": "x"}):
        assert client.post(f"/tests/attempts/{attempt.pk}/answer/", data).status_code == 400
    # Two choices for a single-choice question.
    reply = client.post(
        f"/tests/attempts/{attempt.pk}/answer/", {"question": first.pk, "choice": wrong_ids(first)}
    )
    assert reply.json()["code"] == "one_choice_only"
    assert not Answer.objects.exists()


def test_another_users_attempt_or_a_tampered_id_is_not_found(client, round_, participant):
    quiz = make_quiz(round_, questions=1)
    attempt = start_attempt(user=participant, quiz=quiz)
    question = quiz.questions.get()
    intruder = UserFactory()
    Enrolment.objects.create(user=intruder, round=round_, status=EnrolmentStatus.ENROLLED)
    client.force_login(intruder)
    for url in ("", "result/"):
        assert client.get(f"/tests/attempts/{attempt.pk}/{url}").status_code == 404
    answer = {"question": question.pk, "choice": correct_ids(question)}
    assert client.post(f"/tests/attempts/{attempt.pk}/answer/", answer).status_code == 404
    assert client.post(f"/tests/attempts/{attempt.pk + 999}/answer/", answer).status_code == 404
    with pytest.raises(AssessmentError) as error:
        submit_attempt(user=intruder, attempt_id=attempt.pk, answers={})
    assert error.value.code == "not_found"
    with pytest.raises(AssessmentError):
        submit_attempt(user=participant, attempt_id="1; drop", answers={})
    assert not Answer.objects.exists()
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.IN_PROGRESS


def test_starting_beyond_the_attempts_allowed_is_refused(client, round_, participant):
    quiz = make_quiz(round_, questions=1, max_attempts=1)
    attempt = start_attempt(user=participant, quiz=quiz)
    submit_attempt(user=participant, attempt_id=attempt.pk, answers={})
    client.force_login(participant)
    response = client.post(f"/tests/{quiz.pk}/start/", follow=True)
    assert "ท่านทำแบบทดสอบนี้ครบจำนวนครั้งที่กำหนดแล้ว" in response.content.decode()
    assert Attempt.objects.count() == 1


def test_a_quiz_outside_its_window_or_for_others_cannot_be_started(round_, participant):
    now = timezone.now()
    early = make_quiz(round_, questions=1, opens_at=now + datetime.timedelta(days=1))
    late = make_quiz(round_, questions=1, closes_at=now - datetime.timedelta(days=1))
    elsewhere = make_quiz(RoundFactory(number=2), questions=1)
    for quiz, code in ((early, "not_open_yet"), (late, "closed"), (elsewhere, "not_enrolled")):
        with pytest.raises(AssessmentError) as error:
            start_attempt(user=participant, quiz=quiz)
        assert error.value.code == code
    assert not Attempt.objects.exists()


def test_a_quiz_page_of_another_round_is_not_found(client, participant):
    quiz = make_quiz(RoundFactory(number=2), questions=1)
    client.force_login(participant)
    assert client.get(f"/tests/{quiz.pk}/").status_code == 404
    assert client.post(f"/tests/{quiz.pk}/start/").status_code == 404


def test_multiple_choice_partial_credit_is_stored_per_answer(round_, participant):
    quiz = make_quiz(round_, questions=0)
    question = make_question(quiz, kind=QuestionKind.MULTIPLE, correct=2, wrong=2, points=2)
    attempt = start_attempt(user=participant, quiz=quiz)
    chosen = correct_ids(question)[:1]
    outcome = submit_attempt(user=participant, attempt_id=attempt.pk, answers={question.pk: chosen})
    assert Answer.objects.get().credit == 0.5
    assert (outcome.attempt.score, outcome.attempt.percent) == (1, 50)


def test_a_question_with_an_image_shows_it(client, round_, participant):
    from wagtail_factories import ImageFactory

    quiz = make_quiz(round_, questions=1)
    question = quiz.questions.get()
    question.image = ImageFactory(title="แผนผังขอบเขตก๊าซเรือนกระจก")
    question.save()
    attempt = start_attempt(user=participant, quiz=quiz)
    client.force_login(participant)
    html = client.get(f"/tests/attempts/{attempt.pk}/").content.decode()
    assert 'class="quiz-question__image"' in html
    assert 'alt="แผนผังขอบเขตก๊าซเรือนกระจก"' in html


def test_the_plain_form_after_the_deadline_says_so_in_thai_and_shows_the_result(
    client, round_, participant
):
    quiz = make_quiz(round_, questions=2, time_limit_minutes=5)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        attempt = start_attempt(user=participant, quiz=quiz)
    first = questions_in_order(attempt)[0]
    client.force_login(participant)
    with time_machine.travel(start + datetime.timedelta(minutes=6), tick=False):
        response = client.post(
            f"/tests/attempts/{attempt.pk}/",
            {"shown": [first.pk], f"q{first.pk}": correct_ids(first)[0], "action": "submit"},
            follow=True,
        )
    html = response.content.decode()
    assert "หมดเวลาทำแบบทดสอบแล้ว คำตอบที่ให้หลังหมดเวลาจะไม่ถูกนับ" in html
    assert "คะแนนของท่าน: 0 จาก 2" in html
    assert not Answer.objects.filter(attempt=attempt, credit__gt=0).exists()


def test_submitting_with_unanswered_questions_asks_first_without_javascript(
    client, round_, participant
):
    quiz = make_quiz(round_, questions=3)
    attempt = start_attempt(user=participant, quiz=quiz)
    first, second, third = questions_in_order(attempt)
    client.force_login(participant)
    url = f"/tests/attempts/{attempt.pk}/"
    response = client.post(
        url,
        {
            "shown": [first.pk, second.pk, third.pk],
            f"q{first.pk}": correct_ids(first)[0],
            "action": "submit",
        },
    )
    assert response.url == f"{url}?confirm=1"
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.IN_PROGRESS  # not finalised
    assert Answer.objects.get(attempt=attempt).question == first  # but the answer is kept
    html = client.get(response.url).content.decode()
    assert 'id="quiz-confirm"' in html  # the page's own section, not the script's dialog
    assert "ส่งคำตอบทั้งที่ยังตอบไม่ครบหรือไม่" in html
    assert "ยังไม่ได้ตอบ 2 ข้อ" in html
    assert f'href="#question-{second.pk}">ข้อ 2</a>' in html
    assert f'href="#question-{third.pk}">ข้อ 3</a>' in html
    assert "ตอบแล้ว 1 จาก 3 ข้อ" in html
    # The page without ?confirm=1 (or once every question is answered) does not ask.
    assert 'id="quiz-confirm"' not in client.get(url).content.decode()

    response = client.post(url, {"action": "submit", "confirmed": "1"})
    assert response.url == f"{url}result/"
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.SUBMITTED
    assert attempt.score == 1


def test_one_question_per_screen_asks_until_every_question_is_answered(client, round_, participant):
    quiz = make_quiz(round_, questions=2, layout=Layout.ONE)
    attempt = start_attempt(user=participant, quiz=quiz)
    first, second = questions_in_order(attempt)
    save_answer(
        user=participant, attempt_id=attempt.pk, question_id=first.pk, choice_ids=[]
    )  # an answer cleared again counts as unanswered
    client.force_login(participant)
    url = f"/tests/attempts/{attempt.pk}/"
    response = client.post(
        url,
        {"shown": [second.pk], f"q{second.pk}": wrong_ids(second)[0], "action": "submit", "q": 2},
    )
    assert response.url == f"{url}?confirm=1&q=2"
    html = client.get(response.url).content.decode()
    assert 'href="?q=1">ข้อ 1</a>' in html
    client.post(
        url, {"shown": [first.pk], f"q{first.pk}": correct_ids(first)[0], "action": "save", "q": 1}
    )
    response = client.post(url, {"action": "submit", "q": 2})
    assert response.url == f"{url}result/"
    attempt.refresh_from_db()
    assert attempt.percent == 50


def test_a_pre_test_shows_which_questions_were_right_without_the_answers_or_a_pass_mark(
    client, round_, participant
):
    quiz = make_quiz(round_, QuizKind.PRE_TEST, questions=2, review=Review.MARKS)
    attempt = start_attempt(user=participant, quiz=quiz)
    first, second = questions_in_order(attempt)
    first.explanation = "คำอธิบายที่ยังไม่ควรเห็น"
    first.save()
    submit_attempt(
        user=participant,
        attempt_id=attempt.pk,
        answers={first.pk: correct_ids(first), second.pk: wrong_ids(second)[:1]},
    )
    client.force_login(participant)
    html = client.get(f"/tests/attempts/{attempt.pk}/result/").content.decode()
    assert "✓ ถูก" in html and "✗ ไม่ถูก" in html
    wrong_choice = second.choices.get(pk=wrong_ids(second)[0]).text
    correct_choice = second.choices.get(pk=correct_ids(second)[0]).text
    assert wrong_choice in html  # the participant's own answer
    assert correct_choice not in html  # the post-test asks it again: no answer given away
    assert "คำอธิบายที่ยังไม่ควรเห็น" not in html
    assert "เกณฑ์ผ่าน" not in html and "ไม่ผ่าน" not in html
    quiz_page = client.get(f"/tests/{quiz.pk}/").content.decode()
    assert "เกณฑ์ผ่าน" not in quiz_page
    # The trainer's choice decides: score only shows no question.
    quiz.review = Review.SCORE
    quiz.save()
    html = client.get(f"/tests/attempts/{attempt.pk}/result/").content.decode()
    assert wrong_choice not in html and "✗ ไม่ถูก" not in html


def test_a_post_test_page_shows_its_pass_mark(client, round_, participant):
    quiz = make_quiz(round_, QuizKind.POST_TEST, questions=1, pass_percent=70)
    client.force_login(participant)
    assert "เกณฑ์ผ่าน" in client.get(f"/tests/{quiz.pk}/").content.decode()

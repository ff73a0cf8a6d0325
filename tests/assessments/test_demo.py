import pytest

from accounts.models import User
from assessments.models import Quiz, QuizKind
from courses.models import Round
from courses.services import enrol_participant

pytestmark = pytest.mark.django_db


def test_seed_demo_adds_a_thai_pre_and_post_test_of_ten_questions(demo_site):
    from django.core.management import call_command

    call_command("seed_demo", stdout=None)  # idempotent: a second run adds nothing
    quizzes = Quiz.objects.order_by("kind")
    assert sorted(quiz.kind for quiz in quizzes) == [QuizKind.POST_TEST, QuizKind.PRE_TEST]
    for quiz in quizzes:
        assert quiz.round.number == 1
        assert quiz.questions.count() == 10
        for question in quiz.questions.prefetch_related("choices"):
            assert any(choice.is_correct for choice in question.choices.all())


def test_the_demo_participant_sees_the_tests_due_and_the_trainer_the_report(client, demo_site):
    participant = User.objects.get(email="participant@example.com")
    enrol_participant(user=participant, round_=Round.objects.get(number=1))
    client.force_login(participant)
    html = client.get("/my-training/").content.decode()
    assert "แบบทดสอบก่อนการอบรม ครั้งที่ 1" in html
    assert "ยังไม่ได้ทำ" in html
    pre = Quiz.objects.get(kind=QuizKind.PRE_TEST)
    assert client.post(f"/tests/{pre.pk}/start/").status_code == 302

    client.force_login(User.objects.get(email="trainer@example.com"))
    for url in (
        "/admin/snippets/assessments/quiz/",
        f"/admin/tests/{pre.pk}/report/",
        f"/admin/snippets/assessments/quiz/edit/{pre.pk}/",
    ):
        assert client.get(url).status_code == 200, url

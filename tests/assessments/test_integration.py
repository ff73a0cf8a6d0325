import pytest

from assessments.completion import PostTestPassedCondition
from assessments.models import QuizKind
from courses.completion import completion_conditions
from courses.models import Enrolment, EnrolmentStatus
from courses.progress import join_blockers
from tests.factories import RoundFactory, UserFactory

from .factories import make_quiz
from .test_selectors import take

pytestmark = pytest.mark.django_db


def enrol(user, round_):
    Enrolment.objects.create(user=user, round=round_, status=EnrolmentStatus.ENROLLED)


def test_post_test_passed_is_offered_and_evaluated_in_bounded_queries(
    django_assert_max_num_queries,
):
    assert isinstance(completion_conditions()["post_test_passed"], PostTestPassedCondition)
    round1 = RoundFactory(number=1)
    round2 = RoundFactory(number=2, programme=round1.programme)
    round3 = RoundFactory(number=3, programme=round1.programme)
    post1 = make_quiz(round1, QuizKind.POST_TEST, questions=4)
    programme_post = make_quiz(round2, QuizKind.POST_TEST, questions=4)
    programme_post.round = None  # serves rounds 2 and 3
    programme_post.save()
    users = [UserFactory() for _ in range(6)]
    for user in users:
        enrol(user, round1)
    take(users[0], post1, 4)
    take(users[1], post1, 1)
    take(users[0], programme_post, 3)
    condition = PostTestPassedCondition()
    with django_assert_max_num_queries(3):
        outcomes = condition.evaluate(
            user_ids=[u.pk for u in users], rounds=[round1, round2, round3], params={}
        )
    assert len(outcomes) == 18
    assert outcomes[(users[0].pk, round1.pk)].met is True
    assert outcomes[(users[0].pk, round3.pk)].met is True  # the programme's post-test
    assert outcomes[(users[1].pk, round1.pk)].met is False
    assert "25%" in outcomes[(users[1].pk, round1.pk)].detail
    assert outcomes[(users[2].pk, round1.pk)].detail.endswith("ยังไม่ได้ทำ (เกณฑ์ผ่าน 60%)")
    empty = RoundFactory(number=4)
    assert condition.evaluate(user_ids=[users[0].pk], rounds=[empty], params={})[
        (users[0].pk, empty.pk)
    ].met


def test_my_training_shows_tests_due_and_results(client):
    round_ = RoundFactory(number=1)
    pre = make_quiz(round_, QuizKind.PRE_TEST, questions=4, title="แบบทดสอบก่อน ครั้งที่ 1")
    post = make_quiz(round_, QuizKind.POST_TEST, questions=4, title="แบบทดสอบหลัง ครั้งที่ 1")
    overall = make_quiz(round_, QuizKind.CHECK, questions=1, title="แบบทดสอบรวมของโครงการ")
    overall.round = None
    overall.save()
    user = UserFactory()
    enrol(user, round_)
    take(user, pre, 1)
    client.force_login(user)
    html = client.get("/my-training/").content.decode()
    assert "ทำแล้ว: 25%" in html
    assert "แบบทดสอบหลัง ครั้งที่ 1" in html and "ยังไม่ได้ทำ" in html
    assert "แบบทดสอบรวมของโครงการ" in html
    assert f"/tests/{post.pk}/" in html


def test_a_pre_test_required_before_round_one_holds_back_joining(client):
    round_ = RoundFactory(number=1)
    pre = make_quiz(round_, QuizKind.PRE_TEST, questions=2, required_before_join=True)
    user = UserFactory()
    enrol(user, round_)
    [blocker] = join_blockers(user, round_)
    assert blocker.message == "กรุณาทำแบบทดสอบก่อนการอบรมก่อนเข้าร่วมการอบรมออนไลน์ครั้งแรก"
    assert blocker.url == f"/tests/{pre.pk}/"
    take(user, pre, 0)  # taken, whatever the score
    assert join_blockers(user, round_) == []
    round2 = RoundFactory(number=2, programme=round_.programme)
    assert join_blockers(UserFactory(), round2) == []


def test_join_asks_no_query_when_no_pre_test_is_required_and_a_change_applies_at_once(
    django_assert_num_queries,
):
    round_ = RoundFactory(number=1)
    pre = make_quiz(round_, QuizKind.PRE_TEST, questions=2)
    user = UserFactory()
    enrol(user, round_)
    assert join_blockers(user, round_) == []
    with django_assert_num_queries(0):  # the 09:00 rush: answered from the cache
        assert join_blockers(user, round_) == []
    pre.required_before_join = True
    pre.save()
    [blocker] = join_blockers(user, round_)
    assert blocker.url == f"/tests/{pre.pk}/"
    pre.delete()
    assert join_blockers(user, round_) == []

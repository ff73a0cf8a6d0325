import pytest

from certificates.eligibility import eligible_user_ids, evaluate_policies, explain_eligibility
from tests.factories import ProgrammeFactory, RoundFactory, UserFactory

from .conftest import enrol
from .factories import CompletionPolicyFactory, PolicyConditionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme_rounds():
    programme = ProgrammeFactory()
    return [RoundFactory(programme=programme, number=n) for n in (1, 2, 3, 4)]


def round_policy(round_, *conditions):
    policy = CompletionPolicyFactory(programme=round_.programme, round=round_)
    for kind, params in conditions:
        PolicyConditionFactory(policy=policy, kind=kind, **params)
    return policy


def test_attendance_percent_is_met_at_80_percent_and_explained(evidence, programme_rounds):
    round_ = programme_rounds[0]  # 180 minutes
    policy = round_policy(round_, ("attendance", {"min_percent": 80}))
    present, absent = UserFactory(), UserFactory()
    enrol(present, round_)
    enrol(absent, round_)
    evidence.attend(present, round_, minutes=150)  # 83 %
    evidence.attend(absent, round_, minutes=120)  # 66 %

    yes = explain_eligibility(policy=policy, user=present)
    no = explain_eligibility(policy=policy, user=absent)

    assert yes.eligible and not yes.missing
    assert not no.eligible
    assert [check.label for check in no.missing] == ["เข้าร่วมการอบรมอย่างน้อยร้อยละ 80"]
    assert no.missing[0].detail == "เข้าร่วม 120 จาก 180 นาที (66%)"
    assert "เข้าร่วมการอบรมอย่างน้อยร้อยละ 80" in no.summary()


def test_attendance_in_minutes(evidence, programme_rounds):
    round_ = programme_rounds[0]
    policy = round_policy(round_, ("attendance", {"min_percent": None, "min_minutes": 100}))
    user = UserFactory()
    enrol(user, round_)
    evidence.attend(user, round_, minutes=99)
    assert not explain_eligibility(policy=policy, user=user).eligible
    evidence.attend(user, round_, minutes=100)
    assert explain_eligibility(policy=policy, user=user).eligible


def test_post_test_and_sandbox_exercise_must_both_be_met(evidence, programme_rounds):
    round_ = programme_rounds[1]
    policy = round_policy(
        round_,
        ("post_test_passed", {"min_percent": None}),
        ("sandbox_exercise", {"min_percent": None}),
    )
    user = UserFactory()
    enrol(user, round_)
    evidence.passed_post_test.add((user.pk, round_.pk))

    result = explain_eligibility(policy=policy, user=user)
    assert not result.eligible
    assert [(c.label, c.met) for c in result.checks] == [
        ("ผ่านแบบทดสอบหลังการอบรม", True),
        ("ทำแบบฝึกหัดในระบบทดลอง", False),
    ]
    evidence.exercises_done.add((user.pk, round_.pk))
    assert explain_eligibility(policy=policy, user=user).eligible


def test_programme_policy_counts_rounds_attended(evidence, programme_rounds):
    """'Attended at least 3 rounds': per-round outcomes aggregated over the programme."""
    programme = programme_rounds[0].programme
    policy = CompletionPolicyFactory(programme=programme, min_rounds=3)
    PolicyConditionFactory(policy=policy, kind="attendance", min_percent=80)
    three, two = UserFactory(), UserFactory()
    enrol(three, *programme_rounds)
    enrol(two, *programme_rounds)
    for round_ in programme_rounds[:3]:
        evidence.attend(three, round_)
    for round_ in programme_rounds[:2]:
        evidence.attend(two, round_)

    results = evaluate_policies([policy], [three.pk, two.pk])
    assert results[(policy.pk, three.pk)].eligible
    assert results[(policy.pk, three.pk)].rounds_completed == 3
    missing = results[(policy.pk, two.pk)]
    assert not missing.eligible
    assert (missing.rounds_completed, missing.rounds_required) == (2, 3)
    assert "ผ่านการอบรม 2 จาก 3 ครั้ง" in [check.detail for check in missing.checks]


def test_programme_policy_without_a_number_needs_every_round(evidence, programme_rounds):
    programme = programme_rounds[0].programme
    policy = CompletionPolicyFactory(programme=programme)
    PolicyConditionFactory(policy=policy, kind="attendance", min_percent=80)
    user = UserFactory()
    enrol(user, *programme_rounds)
    for round_ in programme_rounds[:3]:
        evidence.attend(user, round_)
    assert not explain_eligibility(policy=policy, user=user).eligible
    evidence.attend(user, programme_rounds[3])
    assert explain_eligibility(policy=policy, user=user).eligible


def test_programme_condition_met_once_is_enough(evidence, programme_rounds):
    """A programme post-test passed in any one round counts for the programme."""
    programme = programme_rounds[0].programme
    policy = CompletionPolicyFactory(programme=programme, min_rounds=2)
    PolicyConditionFactory(policy=policy, kind="attendance", min_percent=80)
    PolicyConditionFactory(
        policy=policy, kind="post_test_passed", min_percent=None, scope="any_round"
    )
    user = UserFactory()
    enrol(user, *programme_rounds)
    evidence.attend(user, programme_rounds[0])
    evidence.attend(user, programme_rounds[1])
    assert not explain_eligibility(policy=policy, user=user).eligible
    evidence.passed_post_test.add((user.pk, programme_rounds[3].pk))
    assert explain_eligibility(policy=policy, user=user).eligible


def test_unregistered_kind_says_so_and_is_not_eligible(programme_rounds):
    """No app provides the kind (an app not installed): a clear message, no crash."""
    round_ = programme_rounds[0]
    policy = round_policy(round_, ("field_visit", {}))
    user = UserFactory()
    enrol(user, round_)

    result = explain_eligibility(policy=policy, user=user)

    assert not result.eligible
    assert result.enrolled
    [check] = result.unavailable
    assert "field_visit" in check.detail
    assert "ยังตรวจเงื่อนไขนี้ไม่ได้" in check.detail


def test_only_enrolled_participants_can_be_eligible(evidence):
    full = RoundFactory(capacity=1)
    policy = round_policy(full)  # no conditions: everyone enrolled is eligible
    seated, waiting, stranger = UserFactory(), UserFactory(), UserFactory()
    enrol(seated, full)
    enrol(waiting, full)  # wait-listed: the round is full

    assert eligible_user_ids(policy) == [seated.pk]
    result = explain_eligibility(policy=policy, user=stranger)
    assert not result.enrolled and not result.eligible
    assert result.summary() == "ยังไม่ได้ลงทะเบียนเข้าร่วมการอบรมนี้"


def test_many_participants_take_one_evaluation_per_condition(
    evidence, programme_rounds, django_assert_max_num_queries
):
    programme = programme_rounds[0].programme
    policy = CompletionPolicyFactory(programme=programme, min_rounds=2)
    PolicyConditionFactory(policy=policy, kind="attendance", min_percent=80)
    PolicyConditionFactory(policy=policy, kind="sandbox_exercise", min_percent=None)
    users = UserFactory.create_batch(40)
    for user in users:
        enrol(user, *programme_rounds[:2])
        evidence.complete_round(user, programme_rounds[0])
        evidence.complete_round(user, programme_rounds[1])
    policy = type(policy).objects.prefetch_related("conditions").get(pk=policy.pk)

    with django_assert_max_num_queries(3):  # rounds, enrolments (+ nothing per user)
        results = evaluate_policies([policy], [user.pk for user in users])

    assert all(results[(policy.pk, user.pk)].eligible for user in users)
    assert sorted(evidence.calls) == ["attendance", "sandbox_exercise"]

from dataclasses import dataclass

import pytest

from accounts.models import LaoType, Role
from assessments.models import QuizKind
from assessments.services import start_attempt, submit_attempt
from courses.models import Enrolment, EnrolmentStatus
from tests.assessments.factories import correct_ids, make_quiz, wrong_ids
from tests.factories import OrganisationFactory, ProgrammeFactory, RoundFactory, UserFactory

from .factories import issue_certificate, record_attendance


@dataclass
class World:
    programme: object
    round_1: object
    round_2: object
    chiang_mai: list  # LAOs in province 50
    khon_kaen: list  # LAOs in province 40
    admin: object
    coordinator: object
    other_coordinator: object
    trainer_1: object
    trainer_2: object
    participant: object


def enrol(user, round_, status=EnrolmentStatus.ENROLLED):
    return Enrolment.objects.create(user=user, round=round_, status=status)


def take_test(user, quiz, right: int):
    """Answer the first ``right`` of the quiz's questions correctly, the others wrongly."""
    attempt = start_attempt(user=user, quiz=quiz)
    answers = {
        question.pk: (correct_ids if index < right else wrong_ids)(question)[:1]
        for index, question in enumerate(quiz.questions.order_by("position", "pk"))
    }
    submit_attempt(user=user, attempt_id=attempt.pk, answers=answers)


def build_world(extra_per_lao: int = 0) -> World:
    programme = ProgrammeFactory(code="oversight")
    round_1 = RoundFactory(programme=programme, number=1, title="ครั้งที่ ๑ เมืองยั่งยืน")
    round_2 = RoundFactory(programme=programme, number=2, title="ครั้งที่ ๒ ข้อมูลเมือง")
    chiang_mai = [
        OrganisationFactory(
            dla_code="5010101",
            name_th="เทศบาลนครเชียงใหม่",
            lao_type=LaoType.CITY_MUNICIPALITY,
            province_code="50",
            district_code="5001",
            phone="053-111111",
            email="cm@example.go.th",
        ),
        OrganisationFactory(
            dla_code="5020201",
            name_th="เทศบาลตำบลจอมทอง",
            lao_type=LaoType.SUBDISTRICT_MUNICIPALITY,
            province_code="50",
            district_code="5002",
        ),
        OrganisationFactory(
            dla_code="5040301",
            name_th="อบต.เมืองนะ",
            lao_type=LaoType.SAO,
            province_code="50",
            district_code="5004",
            phone="053-444444",
        ),
    ]
    khon_kaen = [
        OrganisationFactory(
            dla_code="4010101",
            name_th="เทศบาลนครขอนแก่น",
            lao_type=LaoType.CITY_MUNICIPALITY,
            province_code="40",
            district_code="4001",
        ),
        OrganisationFactory(
            dla_code="4040201",
            name_th="อบต.หนองเรือ",
            lao_type=LaoType.SAO,
            province_code="40",
            district_code="4004",
            phone="043-222222",
        ),
    ]
    trainer_1 = UserFactory(role=Role.TRAINER, organisation=None)
    trainer_2 = UserFactory(role=Role.TRAINER, organisation=None)
    round_1.trainers.add(trainer_1)
    round_2.trainers.add(trainer_2)

    # Chiang Mai city: two officers, one certified in round 1, one with a revoked certificate.
    cm_a = UserFactory(organisation=chiang_mai[0])
    cm_b = UserFactory(organisation=chiang_mai[0])
    enrol(cm_a, round_1)
    enrol(cm_b, round_1)
    enrol(cm_a, round_2)
    record_attendance(cm_a, round_1, "present")
    record_attendance(cm_b, round_1, "partial")
    issue_certificate(cm_a, round_1)
    issue_certificate(cm_b, round_1, revoked=True)
    # Tests of round 1 (pass mark 60 %): cm_a 25 % -> 100 %, cm_b 50 % -> 50 %.
    pre = make_quiz(round_1, QuizKind.PRE_TEST, questions=4)
    post = make_quiz(round_1, QuizKind.POST_TEST, questions=4)
    take_test(cm_a, pre, 1)
    take_test(cm_a, post, 4)
    take_test(cm_b, pre, 2)
    take_test(cm_b, post, 2)
    # Chom Thong: wait-listed in round 1 only.  Mueang Na: nobody.
    enrol(UserFactory(organisation=chiang_mai[1]), round_1, EnrolmentStatus.WAITLISTED)
    # Khon Kaen city: one officer, absent in round 2.  Nong Ruea: excused, cancelled later.
    kk_a = UserFactory(organisation=khon_kaen[0])
    enrol(kk_a, round_2)
    record_attendance(kk_a, round_2, "absent")
    kk_b = UserFactory(organisation=khon_kaen[1])
    enrol(kk_b, round_2, EnrolmentStatus.CANCELLED)
    record_attendance(kk_b, round_2, "excused")

    for organisation in chiang_mai + khon_kaen:
        for _ in range(extra_per_lao):
            user = UserFactory(organisation=organisation)
            enrol(user, round_1)
            record_attendance(user, round_1, "present")
            issue_certificate(user, round_1)
            take_test(user, pre, 3)
            take_test(user, post, 4)

    return World(
        programme=programme,
        round_1=round_1,
        round_2=round_2,
        chiang_mai=chiang_mai,
        khon_kaen=khon_kaen,
        admin=UserFactory(role=Role.DLA_ADMIN, organisation=None, is_staff=True),
        coordinator=UserFactory(
            role=Role.PROVINCIAL_COORDINATOR, coordinated_province_code="50", organisation=None
        ),
        other_coordinator=UserFactory(
            role=Role.PROVINCIAL_COORDINATOR, coordinated_province_code="40", organisation=None
        ),
        trainer_1=trainer_1,
        trainer_2=trainer_2,
        participant=cm_a,
    )


@pytest.fixture
def world(db) -> World:
    return build_world()

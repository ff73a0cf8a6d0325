import io
import json
from decimal import Decimal

import openpyxl
import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import LaoType, Role
from assessments.models import Choice, Question, QuestionKind, QuizKind
from courses.models import Enrolment, EnrolmentStatus
from tests.factories import OrganisationFactory, RoundFactory, UserFactory

from .factories import make_question, make_quiz
from .test_selectors import take

pytestmark = pytest.mark.django_db

HEADER = "position,kind,text,choice_1,choice_2,choice_3,choice_4,correct,points,explanation\n"


def trainer_of(round_):
    trainer = UserFactory(role=Role.TRAINER, is_staff=True)
    trainer.groups.add(Group.objects.get(name="Editors"))
    round_.trainers.add(trainer)
    return trainer


def dla_admin():
    return UserFactory(role=Role.DLA_ADMIN, is_staff=True, is_superuser=True)


def upload(client, quiz, text, name="questions.csv"):
    file = SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")
    return client.post(f"/admin/tests/{quiz.pk}/import/", {"file": file})


def test_a_trainer_imports_questions_after_a_clean_preview(client):
    round_ = RoundFactory(number=1)
    quiz = make_quiz(round_, questions=0)
    client.force_login(trainer_of(round_))
    rows = (
        HEADER
        + "1,เลือกตอบข้อเดียว,SAR มีกี่องค์ประกอบ,2,3,4,5,3,1,สี่องค์ประกอบ\n"
        + '2,multiple,ข้อใดเป็นก๊าซเรือนกระจก,CO2,CH4,O2,N2,"1,2",2,\n'
        + ",true_false,การเผาขยะกลางแจ้งลดก๊าซเรือนกระจก,,,,,2,,\n"
    )
    preview = upload(client, quiz, rows)
    html = preview.content.decode()
    assert "ไม่พบปัญหา" in html
    assert not Question.objects.exists()  # the preview saves nothing
    token = preview.context["token"]
    response = client.post(f"/admin/tests/{quiz.pk}/import/", {"token": token})
    assert response.status_code == 302
    questions = list(quiz.questions.order_by("position"))
    assert [(q.position, q.kind, q.points) for q in questions] == [
        (1, QuestionKind.SINGLE, 1),
        (2, QuestionKind.MULTIPLE, 2),
        (3, QuestionKind.TRUE_FALSE, 1),
    ]
    assert [c.text for c in questions[2].choices.all()] == ["ถูก", "ผิด"]
    assert [c.is_correct for c in questions[1].choices.all()] == [True, True, False, False]
    # Export gives the same rows back, in XLSX too.
    export = client.get(f"/admin/tests/{quiz.pk}/export/xlsx/")
    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][:4] == ["position", "kind", "text", "choice_1"]
    assert values[2][2] == "ข้อใดเป็นก๊าซเรือนกระจก"
    assert "1,2" in values[2]


def test_an_import_with_a_bad_row_saves_nothing_and_names_the_row(client):
    round_ = RoundFactory(number=1)
    quiz = make_quiz(round_, questions=0)
    client.force_login(trainer_of(round_))
    rows = (
        HEADER
        + "1,single,คำถามที่ถูกต้อง,ก,ข,ค,ง,1,1,\n"
        + "2,single,คำถามที่เฉลยผิด,ก,ข,,,5,1,\n"
        + "3,single,,ก,ข,,,1,1,\n"
    )
    html = upload(client, quiz, rows).content.decode()
    assert "มีปัญหา 2 แถว" in html
    assert "ไม่มีตัวเลือกที่ 5 ในแถวนี้" in html
    assert "คำถามไม่มีข้อความ" in html
    assert "<td>3</td>" in html and "<td>4</td>" in html  # spreadsheet lines
    assert 'name="token"' not in html
    assert not Question.objects.exists()
    assert not Choice.objects.exists()


def test_a_trainer_of_another_round_and_a_participant_get_nothing(client):
    round_ = RoundFactory(number=1)
    quiz = make_quiz(round_, questions=1)
    other_trainer = trainer_of(RoundFactory(number=2))
    client.force_login(other_trainer)
    for url in (
        f"/admin/tests/{quiz.pk}/report/",
        f"/admin/tests/{quiz.pk}/report/gain/csv/",
        f"/admin/tests/{quiz.pk}/import/",
        f"/admin/tests/{quiz.pk}/export/csv/",
        f"/admin/snippets/assessments/quiz/edit/{quiz.pk}/",
        f"/admin/snippets/assessments/question/edit/{quiz.questions.get().pk}/",
    ):
        assert client.get(url).status_code == 404, url
    listing = client.get("/admin/snippets/assessments/quiz/").content.decode()
    assert quiz.title not in listing
    participant = UserFactory()
    client.force_login(participant)
    response = client.get(f"/admin/tests/{quiz.pk}/report/")
    assert response.status_code in (302, 403, 404)
    assert quiz.title not in response.content.decode()


def test_a_trainer_of_another_round_cannot_copy_or_trace_its_questions(client):
    round_ = RoundFactory(number=1)
    quiz = make_quiz(round_, questions=1)
    question = quiz.questions.get()
    client.force_login(trainer_of(RoundFactory(number=2)))
    for model, pk in (("quiz", quiz.pk), ("question", question.pk)):
        for view in ("copy", "history", "usage"):
            url = f"/admin/snippets/assessments/{model}/{view}/{pk}/"
            response = client.get(url)
            assert response.status_code == 404, url
            assert question.text not in response.content.decode(), url
    # Nor does the chooser modal list or return them.
    listing = client.get("/admin/snippets/choose/assessments/question/")
    assert question.text not in json.dumps(listing.json(), ensure_ascii=False)
    listing = client.get("/admin/snippets/choose/assessments/quiz/")
    assert quiz.title not in json.dumps(listing.json(), ensure_ascii=False)
    chosen = f"/admin/snippets/choose/assessments/question/chosen/{question.pk}/"
    assert client.get(chosen).status_code == 404
    # The round's own trainer still reaches them.
    client.force_login(trainer_of(round_))
    for view in ("copy", "history", "usage"):
        url = f"/admin/snippets/assessments/question/{view}/{question.pk}/"
        assert client.get(url).status_code == 200, url
    assert client.get(chosen).json()["result"]["string"] == question.text
    listing = client.get("/admin/snippets/choose/assessments/quiz/")
    assert quiz.title in json.dumps(listing.json(), ensure_ascii=False)


def test_the_rounds_trainer_and_dla_open_the_quiz_pages(client):
    round_ = RoundFactory(number=1)
    quiz = make_quiz(round_, questions=2)
    for user in (trainer_of(round_), dla_admin()):
        client.force_login(user)
        for url in (
            "/admin/snippets/assessments/quiz/",
            f"/admin/snippets/assessments/quiz/edit/{quiz.pk}/",
            "/admin/snippets/assessments/question/",
            f"/admin/snippets/assessments/question/edit/{quiz.questions.first().pk}/",
            f"/admin/tests/{quiz.pk}/report/",
            f"/admin/tests/{quiz.pk}/import/",
        ):
            assert client.get(url).status_code == 200, url


def _cohort(round_, pre, post, count):
    provinces = ["50", "10"]
    for index in range(count):
        organisation = OrganisationFactory(
            province_code=provinces[index % 2],
            district_code=f"{provinces[index % 2]}01",
            lao_type=[LaoType.SAO, LaoType.TOWN_MUNICIPALITY][index % 2],
        )
        user = UserFactory(organisation=organisation)
        Enrolment.objects.create(user=user, round=round_, status=EnrolmentStatus.ENROLLED)
        take(user, pre, index % 2)  # 0 or 25
        take(user, post, 2 + index % 3)  # 50, 75 or 100


def test_the_report_pairs_pre_and_post_with_a_bounded_number_of_queries(
    client, django_assert_max_num_queries
):
    round_ = RoundFactory(number=1)
    pre = make_quiz(round_, QuizKind.PRE_TEST, questions=4)
    post = make_quiz(round_, QuizKind.POST_TEST, questions=4)
    client.force_login(trainer_of(round_))
    _cohort(round_, pre, post, 4)

    def count_queries():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/admin/tests/{post.pk}/report/").status_code == 200
        return len(captured)

    small = count_queries()
    _cohort(round_, pre, post, 12)
    with django_assert_max_num_queries(small):
        response = client.get(f"/admin/tests/{post.pk}/report/")
    report = response.context["report"]
    assert report.participants == 16
    assert report.pair_count == 16
    assert len(report.by_province) == 2
    assert {row["name"] for row in report.by_lao_type} == {
        str(LaoType.SAO.label),
        str(LaoType.TOWN_MUNICIPALITY.label),
    }
    assert report.gain_average is not None and report.gain_average > 0
    html = response.content.decode()
    assert "กรุงเทพมหานคร" in html and "เชียงใหม่" in html
    # Item analysis: the first question everybody got right on the post-test.
    first = report.items[0]
    assert first.difficulty == 1
    assert "everybody" in first.flags
    assert report.items[3].difficulty < 1
    export = client.get(f"/admin/tests/{post.pk}/report/gain/csv/").content.decode("utf-8-sig")
    assert len(export.strip().splitlines()) == 17
    items = client.get(f"/admin/tests/{post.pk}/report/items/xlsx/")
    assert items.status_code == 200
    items = client.get(f"/admin/tests/{post.pk}/report/items/csv/").content.decode("utf-8-sig")
    assert "ทุกคนตอบถูก" in items  # flags in Thai, not their codes
    assert "everybody" not in items


def test_a_trainer_sees_only_their_rounds_participants_in_a_programme_wide_test(client):
    round1 = RoundFactory(number=1)
    round2 = RoundFactory(number=2, programme=round1.programme)
    pre = make_quiz(round1, QuizKind.PRE_TEST, questions=4)
    pre.round = None
    pre.save()
    post = make_quiz(round1, QuizKind.POST_TEST, questions=4)
    post.round = None
    post.save()
    _cohort(round1, pre, post, 2)
    _cohort(round2, pre, post, 3)
    client.force_login(trainer_of(round2))
    report = client.get(f"/admin/tests/{post.pk}/report/").context["report"]
    assert report.participants == 3
    client.force_login(dla_admin())
    assert client.get(f"/admin/tests/{post.pk}/report/").context["report"].participants == 5


def test_item_analysis_flags_a_question_nobody_gets_right():
    from assessments.report import build_report

    round_ = RoundFactory(number=1)
    quiz = make_quiz(round_, questions=3)
    make_question(quiz)  # the fourth
    for right in (0, 1, 2, 3, 3):
        user = UserFactory()
        Enrolment.objects.create(user=user, round=round_, status=EnrolmentStatus.ENROLLED)
        take(user, quiz, right)
    report = build_report(quiz)
    assert [item.difficulty for item in report.items] == [
        Decimal("0.80"),
        Decimal("0.60"),
        Decimal("0.40"),
        0,
    ]
    assert report.items[3].flags == ["nobody"]
    assert report.items[0].discrimination == 1  # upper (1 attempt) right, lower wrong


def test_a_trainer_writes_a_question_with_ordered_choices_in_the_admin(client):
    from wagtail.test.utils.form_data import inline_formset, nested_form_data

    round_ = RoundFactory(number=1)
    quiz = make_quiz(round_, questions=0)
    other_quiz = make_quiz(RoundFactory(number=2), questions=0)
    client.force_login(trainer_of(round_))
    assert client.get("/admin/snippets/assessments/quiz/add/").status_code == 200

    def post(target, choices, kind="single"):
        data = nested_form_data(
            {
                "quiz": target.pk,
                "position": 1,
                "kind": kind,
                "text": "ขอบเขตใดคือการใช้ไฟฟ้าจากสายส่ง",
                "points": 1,
                "explanation": "",
                "choices": inline_formset(
                    [{"text": text, "is_correct": correct} for text, correct in choices]
                ),
            }
        )
        return client.post("/admin/snippets/assessments/question/add/", data)

    # Another round's quiz cannot be chosen; no correct choice is refused.
    response = post(other_quiz, [("ขอบเขต 1", False), ("ขอบเขต 2", True)])
    assert response.status_code == 200
    response = post(quiz, [("ขอบเขต 1", False), ("ขอบเขต 2", False)])
    assert "กรุณาระบุตัวเลือกที่ถูกต้องอย่างน้อยหนึ่งข้อ" in response.content.decode()
    assert not Question.objects.exists()
    response = post(quiz, [("ขอบเขต 1", False), ("ขอบเขต 2", True), ("ขอบเขต 3", False)])
    assert response.status_code == 302
    question = Question.objects.get()
    assert question.quiz == quiz
    assert [(c.text, c.is_correct) for c in question.choices.all()] == [
        ("ขอบเขต 1", False),
        ("ขอบเขต 2", True),
        ("ขอบเขต 3", False),
    ]

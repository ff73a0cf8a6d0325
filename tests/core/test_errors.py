"""core.errors.CodedError: one base for the errors every app's services raise."""

import pytest

from accounts.services import AccountError
from assessments.models import Attempt
from assessments.services import AssessmentError
from certificates.services import CertificateError
from core.errors import CodedError
from core.imports import ImportFileError
from courses.models import Enrolment, EnrolmentStatus
from courses.services import EnrolmentError
from sar.services import SandboxError
from sessions.services import SessionError
from tests.assessments.factories import correct_ids, make_quiz
from tests.factories import RoundFactory, UserFactory

ERRORS = [
    AccountError,
    EnrolmentError,
    AssessmentError,
    SandboxError,
    CertificateError,
    SessionError,
]
# The join page shows a room that is not open yet, or over, as a normal state of the page.
PAGE_STATES = {(SessionError, "window_not_open"), (SessionError, "session_over")}


@pytest.mark.parametrize("error_class", [*ERRORS, ImportFileError])
def test_every_code_has_a_thai_message_and_a_status(error_class):
    assert issubclass(error_class, CodedError)
    for code in error_class.MESSAGES:
        error = error_class(code)
        assert error.code == code == str(error)
        assert error.message  # translated when read
        expected = (200,) if (error_class, code) in PAGE_STATES else (400, 403, 404, 409)
        assert error.status in expected


def test_an_unknown_code_is_a_programming_error_not_a_message():
    with pytest.raises(KeyError):
        AccountError("no_such_code")


def test_messages_are_thai_with_their_parameters_filled_in():
    assert EnrolmentError("registration_closed").message == "การอบรมครั้งนี้ปิดรับสมัครแล้ว"
    error = ImportFileError("missing_columns", params={"columns": "email, dla_code"})
    assert "email, dla_code" in error.message


def test_statuses_are_declared_per_code():
    assert AssessmentError("already_submitted").status == 409
    assert AssessmentError("deadline_passed").status == 409
    assert AssessmentError("invalid_choice").status == 400


@pytest.mark.django_db
def test_the_answer_view_answers_with_the_errors_status(client):
    round_ = RoundFactory(number=1)
    user = UserFactory()
    Enrolment.objects.create(user=user, round=round_, status=EnrolmentStatus.ENROLLED)
    quiz = make_quiz(round_, questions=1)
    client.force_login(user)
    client.post(f"/tests/{quiz.pk}/start/")
    attempt = Attempt.objects.get()
    question = quiz.questions.get()
    answer = {"question": question.pk, "choice": correct_ids(question)}
    assert client.post(f"/tests/attempts/{attempt.pk}/answer/", answer).status_code == 200
    client.post(f"/tests/attempts/{attempt.pk}/", {"action": "submit"})
    reply = client.post(f"/tests/attempts/{attempt.pk}/answer/", answer)
    assert reply.status_code == 409
    assert reply.json()["code"] == "already_submitted"

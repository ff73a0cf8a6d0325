"""One strict parser for numbers people type: Thai and Arabic digits, no exponent, no "²".

Hostile values (issue 13, findings 4 and 11) are refused with a Thai message or a 400,
never a 500, and before any arithmetic: the parser decides on the text alone.
"""

from decimal import Decimal

import pytest

from assessments.models import Answer, Attempt, Layout
from core import thai
from core.thai import (
    MAX_NUMBER_CHARS,
    NumberTextError,
    current_year_be,
    decimal_or_none,
    parse_decimal,
    parse_whole_number,
    parse_year_be,
    whole_number_or_none,
)
from courses.models import Enrolment, EnrolmentStatus
from sar.models import GhgActivity, Workspace
from tests.assessments.factories import make_quiz
from tests.factories import RoundFactory, UserFactory

# Values that once pinned a CPU or raised a 500: superscripts and other scripts' digits that
# isdigit() accepts and int() refuses (or reads), exponents, 5,000 digits, NaN, Infinity.
HOSTILE = ["²", "1²", "١٢", "𝟙", "1e1000000", "9" * 5000, "NaN", "Infinity", "0x10", "-1", "1_000"]


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("1234.5", Decimal("1234.5")),
        ("๑,๒๓๔.๕", Decimal("1234.5")),
        (" 25 000 ", Decimal("25000")),
        ("\u22123.5", Decimal("-3.5")),
        (".5", Decimal("0.5")),
    ],
)
def test_decimals_are_read_in_thai_or_arabic_digits(typed, number):
    assert parse_decimal(typed) == number


@pytest.mark.parametrize(
    "typed", ["1e5", "1E-5", "1e1000000", "NaN", "Infinity", "²", "١٢", "1.2.3"]
)
def test_exponents_and_other_digits_are_not_numbers(typed):
    with pytest.raises(NumberTextError) as refused:
        parse_decimal(typed)
    assert refused.value.code == "not_a_number"
    assert decimal_or_none(typed) is None


def test_text_longer_than_the_limit_is_refused_before_it_is_read(monkeypatch):
    def no_arithmetic(*args):
        raise AssertionError("a Decimal was built from the text")

    monkeypatch.setattr(thai, "Decimal", no_arithmetic)
    for typed in ["9" * (MAX_NUMBER_CHARS + 1), "1e1000000", "²"]:
        assert decimal_or_none(typed) is None


def test_whole_numbers_are_range_checked_on_their_digits_before_int(monkeypatch):
    calls = []
    monkeypatch.setattr(thai, "int", lambda text: calls.append(text) or len(text), raising=False)
    for typed in ["9" * 5000, "1" + "0" * 40, "12345"]:
        with pytest.raises(NumberTextError):
            parse_whole_number(typed, minimum=1, maximum=2700)
    assert calls == []  # refused by length or digit count alone


@pytest.mark.parametrize("typed", HOSTILE)
def test_no_hostile_value_is_a_whole_number(typed):
    assert whole_number_or_none(typed) is None


def test_whole_numbers_and_years():
    assert parse_whole_number("๑๒", minimum=1, maximum=12) == 12
    assert parse_whole_number("007", maximum=12) == 7
    assert parse_year_be("๒๕๖๙", minimum=2500, maximum=2700) == 2569
    with pytest.raises(NumberTextError) as refused:
        parse_year_be("2499", minimum=2500, maximum=2700)
    assert refused.value.code == "out_of_range"
    assert whole_number_or_none(5, maximum=4) is None
    assert whole_number_or_none(True) is None


def test_this_year_is_buddhist_era_in_bangkok(settings):
    import time_machine

    # 31 December 2025 20:00 UTC is already 1 January 2026 in Bangkok: 2569 BE.
    with time_machine.travel("2025-12-31T20:00:00+00:00", tick=False):
        assert current_year_be() == 2569


# --- The pages: a Thai message or a 400, never a 500 ------------------------------------


@pytest.fixture
def participant(db):
    from tests.factories import OrganisationFactory

    return UserFactory(organisation=OrganisationFactory())


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["²", "9" * 5000, "1e3", "๒๕๖๙๙"])
def test_a_hostile_sandbox_year_is_refused_in_thai(client, participant, typed):
    client.force_login(participant)
    response = client.post("/sandbox/new/", {"year_be": typed, "start_from": "empty"})
    assert response.status_code == 400
    assert "กรุณากรอกปี พ.ศ." in response.content.decode()
    assert not Workspace.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("month", ["1e1000000", "9" * 5000, "²", "1.0e1", "13", "0"])
def test_a_hostile_activity_month_is_refused_before_any_arithmetic(
    client, participant, month, monkeypatch
):
    from sar.services import create_workspace

    workspace = create_workspace(owner=participant, year_be=2569)
    refused = []
    strict = thai.parse_whole_number

    def spy(text, **limits):
        try:
            return strict(text, **limits)
        except NumberTextError as error:
            refused.append((text, error.code))
            raise

    # The month goes through the strict parser, which judges the text alone (see
    # test_whole_numbers_are_range_checked_on_their_digits_before_int).
    monkeypatch.setattr(thai, "parse_whole_number", spy)
    client.force_login(participant)
    response = client.post(
        f"/sandbox/{workspace.pk}/ghg/activities/",
        {"ef": "lpg_mobile", "quantity": "10", "month": month},
    )
    assert response.status_code == 400
    assert "เดือน" in response.content.decode()
    assert not GhgActivity.objects.exists()
    assert [text for text, _code in refused] == [month]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "fields",
    [
        {"shown": "²"},
        {"q": "²"},
        {"shown": "9" * 5000, "q": "9" * 5000},
        {"shown": "1e1000000", "q": "๑"},
        {"question": "²", "choice": "²"},
    ],
)
def test_hostile_ids_in_a_test_attempt_are_ignored_not_a_500(client, fields):
    round_ = RoundFactory(number=1)
    user = UserFactory()
    Enrolment.objects.create(user=user, round=round_, status=EnrolmentStatus.ENROLLED)
    quiz = make_quiz(round_, questions=3, layout=Layout.ONE)
    client.force_login(user)
    client.post(f"/tests/{quiz.pk}/start/")
    attempt = Attempt.objects.get()
    response = client.post(f"/tests/attempts/{attempt.pk}/", {**fields, "action": "next"})
    assert response.status_code == 302
    assert response.url.startswith(f"/tests/attempts/{attempt.pk}/")
    page = client.get(f"/tests/attempts/{attempt.pk}/?q={fields.get('q', '1')}")
    assert page.status_code == 200
    answer = client.post(
        f"/tests/attempts/{attempt.pk}/answer/",
        {"question": fields.get("shown", "²"), "choice": "²"},
    )
    assert answer.status_code == 400
    assert answer.json()["code"] == "invalid_choice"
    assert not Answer.objects.exists()

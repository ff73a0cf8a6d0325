import csv
import io

import pytest
from openpyxl import load_workbook

from accounts.models import LaoType, Role
from courses.services import cancel_enrolment, enrol_participant
from tests.factories import OrganisationFactory, RoundFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def round_with_people():
    trainer = UserFactory(role=Role.TRAINER, organisation=None)
    round_ = RoundFactory(capacity=3, title="ครั้งที่ทดสอบ")
    round_.trainers.add(trainer)
    chiang_mai = OrganisationFactory(
        name_th="เทศบาลนครเชียงใหม่",
        lao_type=LaoType.CITY_MUNICIPALITY,
        province_code="50",
        district_code="5001",
    )
    khon_kaen = OrganisationFactory(
        name_th="อบต.หนองเรือ", lao_type=LaoType.SAO, province_code="40", district_code="4004"
    )
    people = {
        "somsri": UserFactory(first_name="สมศรี", organisation=chiang_mai),
        "somchai": UserFactory(first_name="สมชาย", organisation=khon_kaen),
        "malee": UserFactory(first_name="มาลี", organisation=khon_kaen),
        "wait": UserFactory(first_name="รอคิว", organisation=chiang_mai),
        "gone": UserFactory(first_name="ยกเลิก", organisation=chiang_mai),
    }
    enrol_participant(user=people["somsri"], round_=round_, src="circular-1114")
    enrol_participant(user=people["somchai"], round_=round_, src="poster-khonkaen")
    gone = enrol_participant(user=people["gone"], round_=round_)
    enrol_participant(user=people["malee"], round_=round_, src="circular-1114")
    enrol_participant(user=people["wait"], round_=round_)
    cancel_enrolment(enrolment=gone)  # malee moves up, "wait" stays waiting
    return trainer, round_, people


def _names(response):
    return [e.user.first_name for e in response.context["page"]]


def test_trainer_filters_the_list_by_province_lao_type_status_and_source(client, round_with_people):
    trainer, round_, _people = round_with_people
    client.force_login(trainer)
    url = f"/manage/rounds/{round_.pk}/enrolments/"
    assert sorted(_names(client.get(url))) == sorted(["สมศรี", "สมชาย", "มาลี", "รอคิว", "ยกเลิก"])
    assert sorted(_names(client.get(url, {"province": "40"}))) == ["มาลี", "สมชาย"]
    assert sorted(_names(client.get(url, {"lao_type": "city_municipality"}))) == [
        "ยกเลิก",
        "รอคิว",
        "สมศรี",
    ]
    assert _names(client.get(url, {"status": "waitlisted"})) == ["รอคิว"]
    assert sorted(_names(client.get(url, {"src": "circular-1114"}))) == ["มาลี", "สมศรี"]
    assert _names(client.get(url, {"q": "สมช"})) == ["สมชาย"]
    html = client.get(url).content.decode()
    assert "ลงทะเบียน 3 จาก 3 ที่นั่ง สำรอง 1 ยกเลิก 1" in html


def test_export_xlsx_and_csv_follow_the_filters(client, round_with_people):
    trainer, round_, _people = round_with_people
    client.force_login(trainer)
    url = f"/manage/rounds/{round_.pk}/enrolments/"
    response = client.get(url, {"province": "40", "export": "xlsx"})
    assert "attachment" in response["Content-Disposition"]
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert rows[0][:3] == ("ครั้งที่", "สถานะ", "ลงทะเบียนเมื่อ")
    assert sorted(row[5] for row in rows[1:]) == ["มาลี", "สมชาย"]
    assert {row[-2] for row in rows[1:]} == {"ขอนแก่น"}
    text = client.get(url, {"status": "enrolled", "export": "csv"}).content.decode("utf-8-sig")
    records = list(csv.DictReader(io.StringIO(text)))
    assert len(records) == 3
    assert {r["สถานะ"] for r in records} == {"ลงทะเบียนแล้ว"}


def test_trainers_see_only_their_rounds_and_participants_nothing(client, round_with_people):
    trainer, round_, people = round_with_people
    other_round = RoundFactory()
    client.force_login(trainer)
    html = client.get("/manage/rounds/").content.decode()
    assert "ครั้งที่ทดสอบ" in html and other_round.title not in html
    assert client.get(f"/manage/rounds/{other_round.pk}/enrolments/").status_code == 404
    client.force_login(people["somsri"])
    assert client.get(f"/manage/rounds/{round_.pk}/enrolments/").status_code == 403
    assert client.get("/manage/rounds/").status_code == 403
    admin = UserFactory(role=Role.DLA_ADMIN, organisation=None)
    client.force_login(admin)
    assert client.get(f"/manage/rounds/{other_round.pk}/enrolments/").status_code == 200


def test_the_list_takes_a_bounded_number_of_queries(
    client, round_with_people, django_assert_max_num_queries
):
    trainer, round_, _people = round_with_people
    for _ in range(30):
        enrol_participant(user=UserFactory(organisation=OrganisationFactory()), round_=round_)
    client.force_login(trainer)
    client.get("/manage/rounds/")  # the site settings row is created on first use
    with django_assert_max_num_queries(9):
        response = client.get(f"/manage/rounds/{round_.pk}/enrolments/")
    assert len(response.context["page"]) == 35
    with django_assert_max_num_queries(5):
        client.get(f"/manage/rounds/{round_.pk}/enrolments/", {"export": "xlsx"})

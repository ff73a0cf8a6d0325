import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from accounts.consent import PRIVACY_NOTICE_VERSION
from accounts.models import ConsentPurpose, ConsentRecord, User
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def _html(response):
    return response.content.decode()


def test_signup_page_shows_the_privacy_notice_and_unticked_optional_consents(client):
    html = _html(client.get("/accounts/signup/?src=circular-1114"))
    assert "PDPA" in html
    assert 'href="/privacy-notice/"' in html
    for purpose in ("news", "survey"):
        box = re.search(rf'<input[^>]*name="consent_{purpose}"[^>]*>', html).group(0)
        assert "checked" not in box
    assert 'name="src" value="circular-1114"' in html


def test_signup_saves_profile_lao_consent_and_source_in_one_step(client, signup_data, organisation):
    response = client.post(
        "/accounts/signup/",
        signup_data(
            src="circular-1114",
            line_id="somsri.j",
            first_name_en="Somsri",
            last_name_en="Jaidee",
            consent_news="on",
        ),
    )
    assert response.status_code == 302
    user = User.objects.get(email="somsri@example.com")
    assert user.full_name_th == "นางสาวสมศรี ใจดี"
    assert user.full_name_en == "Somsri Jaidee"
    assert user.organisation == organisation
    assert user.phone == "0812345678"
    assert user.line_id == "somsri.j"
    assert user.signup_src == "circular-1114"
    consents = {record.purpose: record for record in ConsentRecord.objects.filter(user=user)}
    assert set(consents) == {ConsentPurpose.TRAINING, ConsentPurpose.NEWS}
    assert consents[ConsentPurpose.TRAINING].notice_version == PRIVACY_NOTICE_VERSION
    assert consents[ConsentPurpose.TRAINING].given_at is not None
    assert consents[ConsentPurpose.TRAINING].withdrawn_at is None


def test_other_prefix_is_typed_by_the_participant(client, signup_data):
    client.post("/accounts/signup/", signup_data(prefix="other", prefix_other="พ.ต.อ."))
    assert User.objects.get().prefix == "พ.ต.อ."


def test_confirming_the_email_logs_in_and_returns_to_the_enrolment_page(client, signup_data):
    next_url = "/enrol/esc-2569/?src=circular-1114"
    response = client.post(
        f"/accounts/signup/?next={next_url}", {**signup_data(), "next": next_url}
    )
    assert response.status_code == 302
    link = re.search(r"http://testserver(/accounts/confirm-email/[^\s]+)", mail.outbox[0].body)
    response = client.post(link.group(1))
    assert response.status_code == 302
    assert response["Location"] == next_url
    assert EmailAddress.objects.get().verified
    assert client.get("/my-training/").status_code == 200


@pytest.mark.parametrize(
    ("overrides", "field_message"),
    [
        ({"email": "not-an-e-mail"}, "อีเมล"),
        ({"organisation": ""}, "เลือก อปท."),
        ({"district": "", "organisation": ""}, "เลือก อปท."),
        ({"consent_training": None}, "ความยินยอม"),
        ({"first_name": "Somsri"}, "ภาษาไทย"),
        ({"phone": "12345"}, "หมายเลขโทรศัพท์"),
        ({"prefix": "other", "prefix_other": ""}, "คำนำหน้า"),
        ({"line_id": "ไลน์ของฉัน"}, "ไอดีไลน์"),
    ],
)
def test_bad_signup_input_gets_a_thai_message_and_saves_nothing(
    client, signup_data, overrides, field_message
):
    response = client.post("/accounts/signup/", signup_data(**overrides))
    assert response.status_code == 200
    html = _html(response)
    assert "กรุณาแก้ไขช่องที่มีเครื่องหมาย" in html
    assert field_message in html
    assert not User.objects.exists()
    assert not ConsentRecord.objects.exists()
    assert not mail.outbox


def test_duplicate_email_is_refused_with_a_thai_message_whatever_the_case(client, signup_data):
    UserFactory(email="somsri@example.com")
    response = client.post("/accounts/signup/", signup_data(email="SomSri@Example.com"))
    assert response.status_code == 200
    assert "อีเมลนี้ลงทะเบียนไว้แล้ว" in _html(response)
    assert User.objects.count() == 1
    assert not ConsentRecord.objects.exists()


def test_a_lao_from_another_district_is_refused(client, signup_data):
    elsewhere = OrganisationFactory(province_code="84", district_code="8401")
    response = client.post("/accounts/signup/", signup_data(organisation=str(elsewhere.pk)))
    assert response.status_code == 200
    assert "ไม่อยู่ในอำเภอที่เลือก" in _html(response)
    assert not User.objects.exists()


def test_without_javascript_the_lao_picker_fills_the_next_list_and_saves_nothing(
    client, signup_data, organisation
):
    # Province chosen, "show the districts" pressed.
    response = client.post(
        "/accounts/signup/",
        signup_data(district="", organisation="", password1="", lao_refresh="province"),
    )
    html = _html(response)
    assert response.status_code == 200
    assert '<option value="5001">เมืองเชียงใหม่</option>' in html
    assert "errorlist" not in html  # nothing is flagged while the person is still choosing
    # District chosen, "show the LAOs" pressed.
    response = client.post(
        "/accounts/signup/", signup_data(organisation="", lao_refresh="district")
    )
    html = _html(response)
    assert f'<option value="{organisation.pk}">เทศบาลนครเชียงใหม่</option>' in html
    assert 'value="สมศรี"' in html  # what was typed is kept
    assert not User.objects.exists()


def test_lao_picker_endpoints_list_districts_and_laos(client, organisation):
    districts = client.get("/lao/districts/?province=50").json()["options"]
    assert {"value": "5001", "label": "เมืองเชียงใหม่"} in districts
    laos = client.get("/lao/organisations/?district=5001").json()["options"]
    assert laos == [{"value": str(organisation.pk), "label": "เทศบาลนครเชียงใหม่"}]


def test_type_ahead_finds_a_lao_by_name_or_dla_code(client, organisation):
    OrganisationFactory(
        dla_code="4040201",
        name_th="องค์การบริหารส่วนตำบลหนองเรือ",
        province_code="40",
        district_code="4004",
    )
    by_name = client.get("/lao/search/", {"q": "หนองเรือ"}).json()["results"]
    assert [r["dla_code"] for r in by_name] == ["4040201"]
    assert by_name[0]["province"] == "ขอนแก่น"
    assert by_name[0]["district_code"] == "4004"
    by_code = client.get("/lao/search/", {"q": "50101"}).json()["results"]
    assert [r["name"] for r in by_code] == ["เทศบาลนครเชียงใหม่"]
    assert client.get("/lao/search/", {"q": "น"}).json()["results"] == []


def test_profile_is_edited_with_the_same_picker(client, organisation):
    user = UserFactory(organisation=OrganisationFactory(province_code="84", district_code="8401"))
    client.force_login(user)
    html = _html(client.get("/me/profile/"))
    assert 'value="84" selected' in html
    response = client.post(
        "/me/profile/",
        {
            "province": "50",
            "district": "5001",
            "organisation": str(organisation.pk),
            "prefix": "นาย",
            "first_name": "ทดสอบ",
            "last_name": "ใจดี",
            "position": "ปลัด",
            "phone": "0812345678",
            "line_id": "",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.organisation == organisation
    assert user.position == "ปลัด"

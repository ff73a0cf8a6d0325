import pytest

from certificates.services import issue_certificate, reissue_certificate, revoke_certificate
from tests.factories import OrganisationFactory, RoundFactory, UserFactory

from .conftest import enrol
from .factories import CompletionPolicyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate(evidence):
    round_ = RoundFactory(number=3, title="สู่เมืองคาร์บอนต่ำ")
    policy = CompletionPolicyFactory(programme=round_.programme, round=round_)
    user = UserFactory(
        prefix="นางสาว",
        first_name="น้ำฝน",
        last_name="ใจดี",
        email="namfon@example.com",
        phone="0812345678",
        organisation=OrganisationFactory(name_th="เทศบาลนครเชียงใหม่"),
    )
    enrol(user, round_)
    return issue_certificate(policy=policy, user=user, render=False).certificate


def test_valid_certificate_shows_masked_name_lao_round_date_and_issuer(client, certificate):
    response = client.get(f"/verify/{certificate.display_code}/")
    html = response.content.decode()

    assert response.status_code == 200
    assert "วุฒิบัตรนี้ใช้ได้" in html
    assert "นางสาวน้ำ••• ใ•••" in html
    assert "น้ำฝน" not in html and "ใจดี" not in html  # PDPA: never the full name
    assert "namfon@example.com" not in html and "0812345678" not in html
    assert "เทศบาลนครเชียงใหม่" in html
    assert "สู่เมืองคาร์บอนต่ำ" in html
    assert certificate.number in html
    assert "พ.ศ." in html
    assert "กรมส่งเสริมการปกครองท้องถิ่น" in html
    assert response["X-Robots-Tag"] == "noindex"


def test_the_code_is_case_insensitive_and_hyphens_are_ignored(client, certificate):
    typed = certificate.verification_code.lower()
    response = client.get(f"/verify/{typed}/")
    assert response.status_code == 302
    assert response["Location"] == f"/verify/{certificate.display_code}/"
    response = client.get("/verify/", {"code": " " + certificate.display_code.lower() + " "})
    assert response["Location"] == f"/verify/{certificate.display_code}/"


def test_revoked_certificate_says_revoked_and_leads_nowhere(client, certificate):
    admin = UserFactory(role="dla_admin")
    replacement = reissue_certificate(certificate=certificate, reason="สะกดชื่อผิด", issued_by=admin)

    html = client.get(f"/verify/{certificate.display_code}/").content.decode()

    assert "วุฒิบัตรนี้ถูกเพิกถอนแล้ว" in html
    assert "วุฒิบัตรนี้ใช้ได้" not in html
    assert "สะกดชื่อผิด" not in html  # the reason stays in the audit log
    assert replacement.number not in html
    assert replacement.display_code not in html
    assert "ใช้ได้" in client.get(f"/verify/{replacement.display_code}/").content.decode()


def test_revoked_without_replacement(client, certificate):
    revoke_certificate(certificate=certificate, reason="ไม่ผ่านเกณฑ์", revoked_by=None)
    html = client.get(f"/verify/{certificate.display_code}/").content.decode()
    assert "วุฒิบัตรนี้ถูกเพิกถอนแล้ว" in html


def test_unknown_code_is_a_clear_thai_not_found(client, certificate):
    response = client.get("/verify/AAAA-BBBB-CCCC-DDDD/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "ไม่พบวุฒิบัตรที่มีรหัสนี้" in html
    assert certificate.number not in html


def test_malformed_code_in_the_form_gets_a_thai_message(client):
    response = client.get("/verify/", {"code": "ABC-123"})
    assert response.status_code == 200
    assert "รหัสตรวจสอบมีตัวอักษรและตัวเลข 16 ตัว" in response.content.decode()


def test_the_verify_form_page(client):
    response = client.get("/verify/")
    assert response.status_code == 200
    assert 'name="code"' in response.content.decode()


def test_lookups_are_rate_limited_per_client_address(client, settings, certificate):
    settings.CERTIFICATE_VERIFY_RATE_LIMIT = 3
    for _ in range(3):
        assert client.get("/verify/AAAA-BBBB-CCCC-DDDD/").status_code == 404
    response = client.get(f"/verify/{certificate.display_code}/")
    assert response.status_code == 429
    assert "มีการตรวจสอบจากการเชื่อมต่อนี้มากเกินไป" in response.content.decode()
    other = client.get(f"/verify/{certificate.display_code}/", REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200


def test_behind_a_proxy_the_forwarded_address_counts(client, settings, certificate):
    settings.CERTIFICATE_VERIFY_RATE_LIMIT = 1
    settings.TRUSTED_PROXY_COUNT = 1
    url = f"/verify/{certificate.display_code}/"
    assert client.get(url, HTTP_X_FORWARDED_FOR="203.0.113.5").status_code == 200
    assert client.get(url, HTTP_X_FORWARDED_FOR="203.0.113.5").status_code == 429
    assert client.get(url, HTTP_X_FORWARDED_FOR="203.0.113.6").status_code == 200


def test_english_verify_page(client, certificate):
    html = client.get(f"/en/verify/{certificate.display_code}/").content.decode()
    assert "Valid certificate" in html


@pytest.mark.parametrize(
    ("prefix", "first", "last", "hidden", "shown"),
    [
        ("นาย", "ก", "ใจดี", "นายก ", "นาย••• ใ•••"),
        ("นายสมชาย", "สมชาย", "ใจดี", "นายสมชาย", "สม••• ใ•••"),
    ],
)
def test_the_verify_page_masks_short_names_and_free_text_prefixes(
    client, evidence, prefix, first, last, hidden, shown
):
    round_ = RoundFactory(number=1)
    policy = CompletionPolicyFactory(programme=round_.programme, round=round_)
    user = UserFactory(prefix=prefix, first_name=first, last_name=last)
    enrol(user, round_)
    certificate = issue_certificate(policy=policy, user=user, render=False).certificate
    html = client.get(f"/verify/{certificate.display_code}/").content.decode()
    assert shown in html
    assert hidden not in html

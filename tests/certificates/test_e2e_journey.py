"""The journey of the issue's "done when", in a real browser on a phone-sized screen."""

import pytest
from django.test import Client
from playwright.sync_api import expect

from certificates.services import issue_certificate, revoke_certificate
from tests.factories import RoundFactory, UserFactory

from .conftest import enrol
from .factories import CompletionPolicyFactory, PolicyConditionFactory
from .pdfcheck import decode_qr

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def log_in(page, live_server, user):
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def test_participant_downloads_scans_and_sees_valid_then_revoked(
    live_server, phone_page, settings, evidence
):
    settings.SITE_URL = live_server.url  # the QR leads to this server
    round_ = RoundFactory(number=1)
    policy = CompletionPolicyFactory(programme=round_.programme, round=round_)
    PolicyConditionFactory(policy=policy, kind="attendance", min_percent=80)
    user = UserFactory(prefix="นางสาว", first_name="น้ำฝน", last_name="ใจดี")
    enrol(user, round_)
    evidence.attend(user, round_, minutes=170)
    certificate = issue_certificate(policy=policy, user=user, render=False).certificate
    page = phone_page
    log_in(page, live_server, user)

    page.goto(live_server.url + "/my-training/")
    expect(page.get_by_text(f"ออกแล้ว เลขที่ {certificate.number}")).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="ดาวน์โหลด (PDF)").first.click()
    pdf = download_info.value.path().read_bytes()
    [url] = decode_qr(pdf)
    assert url == f"{live_server.url}/verify/{certificate.display_code}/"

    page.goto(url)
    expect(page.get_by_role("heading", name="วุฒิบัตรนี้ใช้ได้")).to_be_visible()
    expect(page.get_by_text("นางสาวน้ำ••• ใ•••")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    revoke_certificate(certificate=certificate, reason="ทดสอบการเพิกถอน", revoked_by=None)
    page.goto(url)
    expect(page.get_by_role("heading", name="วุฒิบัตรนี้ถูกเพิกถอนแล้ว")).to_be_visible()


def test_typing_a_code_on_a_phone(live_server, phone_page, evidence):
    round_ = RoundFactory(number=1)
    policy = CompletionPolicyFactory(programme=round_.programme, round=round_)
    user = UserFactory()
    enrol(user, round_)
    certificate = issue_certificate(policy=policy, user=user, render=False).certificate
    page = phone_page

    page.goto(live_server.url + "/verify/")
    page.get_by_label("รหัสตรวจสอบ").fill(certificate.verification_code.lower())
    page.get_by_role("button", name="ตรวจสอบ").click()
    expect(page.get_by_role("heading", name="วุฒิบัตรนี้ใช้ได้")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    page.goto(live_server.url + "/verify/")
    page.get_by_label("รหัสตรวจสอบ").fill("AAAA-BBBB-CCCC-DDDD")
    page.get_by_role("button", name="ตรวจสอบ").click()
    expect(page.get_by_role("heading", name="ไม่พบวุฒิบัตรที่มีรหัสนี้")).to_be_visible()

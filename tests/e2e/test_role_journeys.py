"""Issue 15, seen in a browser at 360 px (phone) and 1366 px (laptop): each role lands on
its own page; the trainer reaches "เริ่ม/เข้าห้อง" without knowing a URL and marks
attendance with one tap per roster row; tests open when they make sense; a round's
certificate names its round and a revoked one says so."""

import datetime
import re

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone
from playwright.sync_api import expect

from courses.services import enrol_participant
from tests.factories import RoundFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "test-password-2569"
VIEWPORTS = {
    "phone": {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True},
    "laptop": {"viewport": {"width": 1366, "height": 768}},
}


@pytest.fixture(params=list(VIEWPORTS))
def page(request, browser):
    context = browser.new_context(
        locale="th-TH", timezone_id="Asia/Bangkok", **VIEWPORTS[request.param]
    )
    page = context.new_page()
    yield page
    context.close()


def log_in(page, base_url, user):
    EmailAddress.objects.get_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    page.goto(base_url + "/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def open_menu(page):
    """On a phone the site menu sits behind the "เมนู" button."""
    button = page.locator(".site-header").get_by_role("button", name="เมนู")
    if button.is_visible():
        button.click()
        expect(button).to_have_attribute("aria-expanded", "true")


def live_round(**fields):
    now = timezone.now()
    return RoundFactory(
        number=1,
        title="เมืองสิ่งแวดล้อมยั่งยืนกับระบบประเมินตนเอง",
        starts_at=now - datetime.timedelta(minutes=10),
        ends_at=now + datetime.timedelta(minutes=170),
        registration_opens_at=now - datetime.timedelta(days=7),
        registration_closes_at=now + datetime.timedelta(minutes=60),
        **fields,
    )


def test_a_trainer_lands_on_their_rounds_and_reaches_the_console(live_server, page):
    round_ = live_round()
    later = RoundFactory(number=2, title="การเก็บข้อมูลเมือง", programme=round_.programme)
    trainer = UserFactory(role="trainer", organisation=None, first_name="วิทยากร")
    round_.trainers.add(trainer)
    later.trainers.add(trainer)

    log_in(page, live_server.url, trainer)
    expect(page).to_have_url(live_server.url + "/my-rounds/")
    expect(page.get_by_role("heading", level=1)).to_have_text("การอบรมที่ฉันสอน")
    today = page.locator("[data-section=today]")
    expect(today.get_by_role("heading", name=round_.title)).to_be_visible()
    expect(page.locator("[data-section=upcoming]")).to_contain_text(later.title)
    expect(page.get_by_text("กรอกข้อมูลส่วนตัว")).to_have_count(0)

    # The header takes them back here from anywhere.
    page.goto(live_server.url + "/sar/")
    open_menu(page)
    page.locator(".site-header").get_by_role("link", name="การอบรมที่ฉันสอน").click()
    today.get_by_role("link", name="เริ่ม/เข้าห้อง").click()
    expect(page).to_have_url(f"{live_server.url}/live/{round_.pk}/console/")
    expect(page.get_by_role("button", name="เริ่ม / เข้าห้องในฐานะผู้ดำเนินการ")).to_be_visible()


def test_a_participant_lands_on_my_training(live_server, page):
    officer = UserFactory(first_name="น้ำฝน")
    enrol_participant(user=officer, round_=live_round())
    log_in(page, live_server.url, officer)
    expect(page).to_have_url(live_server.url + "/my-training/")
    expect(page.get_by_role("heading", level=1)).to_have_text("การอบรมของฉัน")
    open_menu(page)
    header = page.locator(".site-header")
    expect(header.get_by_role("link", name="การอบรมของฉัน")).to_be_visible()
    expect(header.get_by_role("link", name="วุฒิบัตรของฉัน")).to_be_visible()
    expect(header.get_by_text("การอบรมที่ฉันสอน")).to_have_count(0)


def test_a_coordinator_lands_on_their_provinces_report(live_server, page):
    coordinator = UserFactory(
        role="provincial_coordinator", coordinated_province_code="50", organisation=None
    )
    log_in(page, live_server.url, coordinator)
    expect(page).to_have_url(re.compile(re.escape(live_server.url) + "/reports/coverage/"))
    expect(page.locator("main")).to_contain_text("เชียงใหม่")


def test_a_participant_sees_the_post_test_waiting_for_the_session_and_a_test_under_way(
    live_server, page
):
    from assessments.models import QuizKind, SessionTiming
    from assessments.services import start_attempt
    from tests.assessments.factories import make_quiz

    now = timezone.now()
    round_ = RoundFactory(
        number=1,
        title="เมืองสิ่งแวดล้อมยั่งยืน",
        starts_at=now + datetime.timedelta(days=2),
        registration_opens_at=now - datetime.timedelta(days=1),
    )
    officer = UserFactory(first_name="น้ำฝน")
    enrol_participant(user=officer, round_=round_)
    pre = make_quiz(
        round_, QuizKind.PRE_TEST, title="แบบทดสอบก่อนการอบรม", session_timing=SessionTiming.AUTO
    )
    post = make_quiz(
        round_, QuizKind.POST_TEST, title="แบบทดสอบหลังการอบรม", session_timing=SessionTiming.AUTO
    )
    start_attempt(user=officer, quiz=pre)

    log_in(page, live_server.url, officer)
    pre_line = page.locator(".progress-item", has_text="แบบทดสอบก่อนการอบรม")
    expect(pre_line).to_contain_text("กำลังทำแบบทดสอบ")
    expect(pre_line.get_by_role("link", name="ทำแบบทดสอบต่อ")).to_be_visible()
    post_line = page.locator(".progress-item", has_text="แบบทดสอบหลังการอบรม")
    expect(post_line).to_contain_text("เปิดให้ทำ")
    expect(post_line.get_by_role("link")).to_have_count(0)

    page.goto(f"{live_server.url}/tests/{post.pk}/")
    expect(page.locator(".quiz-actions")).to_contain_text("แบบทดสอบนี้เปิดพร้อมการอบรมสด")
    expect(page.get_by_role("button", name="เริ่มทำแบบทดสอบ")).to_have_count(0)


def test_the_trainer_marks_attendance_with_one_tap_per_row(live_server, page):
    round_ = live_round()
    trainer = UserFactory(role="trainer", organisation=None)
    round_.trainers.add(trainer)
    namfon = UserFactory(prefix="นางสาว", first_name="น้ำฝน", last_name="ใจดี")
    somchai = UserFactory(prefix="นาย", first_name="สมชาย", last_name="รักถิ่น")
    for officer in (namfon, somchai):
        enrol_participant(user=officer, round_=round_)

    log_in(page, live_server.url, trainer)
    page.locator("[data-section=today]").get_by_role("link", name="เริ่ม/เข้าห้อง").click()
    row = page.locator(f"#participant-{namfon.pk}")
    row.get_by_role("button", name="มาเรียน").click()
    expect(page.locator(".message--success")).to_contain_text("บันทึกแล้ว: นางสาวน้ำฝน ใจดี")
    expect(row.locator('[data-field="attendance"]')).to_contain_text("เข้าร่วมครบ")

    other = page.locator(f"#participant-{somchai.pk}")
    other.get_by_label("เหตุผล (ถ้ามี)").fill("แจ้งลาล่วงหน้า")
    other.get_by_role("button", name="ไม่มา").click()
    expect(other.locator('[data-field="attendance"]')).to_contain_text("ไม่เข้าร่วม")

    # A refusal (here a tampered button) is shown beside its own row, not at the top.
    row.get_by_role("button", name="มาเรียน").evaluate("b => b.value = 'bogus'")
    row.get_by_role("button", name="มาเรียน").click()
    expect(page.locator(f"#participant-{namfon.pk} .errorlist")).to_have_text(
        "กรุณาเลือกสถานะการเข้าร่วมที่ถูกต้อง"
    )
    expect(page.locator(f"#participant-{somchai.pk} .errorlist")).to_have_count(0)
    expect(page.get_by_role("heading", name="บันทึกการเข้าร่วมของผู้ที่ไม่อยู่ในรายชื่อ")).to_be_visible()


def test_a_revoked_certificate_is_said_so_with_the_reason(live_server, page, settings, tmp_path):
    from certificates.services import issue_certificate, revoke_certificate
    from tests.certificates.factories import CompletionPolicyFactory

    settings.CERTIFICATE_PDF_ROOT = tmp_path / "certificates"
    round_ = live_round()
    policy = CompletionPolicyFactory(programme=round_.programme, round=round_)
    officer = UserFactory(first_name="น้ำฝน")
    enrol_participant(user=officer, round_=round_)

    log_in(page, live_server.url, officer)
    certificate_line = page.locator(".progress-item", has_text="วุฒิบัตร")
    expect(certificate_line).to_contain_text("จะได้รับวุฒิบัตรเร็ว ๆ นี้")

    certificate = issue_certificate(policy=policy, user=officer, notify=False, render=False)
    revoke_certificate(
        certificate=certificate.certificate,
        reason="ข้อมูลการเข้าร่วมผิดพลาด",
        revoked_by=UserFactory(role="dla_admin"),
    )
    page.reload()
    expect(certificate_line).to_contain_text("วุฒิบัตรถูกเพิกถอน: ข้อมูลการเข้าร่วมผิดพลาด")
    expect(page.get_by_text("เร็ว ๆ นี้")).to_have_count(0)
    certificate_line.get_by_role("link", name="รายละเอียด").click()
    panel = page.locator(".certificate-status--revoked")
    expect(panel).to_contain_text("วุฒิบัตรถูกเพิกถอน")
    expect(panel).to_contain_text("เหตุผลจาก สถ.: ข้อมูลการเข้าร่วมผิดพลาด")


def test_the_phone_header_is_one_line_with_a_menu_holding_log_out(live_server, page):
    officer = UserFactory()
    log_in(page, live_server.url, officer)
    header = page.locator(".site-header")
    button = header.get_by_role("button", name="เมนู")
    log_out = header.get_by_role("button", name="ออกจากระบบ")
    if page.viewport_size["width"] >= 960:
        expect(button).to_be_hidden()
        expect(log_out).to_be_visible()
        return
    brand, menu = header.locator(".site-brand").bounding_box(), button.bounding_box()
    assert abs(brand["y"] + brand["height"] / 2 - (menu["y"] + menu["height"] / 2)) < 24
    assert menu["height"] >= 44 and menu["width"] >= 44
    expect(log_out).to_be_hidden()
    button.click()
    expect(log_out).to_be_visible()
    for target in [*header.locator(".site-nav a").all(), log_out]:
        assert target.bounding_box()["height"] >= 44
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

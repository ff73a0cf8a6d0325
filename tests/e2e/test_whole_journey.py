"""The whole participant journey in real browsers: from the QR code on DLA's circular to a
certificate whose QR opens the verification page. Everything goes through the pages people
use (a 360 px phone for the participant, a laptop for the trainer and DLA), the BBB
emulator with its real callbacks, and the PDF the participant downloads."""

import datetime
import re
import time

import pytest
import requests
from django.conf import settings as django_settings
from django.core import mail
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import User
from assessments.models import Attempt, Question, Quiz, QuizKind, SessionTiming
from bbb_emulator import start_emulator
from certificates.models import CompletionPolicy
from courses.models import Programme
from tests.certificates.pdfcheck import decode_qr

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SECRET = "journey-bbb-secret-" + "0123456789abcdef" * 3
PASSWORD = "Ch1angMai-2569!"


def fits_the_phone(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def log_in(context, user, base_url):
    client = Client()
    client.force_login(user)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": base_url}])


def answer_the_questions_on_screen(page, *, right: bool):
    """Tick the right choices (or one wrong choice) of every question on the screen."""
    names = set(page.locator("input[name^='q']").evaluate_all("els => els.map(e => e.name)"))
    for name in filter(re.compile(r"q\d+").fullmatch, names):
        choices = Question.objects.get(pk=int(name[1:])).choices.all()
        ticks = (
            [c for c in choices if c.is_correct]
            if right
            else [next(c for c in choices if not c.is_correct)]
        )
        for choice in ticks:
            page.locator(f"input[name='{name}'][value='{choice.pk}']").check()


def take_the_test(page, live_server, title, *, right: bool):
    page.goto(live_server.url + "/my-training/")
    page.locator(".progress-item", has_text=title).get_by_role("link", name="ทำแบบทดสอบ").click()
    page.get_by_role("button", name="เริ่มทำแบบทดสอบ").click()
    expect(page.get_by_text("เหลือเวลา")).to_be_visible()
    fits_the_phone(page)
    next_button = page.get_by_role("button", name="บันทึกและไปข้อถัดไป")
    while True:  # one question per screen, or all on one
        # The buttons close the form: once they show, the screen's questions are all there.
        # (Counting buttons straight after a click could read the page between two screens.)
        expect(page.locator(".quiz-buttons")).to_be_visible()
        answer_the_questions_on_screen(page, right=right)
        if not next_button.count():
            break
        screen = page.url
        next_button.click()
        expect(page).not_to_have_url(screen)
    page.get_by_role("button", name="ส่งคำตอบ").click()
    expect(page.get_by_role("heading", name="ผลการทดสอบ")).to_be_visible()
    fits_the_phone(page)


@pytest.fixture
def emulator(settings, live_server):
    running = start_emulator(
        secret=SECRET,
        clock="manual",
        now_ms=int(time.time() * 1000),
        callback_mode="send",  # BBB's callbacks really reach the live server
        end_callback_delay_s=2,
        analytics_delay_s=120,
        default_logout_url=live_server.url + "/",
    )
    settings.SITE_URL = live_server.url
    settings.BBB_URL = running.url
    settings.BBB_SECRET = SECRET
    settings.BBB_TIMEOUT_SECONDS = 5
    yield running
    running.stop()


@pytest.fixture
def round_1_today(demo_site, settings, tmp_path):
    """The demo programme with round 1 starting ten minutes ago, and the demo's policy for it:
    attendance of 80 %, the post-test passed and the round's sandbox exercise done."""
    settings.CERTIFICATE_PDF_ROOT = tmp_path / "certificates"
    programme = Programme.objects.get(code="esc-2569")
    round_1 = programme.rounds.get(number=1)
    now = timezone.now()
    round_1.starts_at = now - datetime.timedelta(minutes=10)
    round_1.ends_at = now + datetime.timedelta(minutes=170)
    round_1.registration_closes_at = now + datetime.timedelta(minutes=60)
    round_1.save()
    # The journey compresses weeks into minutes: she signs up after the session began, so
    # the demo's pre-test (closed at the session's start as the kind suggests) stays open.
    Quiz.objects.filter(round=round_1, kind=QuizKind.PRE_TEST).update(
        session_timing=SessionTiming.FREE
    )
    policy = CompletionPolicy.objects.get(round=round_1)  # the demo's, as in `make run`
    assert sorted(policy.conditions.values_list("kind", flat=True)) == [
        "attendance",
        "post_test_passed",
        "sandbox_exercise",
    ]
    return round_1, policy


def test_whole_journey_from_the_circular_qr_to_a_verified_certificate(
    live_server, browser, phone_page, emulator, round_1_today
):
    round_1, policy = round_1_today
    page = phone_page

    # 1. DLA prints the poster with the programme's QR code for circular 1114; scanning it
    #    opens the programme page, tagged with its source.
    admin = User.objects.get(email="admin@example.com")
    dla = Client()
    dla.force_login(admin)
    poster = dla.get(f"/admin/programmes/qr/{policy.programme_id}/pdf/?src=circular-1114")
    assert poster.status_code == 200
    [qr_url] = decode_qr(poster.content)
    assert qr_url.startswith(live_server.url) and "src=circular-1114" in qr_url
    page.goto(qr_url)
    expect(page).to_have_url(re.compile(r"/programme/\?src=circular-1114$"))
    fits_the_phone(page)

    # 2. Sign-up with the LAO and the PDPA consent, then the e-mail verification.
    page.get_by_role("link", name="สมัครเข้าร่วมการอบรม").first.click()
    page.wait_for_load_state("load")
    page.get_by_label("จังหวัด").select_option(label="เชียงใหม่")
    district = page.get_by_label("อำเภอ")
    expect(district.locator("option", has_text="เมืองเชียงใหม่")).to_have_count(1)
    district.select_option(label="เมืองเชียงใหม่")
    lao = page.get_by_label("อปท. ของท่าน")
    expect(lao.locator("option", has_text="เทศบาลนครเชียงใหม่")).to_have_count(1)
    lao.select_option(label="เทศบาลนครเชียงใหม่")
    page.get_by_label("คำนำหน้าชื่อ").select_option("นางสาว")
    page.get_by_label("ชื่อ (ภาษาไทย)").fill("น้ำฝน")
    page.get_by_label("นามสกุล (ภาษาไทย)").fill("ใจดี")
    page.get_by_label("ตำแหน่ง").fill("นักวิชาการสิ่งแวดล้อมปฏิบัติการ")
    page.get_by_label("โทรศัพท์มือถือ").fill("081 234 5678")
    page.get_by_label("อีเมล", exact=True).fill("namfon@example.com")
    page.get_by_label("รหัสผ่าน", exact=True).fill(PASSWORD)
    page.get_by_label("รหัสผ่าน (อีกครั้ง)").fill(PASSWORD)
    page.get_by_label(re.compile("ข้าพเจ้าได้อ่านประกาศความเป็นส่วนตัวแล้ว")).check()
    page.get_by_role("button", name="สมัครสมาชิก").last.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("กรุณาตรวจสอบอีเมลของท่าน")
    [message] = [m for m in mail.outbox if m.to == ["namfon@example.com"]]
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+)", message.body).group(1)
    page.goto(live_server.url + link)
    page.get_by_role("button", name="ยืนยัน").click()

    # 3. Enrol in round 1 only.
    expect(page).to_have_url(re.compile(r"/enrol/esc-2569/"))
    for checkbox in page.locator("input[name=rounds]").all():
        checkbox.uncheck()
    page.locator(f"input[name=rounds][value='{round_1.pk}']").check()
    page.get_by_role("button", name="ลงทะเบียนครั้งที่เลือก").click()
    expect(page).to_have_url(re.compile(r"/my-training/$"))
    officer = User.objects.get(email="namfon@example.com")
    assert officer.signup_src == "circular-1114"
    fits_the_phone(page)

    # 4. The pre-test, on the phone (all questions on one page; she knows little yet).
    take_the_test(page, live_server, "แบบทดสอบก่อนการอบรม", right=False)

    # 5. The trainer starts the session; the participant presses Join and is in the room.
    trainer = User.objects.get(email="trainer@example.com")
    trainer_context = browser.new_context(locale="th-TH", timezone_id="Asia/Bangkok")
    log_in(trainer_context, trainer, live_server.url)
    console = trainer_context.new_page()
    console.goto(f"{live_server.url}/live/{round_1.pk}/console/")
    with trainer_context.expect_page() as new_tab:  # the room opens in a new tab
        console.get_by_role("button", name="เริ่ม / เข้าห้องในฐานะผู้ดำเนินการ").click()
    expect(new_tab.value.locator(".status")).to_have_text("คุณอยู่ในห้องประชุมแล้ว")
    page.goto(live_server.url + "/my-training/")
    page.get_by_role("button", name="เข้าห้องอบรม").click()
    expect(page.locator(".status")).to_have_text("คุณอยู่ในห้องประชุมแล้ว")
    expect(page.locator('[data-identifier="fullName"]')).to_contain_text("นางสาวน้ำฝน ใจดี")

    # 6. 170 minutes later the trainer ends the meeting; BBB's callbacks record attendance.
    requests.post(f"{emulator.base_url}/_emulator/clock", json={"advance_s": 170 * 60}, timeout=5)
    console.goto(f"{live_server.url}/live/{round_1.pk}/console/")
    console.get_by_label("ปิดห้องอบรมสำหรับทุกคน").check()
    console.get_by_role("button", name="ปิดห้องอบรม", exact=True).click()
    expect(console.locator(".message--success")).to_contain_text("ปิดห้องอบรมสำหรับทุกคนแล้ว")
    console.goto("about:blank")
    requests.post(f"{emulator.base_url}/_emulator/clock", json={"advance_s": 180}, timeout=5)
    calls = requests.get(f"{emulator.base_url}/_emulator/callbacks?wait=1", timeout=15).json()
    assert {c["kind"]: c["status"] for c in calls} == {"end": 200, "analytics": 202}
    page.goto(f"{live_server.url}/live/{round_1.pk}/")
    attendance = page.locator("[data-attendance-status]")
    expect(attendance).to_have_attribute("data-attendance-status", "present")

    # 7. The post-test (one question per screen), all right this time: passed.
    take_the_test(page, live_server, "แบบทดสอบหลังการอบรม", right=True)
    expect(page.get_by_text("100%")).to_be_visible()
    scores = {a.quiz.kind: a.percent for a in Attempt.objects.filter(user=officer)}
    assert scores["post"] == 100 and scores["pre"] < 60

    # 8. The sandbox exercise of round 1: the city's profile and its waste figures.
    page.goto(live_server.url + "/my-training/")
    page.locator(".progress-item", has_text="แบบฝึกหัดระบบทดลอง SAR").get_by_role(
        "link", name="เปิดระบบทดลอง"
    ).click()
    page.get_by_role("button", name="เปิดพื้นที่ทำงาน").click()
    page.get_by_role("link", name="ข้อมูลพื้นฐานของเมือง").click()
    page.locator("#id_population").fill("25,000")
    page.locator("#id_households").fill("9000")
    page.locator("#id_area_km2").fill("12.5")
    page.locator("#id_communities").fill("20")
    page.get_by_role("button", name="บันทึก").click()
    expect(page.locator(".message--success")).to_contain_text("บันทึกแล้ว")
    page.locator(".sar-tabs").get_by_role("link", name="สิ่งแวดล้อมยั่งยืน").click()
    for field, value in (
        ("msw_generated_t", "10500"),
        ("msw_recycled_t", "2300"),
        ("msw_composted_t", "900"),
        ("msw_sanitary_landfill_t", "5600"),
        ("msw_incinerated_t", "0"),
        ("separating_households", "4100"),
    ):
        page.locator(f"#id_{field}").fill(value)
    page.get_by_role("button", name="บันทึก").click()
    expect(page.locator(".message--success")).to_contain_text("บันทึกแล้ว")

    # "การอบรมของฉัน" now shows every condition of the certificate met.
    page.goto(live_server.url + "/my-training/")
    expect(page.locator(".progress-item", has_text="แบบฝึกหัดระบบทดลอง SAR")).to_have_class(
        re.compile("progress-item--done")
    )
    fits_the_phone(page)

    # 9. DLA issues the certificate from the eligibility page.
    admin_context = browser.new_context(locale="th-TH", timezone_id="Asia/Bangkok")
    log_in(admin_context, admin, live_server.url)
    admin_page = admin_context.new_page()
    admin_page.goto(f"{live_server.url}/admin/certificate_policies/eligibility/{policy.pk}/")
    row = admin_page.locator("tr", has_text="น้ำฝน")
    expect(row).to_contain_text("นางสาวน้ำฝน ใจดี")
    row.get_by_role("button", name="ออกวุฒิบัตร").click()
    expect(admin_page.locator(".messages")).to_contain_text("ESC-")
    certificate = officer.certificates.get()

    # 10. The participant downloads the PDF; its QR opens the verification page: valid.
    page.goto(live_server.url + "/my-training/")
    expect(page.get_by_text(f"ออกแล้ว เลขที่ {certificate.number}")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="ดาวน์โหลด (PDF)").first.click()
    [url] = decode_qr(download.value.path().read_bytes())
    assert url == f"{live_server.url}/verify/{certificate.display_code}/"
    page.goto(url)
    expect(page.get_by_role("heading", name="วุฒิบัตรนี้ใช้ได้")).to_be_visible()
    fits_the_phone(page)
    trainer_context.close()
    admin_context.close()

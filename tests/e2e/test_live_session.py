"""A whole live session in real browsers, through the BBB emulator and its real callbacks."""

import datetime
import re
import time

import pytest
import requests
from django.conf import settings as django_settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from bbb_emulator import start_emulator
from courses.services import enrol_participant
from sessions.models import AttendanceRecord
from tests.factories import RoundFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SECRET = "e2e-bbb-secret-" + "0123456789abcdef" * 3


def log_in(context, user, base_url):
    client = Client()
    client.force_login(user)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": base_url}])


@pytest.fixture
def emulator(settings, live_server):
    running = start_emulator(
        secret=SECRET,
        clock="manual",
        now_ms=int(time.time() * 1000),
        callback_mode="send",  # callbacks really go to the live server
        # As on a real server, the callbacks come a little after the end: when the test
        # advances the emulator's clock, not while the trainer's request is still running.
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


def test_trainer_starts_participant_joins_and_gets_present_with_minutes(
    live_server, browser, phone_page, emulator
):
    now = timezone.now()
    round_ = RoundFactory(
        number=1,
        title="เมืองสิ่งแวดล้อมยั่งยืนกับระบบประเมินตนเอง",
        starts_at=now - datetime.timedelta(minutes=10),
        ends_at=now + datetime.timedelta(minutes=170),
        registration_opens_at=now - datetime.timedelta(days=7),
        registration_closes_at=now + datetime.timedelta(minutes=60),
    )
    trainer = UserFactory(role="trainer", first_name="วิทยากร", email="trainer@example.com")
    round_.trainers.add(trainer)
    officer = UserFactory(prefix="นางสาว", first_name="น้ำฝน", email="namfon@example.com")
    enrol_participant(user=officer, round_=round_)

    # The trainer starts the session from the console and lands in the meeting as MODERATOR.
    trainer_context = browser.new_context(locale="th-TH", timezone_id="Asia/Bangkok")
    log_in(trainer_context, trainer, live_server.url)
    console_page = trainer_context.new_page()
    console_page.goto(f"{live_server.url}/live/{round_.pk}/console/")
    # Start opens the room in a new tab; the console stays where it was.
    with trainer_context.expect_page() as new_tab:
        console_page.get_by_role("button", name="เริ่ม / เข้าห้องในฐานะผู้ดำเนินการ").click()
    meeting_page = new_tab.value
    expect(console_page).to_have_url(f"{live_server.url}/live/{round_.pk}/console/")
    expect(meeting_page).to_have_url(re.compile(re.escape(emulator.base_url) + "/html5client/"))
    expect(meeting_page.locator(".status")).to_have_text("คุณอยู่ในห้องประชุมแล้ว")
    expect(meeting_page.locator('[data-identifier="role"]')).to_contain_text("MODERATOR")

    # The participant presses Join on their phone and lands in the meeting as VIEWER.
    log_in(phone_page.context, officer, live_server.url)
    phone_page.goto(f"{live_server.url}/my-training/")
    phone_page.get_by_role("button", name="เข้าห้องอบรม").click()
    expect(phone_page.locator(".status")).to_have_text("คุณอยู่ในห้องประชุมแล้ว")
    expect(phone_page.locator('[data-identifier="fullName"]')).to_contain_text("นางสาวน้ำฝน")
    expect(phone_page.locator('[data-identifier="role"]')).to_contain_text("VIEWER")

    # The trainer's console shows the participant in the meeting, refreshing by itself.
    console = trainer_context.new_page()
    console.goto(f"{live_server.url}/live/{round_.pk}/console/")
    row = console.locator(f'tr[data-user-id="{officer.pk}"]')
    expect(row.locator('[data-field="in_meeting"]')).to_have_text("อยู่ในห้อง")
    expect(console.locator("[data-roster-inside]")).to_have_text("1")

    # 170 minutes later (the emulator's clock) the trainer ends the meeting.
    requests.post(f"{emulator.base_url}/_emulator/clock", json={"advance_s": 170 * 60}, timeout=5)
    console.get_by_label("ปิดห้องอบรมสำหรับทุกคน").check()
    console.get_by_role("button", name="ปิดห้องอบรม", exact=True).click()
    expect(console.locator(".message--success")).to_contain_text("ปิดห้องอบรมสำหรับทุกคนแล้ว")

    # BBB sends its end and (minutes later) analytics callbacks; wait until delivered.
    console.goto("about:blank")
    requests.post(f"{emulator.base_url}/_emulator/clock", json={"advance_s": 180}, timeout=5)
    calls = requests.get(f"{emulator.base_url}/_emulator/callbacks?wait=1", timeout=15).json()
    delivered = {c["kind"]: c["status"] for c in calls}
    assert delivered == {"end": 200, "analytics": 202}

    # The participant's attendance shows present with the minutes.
    phone_page.goto(f"{live_server.url}/live/{round_.pk}/")
    attendance = phone_page.locator("[data-attendance-status]")
    expect(attendance).to_have_attribute("data-attendance-status", "present")
    expect(attendance).to_contain_text("170 จาก 180 นาที")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360
    record = AttendanceRecord.objects.get(user=officer)
    assert (record.minutes_present, record.decided_by) == (170, "analytics")
    trainer_context.close()

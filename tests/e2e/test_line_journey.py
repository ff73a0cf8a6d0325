"""LINE in real browsers: the demo participant links LINE through the emulator's LINE Login,
enrols, and reads the confirmation and "the room is open" with a working Join link on the
emulator's phone page."""

import datetime
import re
import time

import pytest
import requests
from allauth.socialaccount.models import SocialApp
from django.conf import settings as django_settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from accounts.demo import seed_organisations, seed_users
from accounts.models import Role
from bbb_emulator import start_emulator as start_bbb
from line.models import LineLink
from line_emulator import start_emulator as start_line
from sessions.services import join_live_session
from tests.factories import RoundFactory
from tests.line_emulator.handle import ACCESS_TOKEN, CHANNEL_SECRET, LOGIN_ID, LOGIN_SECRET

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

BBB_SECRET = "e2e-bbb-secret-" + "0123456789abcdef" * 3


def log_in(context, user, base_url):
    client = Client()
    client.force_login(user)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": base_url}])


@pytest.fixture
def emulators(settings, live_server):
    bbb = start_bbb(
        secret=BBB_SECRET,
        clock="manual",
        now_ms=int(time.time() * 1000),
        callback_mode="capture",
        default_logout_url=live_server.url + "/",
    )
    line = start_line(
        access_token=ACCESS_TOKEN,
        channel_secret=CHANNEL_SECRET,
        login_channel_id=LOGIN_ID,
        login_channel_secret=LOGIN_SECRET,
        webhook_url=live_server.url + "/line/webhook/",
    )
    settings.SITE_URL = live_server.url
    settings.BBB_URL = bbb.url
    settings.BBB_SECRET = BBB_SECRET
    settings.BBB_WEBHOOKS = False
    settings.LINE_CHANNEL_ACCESS_TOKEN = ACCESS_TOKEN
    settings.LINE_CHANNEL_SECRET = CHANNEL_SECRET
    settings.LINE_API_URL = line.url
    settings.LINE_ACCESS_URL = line.url
    SocialApp.objects.create(provider="line", name="LINE", client_id=LOGIN_ID, secret=LOGIN_SECRET)
    yield bbb, line
    line.stop()
    bbb.stop()


def test_the_demo_participant_links_line_enrols_and_joins_from_the_line_message(
    live_server, browser, phone_page, emulators
):
    bbb, line = emulators
    seed_organisations()
    users = seed_users()
    participant, trainer = users[Role.PARTICIPANT], users[Role.TRAINER]
    now = timezone.now()
    round_ = RoundFactory(
        number=1,
        title="เมืองสิ่งแวดล้อมยั่งยืนกับระบบประเมินตนเอง",
        starts_at=now - datetime.timedelta(minutes=10),
        ends_at=now + datetime.timedelta(minutes=170),
        registration_opens_at=now - datetime.timedelta(days=7),
        registration_closes_at=now + datetime.timedelta(minutes=60),
    )
    round_.trainers.add(trainer)
    page = phone_page
    log_in(page.context, participant, live_server.url)

    # Profile → LINE notices: consent, then LINE Login on the emulator.
    page.goto(f"{live_server.url}/me/profile/")
    page.get_by_role("link", name="รับการแจ้งเตือนการอบรมทาง LINE").click()
    page.get_by_label(re.compile("ส่งการแจ้งเตือนการอบรม")).check()
    page.get_by_role("button", name="เชื่อมด้วย LINE Login").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("เข้าสู่ระบบด้วย LINE")
    page.get_by_label("ชื่อที่แสดงใน LINE").fill("น้ำฝน ใจดี")
    expect(page.get_by_label(re.compile("เพิ่มบัญชีทางการ"))).to_be_checked()
    page.get_by_role("button", name="อนุญาต").click()

    expect(page).to_have_url(re.compile(r"/me/line/$"))
    expect(page.get_by_role("heading", level=2)).to_have_text("เชื่อมบัญชี LINE ของท่านแล้ว")
    expect(page.locator(".line-display-name")).to_have_text("น้ำฝน ใจดี")
    expect(page.get_by_text("ท่านได้รับการแจ้งเตือนการอบรมทาง LINE")).to_be_visible()
    link = LineLink.objects.get(user=participant)
    assert link.following and link.line_user_id.startswith("U")
    page.get_by_label("LINE เท่านั้น").check()
    page.get_by_role("button", name="บันทึก").click()
    expect(page.get_by_text("บันทึกการเลือกของท่านแล้ว")).to_be_visible()

    # She enrols; the confirmation arrives in LINE.
    page.goto(f"{live_server.url}/enrol/{round_.programme.code}/")
    page.locator("input[name=rounds]").first.check()
    page.get_by_role("button", name="ลงทะเบียนครั้งที่เลือก").click()
    expect(page).to_have_url(re.compile(r"/my-training/$"))

    page.goto(f"{line.url}/phone/{link.line_user_id}")
    expect(page.locator(".bubble").first).to_contain_text("ยืนยันที่นั่งของท่านแล้ว")
    expect(page.locator(".bubble").first).to_contain_text("พ.ศ.")
    expect(page.get_by_role("link", name="เพิ่มลงปฏิทิน")).to_have_attribute(
        "href", f"{live_server.url}/line/calendar/{round_.pk}.ics"
    )

    # The trainer starts the session: "the room is open" with the Join link.
    decision = join_live_session(user=trainer, round_=round_)
    assert requests.get(decision.url, timeout=10).ok  # the trainer enters the meeting
    page.reload()
    room = page.locator(".bubble").filter(has_text="ห้องอบรมเปิดแล้ว")
    expect(room).to_have_count(1)
    room.get_by_role("link", name="เข้าห้องอบรม").click()

    expect(page).to_have_url(f"{live_server.url}/live/{round_.pk}/join/")
    page.get_by_role("button", name="เข้าห้องอบรม").click()
    expect(page).to_have_url(re.compile(re.escape(bbb.base_url) + "/html5client/"))
    expect(page.locator(".status")).to_have_text("คุณอยู่ในห้องประชุมแล้ว")
    expect(page.locator('[data-identifier="role"]')).to_contain_text("VIEWER")

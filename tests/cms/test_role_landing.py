"""Every role finds its way: where each lands after logging in, the trainer's rounds with
"เริ่ม/เข้าห้อง", the menu per role, and no LAO reminders for staff without an LAO."""

import datetime
import zoneinfo

import pytest
import time_machine
from allauth.account.models import EmailAddress

from courses.services import enrol_participant
from sessions.services import get_or_create_live_session
from tests.factories import RoundFactory, UserFactory

pytestmark = pytest.mark.django_db

BANGKOK = zoneinfo.ZoneInfo("Asia/Bangkok")
NOW = datetime.datetime(2026, 12, 2, 9, 0, tzinfo=BANGKOK)


def log_in(client, user):
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return client.post("/accounts/login/", {"login": user.email, "password": "test-password-2569"})


@pytest.mark.parametrize(
    ("fields", "landing"),
    [
        ({"role": "participant"}, "/my-training/"),
        ({"role": "trainer", "organisation": None}, "/my-rounds/"),
        (
            {"role": "provincial_coordinator", "coordinated_province_code": "50"},
            "/reports/coverage/",
        ),
        ({"role": "dla_admin", "is_staff": True, "organisation": None}, "/reports/"),
    ],
)
def test_each_role_lands_on_its_own_page_after_logging_in(client, fields, landing):
    response = log_in(client, UserFactory(**fields))
    assert response.status_code == 302
    assert response["Location"] == landing
    assert client.get(landing).status_code == 200


def test_a_next_link_the_person_followed_wins_over_the_landing_page(client):
    user = UserFactory(role="trainer")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    response = client.post(
        "/accounts/login/?next=/sar/",
        {"login": user.email, "password": "test-password-2569", "next": "/sar/"},
    )
    assert response["Location"] == "/sar/"


@time_machine.travel(NOW, tick=False)
def test_the_trainer_sees_todays_rounds_first_each_with_start_or_enter(client):
    trainer = UserFactory(role="trainer", organisation=None)
    later = RoundFactory(
        number=2,
        title="รอบหน้า",
        starts_at=NOW + datetime.timedelta(days=7),
        registration_opens_at=NOW - datetime.timedelta(days=1),
    )
    today = RoundFactory(
        number=1,
        title="รอบวันนี้",
        starts_at=NOW + datetime.timedelta(hours=4),
        registration_opens_at=NOW - datetime.timedelta(days=1),
    )
    past = RoundFactory(
        number=3,
        title="รอบที่ผ่านไปแล้ว",
        starts_at=NOW - datetime.timedelta(days=7),
        registration_opens_at=NOW - datetime.timedelta(days=10),
    )
    someone_elses = RoundFactory(number=4, title="รอบของคนอื่น", starts_at=NOW)
    for round_ in (later, today, past):
        round_.trainers.add(trainer)
    client.force_login(trainer)
    html = client.get("/my-rounds/").content.decode()
    assert html.index("รอบวันนี้") < html.index("รอบหน้า") < html.index("รอบที่ผ่านไปแล้ว")
    assert someone_elses.title not in html
    assert html.count("เริ่ม/เข้าห้อง") == 3
    assert f'href="/live/{today.pk}/console/"' in html
    assert client.get(f"/live/{today.pk}/console/").status_code == 200


def test_only_trainers_and_dla_administrators_have_a_rounds_page(client):
    client.force_login(UserFactory(role="participant"))
    assert client.get("/my-rounds/").status_code == 403
    client.force_login(UserFactory(role="provincial_coordinator", coordinated_province_code="50"))
    assert client.get("/my-rounds/").status_code == 403
    client.force_login(UserFactory(role="dla_admin", organisation=None))
    assert client.get("/my-rounds/").status_code == 200


def test_the_menu_offers_each_role_its_pages(client):
    client.force_login(UserFactory(role="trainer", organisation=None))
    html = client.get("/my-rounds/").content.decode()
    assert 'href="/my-rounds/"' in html
    assert 'href="/my-training/"' not in html
    client.force_login(UserFactory(role="participant"))
    html = client.get("/my-training/").content.decode()
    assert 'href="/my-training/"' in html
    assert 'href="/my-rounds/"' not in html


def test_staff_without_an_lao_are_not_asked_for_lao_details_or_consent(client):
    trainer = UserFactory(role="trainer", organisation=None)
    EmailAddress.objects.create(user=trainer, email=trainer.email, verified=True, primary=True)
    client.force_login(trainer)
    for url in ("/my-training/", "/me/profile/"):
        assert "message--warning" not in client.get(url).content.decode(), url
    participant = UserFactory(role="participant", organisation=None)
    client.force_login(participant)
    for url in ("/my-training/", "/me/profile/"):
        assert "message--warning" in client.get(url).content.decode(), url


def test_the_admins_live_session_list_links_each_console(client):
    round_ = RoundFactory(number=1)
    get_or_create_live_session(round_=round_)
    client.force_login(UserFactory(role="dla_admin", is_staff=True, is_superuser=True))
    html = client.get("/admin/live_sessions/").content.decode()
    assert f'href="/live/{round_.pk}/console/"' in html
    assert "เริ่ม/เข้าห้อง" in html


def test_a_trainer_enrolled_from_an_lao_still_has_my_training(client):
    trainer = UserFactory(role="trainer")
    enrol_participant(user=trainer, round_=RoundFactory(number=1))
    client.force_login(trainer)
    assert 'href="/my-training/"' in client.get("/my-rounds/").content.decode()

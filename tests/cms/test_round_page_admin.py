"""A round and its web page in the admin: linked both ways, and a saved round or programme
shows on the public pages at once, even for anonymous visitors served from the page
cache."""

import datetime

import pytest
from django.test import Client, override_settings

from accounts.models import User
from cms.models import RoundPage
from core.thai import format_thai_date
from courses.models import Round

pytestmark = pytest.mark.django_db

BANGKOK = datetime.timezone(datetime.timedelta(hours=7))


@pytest.fixture
def admin_client(client, demo_site):
    client.force_login(User.objects.get(email="admin@example.com"))
    return client


def _form_data(round_, **changes):
    def local(value):
        return value.astimezone(BANGKOK).strftime("%Y-%m-%d %H:%M")

    data = {
        "programme": round_.programme_id,
        "number": round_.number,
        "title": round_.title,
        "title_en": round_.title_en,
        "starts_at": local(round_.starts_at),
        "ends_at": local(round_.ends_at),
        "join_window_minutes": round_.join_window_minutes,
        "capacity": round_.capacity,
        "lao_quota": round_.lao_quota or "",
        "registration_opens_at": local(round_.registration_opens_at),
        "registration_closes_at": local(round_.registration_closes_at),
        "trainers": [trainer.pk for trainer in round_.trainers.all()],
    }
    data.update(changes)
    return data


def test_the_round_and_its_page_link_to_each_other_in_the_admin(admin_client):
    page = RoundPage.objects.get(locale__language_code="th", round__number=2)
    round_edit = f"/admin/rounds/edit/{page.round_id}/"
    page_edit = f"/admin/pages/{page.pk}/edit/"

    page_html = admin_client.get(page_edit).content.decode()
    assert f'href="{round_edit}"' in page_html

    round_html = admin_client.get(round_edit).content.decode()
    assert f'href="{page_edit}"' in round_html
    # ... and the public page, through the round's stable short link.
    assert 'href="/p/' in round_html


@override_settings(ANONYMOUS_PAGE_CACHE_SECONDS=600)
def test_saving_a_round_shows_its_new_dates_on_the_cached_public_page_at_once(
    admin_client, django_capture_on_commit_callbacks
):
    round_ = RoundPage.objects.get(locale__language_code="th", round__number=2).round
    visitor = Client()
    before = visitor.get("/programme/round-2/").content.decode()
    # Two weeks after the demo's date for the round (the demo dates follow the clock, and
    # CI moves the clock): 09:00 to 12:00 Bangkok, registration closing the day before.
    day = round_.starts_at.astimezone(BANGKOK).date() + datetime.timedelta(days=14)
    moved_to = datetime.datetime.combine(day, datetime.time(9, 0), tzinfo=BANGKOK)
    shown = [format_thai_date(moved_to, "short"), format_thai_date(moved_to, "long")]
    assert not any(text in before for text in shown)
    # Served from the cache until something says otherwise.
    assert visitor.get("/programme/round-2/").content.decode() == before

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            f"/admin/rounds/edit/{round_.pk}/",
            _form_data(
                round_,
                starts_at=f"{day:%Y-%m-%d} 09:00",
                ends_at=f"{day:%Y-%m-%d} 12:00",
                registration_closes_at=f"{day - datetime.timedelta(days=1):%Y-%m-%d} 12:00",
            ),
        )
    assert response.status_code == 302
    assert Round.objects.get(pk=round_.pk).starts_at == moved_to

    after = visitor.get("/programme/round-2/").content.decode()
    assert any(text in after for text in shown)


@override_settings(ANONYMOUS_PAGE_CACHE_SECONDS=600)
def test_saving_a_programme_shows_its_new_circular_number_on_the_cached_page_at_once(
    admin_client, django_capture_on_commit_callbacks
):
    programme = Round.objects.get(number=2).programme
    visitor = Client()
    before = visitor.get("/programme/").content.decode()
    new_number = "มท 0820.2/ว 9999"
    assert new_number not in before
    assert visitor.get("/programme/").content.decode() == before  # from the cache

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            f"/admin/programmes/edit/{programme.pk}/",
            {
                "title": programme.title,
                "title_en": programme.title_en,
                "code": programme.code,
                "circular_number": new_number,
            },
        )
    assert response.status_code == 302

    assert new_number in visitor.get("/programme/").content.decode()

"""A round and its web page in the admin: linked both ways, and a saved round shows on the
public page at once, even for anonymous visitors served from the page cache."""

import datetime

import pytest
from django.test import Client, override_settings

from accounts.models import User
from cms.models import RoundPage
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
    moved_to = datetime.datetime(2027, 3, 17, 9, 0, tzinfo=BANGKOK)
    assert "17 มี.ค. 2570" not in before and "17 มีนาคม พ.ศ. 2570" not in before
    # Served from the cache until something says otherwise.
    assert visitor.get("/programme/round-2/").content.decode() == before

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            f"/admin/rounds/edit/{round_.pk}/",
            _form_data(
                round_,
                starts_at="2027-03-17 09:00",
                ends_at="2027-03-17 12:00",
                registration_closes_at="2027-03-16 12:00",
            ),
        )
    assert response.status_code == 302
    assert Round.objects.get(pk=round_.pk).starts_at == moved_to

    after = visitor.get("/programme/round-2/").content.decode()
    assert "2570" in after
    assert "17 มี.ค. 2570" in after or "17 มีนาคม พ.ศ. 2570" in after

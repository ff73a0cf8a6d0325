"""The round form in the admin: trainers only in the trainer picker, dates in the Christian Era."""

import datetime

import pytest
import time_machine
from django.utils import translation

from accounts.models import Role
from courses.models import Round
from tests.factories import RoundFactory, UserFactory

pytestmark = pytest.mark.django_db

BANGKOK = datetime.timezone(datetime.timedelta(hours=7))
NOW = datetime.datetime(2026, 11, 20, 10, 0, tzinfo=BANGKOK)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def round_():
    starts = NOW + datetime.timedelta(days=14)
    return RoundFactory(
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=3),
        registration_opens_at=NOW - datetime.timedelta(days=1),
        registration_closes_at=starts - datetime.timedelta(hours=12),
    )


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True, organisation=None))
    return client


def form_data(round_, **changes):
    def local(value):
        return value.astimezone(BANGKOK).strftime("%Y-%m-%d %H:%M")

    data = {
        "programme": round_.programme_id,
        "number": round_.number,
        "title": round_.title,
        "title_en": "",
        "starts_at": local(round_.starts_at),
        "ends_at": local(round_.ends_at),
        "join_window_minutes": 30,
        "capacity": round_.capacity,
        "lao_quota": "",
        "registration_opens_at": local(round_.registration_opens_at),
        "registration_closes_at": local(round_.registration_closes_at),
    }
    data.update(changes)
    return data


def test_the_trainer_picker_lists_trainers_only(admin_client, round_):
    trainer = UserFactory(role=Role.TRAINER, first_name="สมหญิง", last_name="ผู้สอน")
    participant = UserFactory(role=Role.PARTICIPANT, first_name="สมชาย", last_name="ผู้เรียน")
    page = admin_client.get(f"/admin/rounds/edit/{round_.pk}/").content.decode()
    assert "สมหญิง" in page
    assert "สมชาย" not in page

    # A participant's id posted by hand is refused; a trainer's is saved.
    refused = admin_client.post(
        f"/admin/rounds/edit/{round_.pk}/", form_data(round_, trainers=[participant.pk])
    )
    assert refused.status_code == 200
    assert not round_.trainers.exists()
    saved = admin_client.post(
        f"/admin/rounds/edit/{round_.pk}/", form_data(round_, trainers=[trainer.pk])
    )
    assert saved.status_code == 302
    assert list(round_.trainers.all()) == [trainer]


def test_the_trainer_picker_is_searchable_and_lists_active_trainers_by_name_and_e_mail(
    admin_client, round_
):
    UserFactory(
        role=Role.TRAINER, first_name="สมหญิง", last_name="ผู้สอน", email="somying@example.org"
    )
    UserFactory(role=Role.TRAINER, first_name="สมปอง", last_name="ลาออก", is_active=False)
    with translation.override("th"):
        page = admin_client.get(f"/admin/rounds/edit/{round_.pk}/").content.decode()
    # Each row reads "name · e-mail", so typing either finds it; a former trainer is gone.
    assert "สมหญิง ผู้สอน · somying@example.org" in page
    assert "สมปอง" not in page
    assert "data-searchable-checkboxes" in page
    assert 'type="search"' in page
    assert "js/searchable_checkboxes.js" in page
    assert "ค้นหาด้วยชื่อหรืออีเมล" in page


def test_a_buddhist_era_year_typed_in_the_round_form_is_refused_in_thai(admin_client, round_):
    with translation.override("th"):
        response = admin_client.post(
            f"/admin/rounds/edit/{round_.pk}/",
            form_data(round_, starts_at="2569-12-04 09:00"),
            HTTP_ACCEPT_LANGUAGE="th",
        )
    assert response.status_code == 200
    assert "ปี 2569 เป็นปีพุทธศักราช" in response.content.decode()
    assert Round.objects.get(pk=round_.pk).starts_at == round_.starts_at

"""Only the owner edits; trainers of the owner's rounds and DLA admins read; others get 404."""

import pytest

from accounts.models import Role
from courses.services import enrol_participant
from sar.models import Entry
from tests.factories import RoundFactory, UserFactory

pytestmark = pytest.mark.django_db


def pages(workspace):
    pk = workspace.pk
    return [
        f"/sandbox/{pk}/",
        f"/sandbox/{pk}/edit/profile/",
        f"/sandbox/{pk}/edit/ENV/",
        f"/sandbox/{pk}/edit/GHG/",
        f"/sandbox/{pk}/results/",
        f"/sandbox/{pk}/results/print/",
        f"/sandbox/{pk}/export.xlsx",
        f"/sandbox/{pk}/export.json",
    ]


def posts(workspace):
    pk = workspace.pk
    return [
        (f"/sandbox/{pk}/edit/LIV/", {"all_streetlights": "10"}),
        (f"/sandbox/{pk}/ghg/activities/", {"ef": "lpg_mobile", "quantity": "1"}),
        (f"/sandbox/{pk}/reset/", {"start_from": "sample", "confirm": "on"}),
    ]


def test_the_owner_reads_and_edits(client, participant, workspace):
    client.force_login(participant)
    for url in pages(workspace):
        assert client.get(url).status_code == 200, url
    for url, data in posts(workspace):
        assert client.post(url, data).status_code == 302, url


def test_another_participant_gets_404_everywhere(client, workspace):
    client.force_login(UserFactory())
    for url in [*pages(workspace), f"/sandbox/{workspace.pk}/reset/"]:
        assert client.get(url).status_code == 404, url
    for url, data in posts(workspace):
        assert client.post(url, data).status_code == 404, url
    assert not Entry.objects.filter(workspace=workspace).exists()


def test_a_trainer_of_the_participants_round_reads_but_cannot_edit(client, workspace, trainer):
    client.force_login(trainer)
    for url in pages(workspace):
        assert client.get(url).status_code == 200, url
    html = client.get(f"/sandbox/{workspace.pk}/edit/ENV/").content.decode()
    assert "ดูอย่างเดียว" in html
    assert 'name="msw_generated_t"' in html and "disabled" in html
    assert "บันทึก</button>" not in html
    for url, data in posts(workspace):
        assert client.post(url, data).status_code == 403, url
    assert client.get(f"/sandbox/{workspace.pk}/reset/").status_code == 403
    assert not Entry.objects.filter(workspace=workspace).exists()


def test_a_trainer_of_another_round_gets_404(client, workspace, round_1):
    other_trainer = UserFactory(role=Role.TRAINER)
    RoundFactory(number=2).trainers.add(other_trainer)
    client.force_login(other_trainer)
    assert client.get(f"/sandbox/{workspace.pk}/").status_code == 404


def test_a_cancelled_enrolment_ends_the_trainers_access(
    client, participant, workspace, trainer, round_1
):
    from courses.models import Enrolment
    from courses.services import cancel_enrolment

    cancel_enrolment(enrolment=Enrolment.objects.get(user=participant, round=round_1))
    client.force_login(trainer)
    assert client.get(f"/sandbox/{workspace.pk}/").status_code == 404


def test_a_dla_admin_reads_every_workspace_read_only(client, workspace):
    admin = UserFactory(role=Role.DLA_ADMIN)
    client.force_login(admin)
    for url in pages(workspace):
        assert client.get(url).status_code == 200, url
    for url, data in posts(workspace):
        assert client.post(url, data).status_code == 403, url


def test_a_provincial_coordinator_gets_404(client, workspace):
    coordinator = UserFactory(role=Role.PROVINCIAL_COORDINATOR, coordinated_province_code="50")
    client.force_login(coordinator)
    assert client.get(f"/sandbox/{workspace.pk}/").status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client, workspace):
    for url in [*pages(workspace), "/sandbox/"]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/accounts/login/" in response["Location"]


def test_the_class_page_is_for_the_rounds_trainers_only(client, participant, trainer, round_1):
    other = UserFactory(role=Role.TRAINER)
    client.force_login(other)
    assert client.get(f"/sandbox/class/{round_1.pk}/").status_code == 404
    client.force_login(participant)
    assert client.get(f"/sandbox/class/{round_1.pk}/").status_code == 404
    client.force_login(trainer)
    assert client.get(f"/sandbox/class/{round_1.pk}/").status_code == 200


def test_enrolment_in_any_of_the_trainers_rounds_gives_access(client, participant, workspace):
    trainer = UserFactory(role=Role.TRAINER)
    round_3 = RoundFactory(number=3)
    round_3.trainers.add(trainer)
    client.force_login(trainer)
    assert client.get(f"/sandbox/{workspace.pk}/").status_code == 404
    enrol_participant(user=participant, round_=round_3)
    assert client.get(f"/sandbox/{workspace.pk}/").status_code == 200


def test_sandbox_pages_have_no_inline_script_or_style(client, participant, sample_workspace):
    """The strict Content-Security-Policy allows neither."""
    client.force_login(participant)
    import re

    for url in [*pages(sample_workspace)[:6], "/sandbox/"]:
        html = client.get(url).content.decode()
        assert " style=" not in html, url
        assert "<style" not in html, url
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), url

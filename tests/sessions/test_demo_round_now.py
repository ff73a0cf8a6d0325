"""`seed_demo --round-now 1`: someone trying `make run` can Start as the trainer and Join as
the participant, through the emulator."""

import io

import pytest
from django.conf import settings
from django.core.management import call_command

from accounts.models import User
from courses.models import Enrolment, Programme

pytestmark = pytest.mark.django_db


def test_the_demo_round_moved_to_now_can_be_started_and_joined(client, bbb_emulator):
    out = io.StringIO()
    call_command("seed_demo", "--round-now", "1", stdout=out)
    round_1 = Programme.objects.get(code="esc-2569").rounds.get(number=1)
    # Full addresses, to paste into a browser.
    assert f"{settings.SITE_URL}/live/{round_1.pk}/console/" in out.getvalue()
    assert f"{settings.SITE_URL}/my-training/" in out.getvalue()
    participant = User.objects.get(email="participant@example.com")
    assert Enrolment.objects.get(user=participant, round=round_1).status == "enrolled"

    client.force_login(User.objects.get(email="trainer@example.com"))
    started = client.post(f"/live/{round_1.pk}/join/")
    assert started.status_code == 302 and started["Location"].startswith(bbb_emulator.base_url)
    bbb_emulator.enter_by_url(started["Location"])

    client.force_login(participant)
    joined = client.post(f"/live/{round_1.pk}/join/")
    assert joined.status_code == 302
    room = bbb_emulator.enter_by_url(joined["Location"])
    assert "คุณอยู่ในห้องประชุมแล้ว" in room.text and "VIEWER" in room.text


def test_without_the_option_the_demo_rounds_stay_ahead(client):
    call_command("seed_demo", stdout=io.StringIO())
    participant = User.objects.get(email="participant@example.com")
    assert not Enrolment.objects.filter(user=participant).exists()

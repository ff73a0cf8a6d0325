import datetime

import pytest
from django.utils import timezone

from accounts.models import ConsentPurpose
from accounts.services import give_consent
from line.models import Channels, LineLink
from line_emulator import start_emulator
from tests.accounts.factories import ReadyParticipantFactory
from tests.factories import RoundFactory
from tests.line_emulator.handle import (
    ACCESS_TOKEN,
    CHANNEL_SECRET,
    LOGIN_ID,
    LOGIN_SECRET,
    LineEmulatorHandle,
)


@pytest.fixture
def line_emulator(settings):
    """The LINE emulator on a free port, with the settings pointing at it (channel on)."""
    running = start_emulator(
        access_token=ACCESS_TOKEN,
        channel_secret=CHANNEL_SECRET,
        login_channel_id=LOGIN_ID,
        login_channel_secret=LOGIN_SECRET,
    )
    settings.LINE_CHANNEL_ACCESS_TOKEN = ACCESS_TOKEN
    settings.LINE_CHANNEL_SECRET = CHANNEL_SECRET
    settings.LINE_API_URL = running.url
    settings.LINE_ACCESS_URL = running.url
    settings.LINE_RETRY_BASE_SECONDS = 0
    yield LineEmulatorHandle(running)
    running.stop()


@pytest.fixture
def line_login_app(db, settings, line_emulator):
    from allauth.socialaccount.models import SocialApp

    settings.LINE_LOGIN_CHANNEL_ID = LOGIN_ID
    settings.LINE_LOGIN_CHANNEL_SECRET = LOGIN_SECRET
    return SocialApp.objects.create(
        provider="line", name="LINE Login", client_id=LOGIN_ID, secret=LOGIN_SECRET
    )


def linked_participant(emulator, name: str, *, channels=Channels.LINE, **kwargs):
    """A ready participant whose LINE account is linked and follows the official account."""
    user = ReadyParticipantFactory(**kwargs)
    give_consent(user=user, purpose=ConsentPurpose.LINE)
    line_user_id = emulator.add_friend(name)
    LineLink.objects.create(
        user=user,
        line_user_id=line_user_id,
        display_name=name,
        following=True,
        channels=channels,
        linked_at=timezone.now(),
    )
    return user, line_user_id


@pytest.fixture
def upcoming_round(db):
    now = timezone.now()
    return RoundFactory(
        number=1,
        capacity=50,
        starts_at=now + datetime.timedelta(days=3),
        ends_at=now + datetime.timedelta(days=3, hours=3),
        registration_opens_at=now - datetime.timedelta(days=10),
        registration_closes_at=now + datetime.timedelta(days=2),
    )

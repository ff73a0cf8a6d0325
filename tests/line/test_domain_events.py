"""The domain apps' events reach LINE: the room is open (a trainer starts), certificates."""

import pytest

from certificates.services import issue_certificate, revoke_certificate
from courses.services import enrol_participant
from sessions.services import join_live_session
from tests.certificates.factories import CompletionPolicyFactory
from tests.sessions.conftest import bbb_emulator, live_round  # noqa: F401 (fixtures)

from .conftest import linked_participant

pytestmark = pytest.mark.django_db


def test_the_trainer_starting_sends_the_join_link(
    line_emulator,
    bbb_emulator,  # noqa: F811 (the fixture imported above)
    live_round,  # noqa: F811
    settings,
    django_capture_on_commit_callbacks,
):
    user, line_user_id = linked_participant(line_emulator, "ผู้เข้าอบรม")
    enrol_participant(user=user, round_=live_round)
    with django_capture_on_commit_callbacks(execute=True):
        join_live_session(user=live_round.trainer, round_=live_round)
    (message,) = line_emulator.messages(line_user_id)
    assert "ห้องอบรมเปิดแล้ว" in message["altText"]
    (button,) = message["contents"]["footer"]["contents"]
    assert button["action"]["uri"] == f"{settings.SITE_URL}/live/{live_round.pk}/join/"
    # The trainer joining again (same meeting) sends nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        join_live_session(user=live_round.trainer, round_=live_round)
    assert len(line_emulator.messages(line_user_id)) == 1


def test_a_certificate_issued_then_revoked_is_told_in_line(
    line_emulator, upcoming_round, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.CERTIFICATE_PDF_ROOT = tmp_path
    user, line_user_id = linked_participant(line_emulator, "ผู้ผ่านการอบรม")
    policy = CompletionPolicyFactory(programme=upcoming_round.programme, round=upcoming_round)
    with django_capture_on_commit_callbacks(execute=True):
        certificate = issue_certificate(
            policy=policy, user=user, check_eligibility=False, render=False
        ).certificate
    with django_capture_on_commit_callbacks(execute=True):
        revoke_certificate(certificate=certificate, reason="ข้อมูลผิด", revoked_by=None)
    issued, revoked = line_emulator.messages(line_user_id)
    assert "ออกวุฒิบัตรของท่านแล้ว" in issued["altText"]
    assert certificate.number in issued["altText"]
    verify = issued["contents"]["footer"]["contents"][1]["action"]["uri"]
    assert "/verify/" in verify
    assert "เพิกถอน" in revoked["altText"]

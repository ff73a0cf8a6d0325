"""The audit log: the actions that matter reach Wagtail's site history, which DLA
administrators read in Thai, and which participants and coordinators cannot open."""

import pytest
from django.urls import reverse
from wagtail.log_actions import log

from accounts.models import Role
from accounts.services import change_role
from certificates.services import issue_certificate, revoke_certificate
from sessions import services as session_services
from sessions.models import AttendanceStatus
from tests.certificates.conftest import enrol
from tests.certificates.factories import CompletionPolicyFactory
from tests.factories import RoundFactory, UserFactory

pytestmark = pytest.mark.django_db

SITE_HISTORY = reverse("wagtailadmin_reports:site_history")


@pytest.fixture
def audited_actions():
    """Real actions through the services that perform them."""
    admin = UserFactory(role=Role.DLA_ADMIN, is_staff=True, is_superuser=True)
    trainer = UserFactory(role=Role.TRAINER)
    round_ = RoundFactory(number=1)
    round_.trainers.add(trainer)
    participant = UserFactory(prefix="นางสาว", first_name="น้ำฝน", last_name="ใจดี")
    enrol(participant, round_)
    policy = CompletionPolicyFactory(programme=round_.programme, round=round_)
    certificate = issue_certificate(
        policy=policy, user=participant, issued_by=admin, render=False
    ).certificate
    revoke_certificate(certificate=certificate, reason="ออกผิดคน", revoked_by=admin)
    session = session_services.get_or_create_live_session(round_=round_)
    session_services.mark_attendance(
        session=session,
        user=participant,
        status=AttendanceStatus.EXCUSED,
        reason="ลาป่วย มีใบรับรองแพทย์",
        by=trainer,
    )
    officer = UserFactory(email="somchai@example.com")
    change_role(
        user=officer,
        role=Role.PROVINCIAL_COORDINATOR,
        coordinated_province_code="50",
        changed_by=admin,
    )
    # What the LAO directory import view records after a successful import.
    log(
        instance=admin,
        action="esc.accounts.lao_directory_imported",
        user=admin,
        title=admin.email,
        data={"file": "lao.xlsx", "new": 3, "updated": 1},
    )
    return admin


def test_dla_administrators_read_the_audit_log_in_thai(client, audited_actions):
    client.force_login(audited_actions)
    response = client.get(SITE_HISTORY)
    assert response.status_code == 200
    page = response.content.decode()
    for label in (
        "ออกวุฒิบัตรแล้ว",
        "เพิกถอนวุฒิบัตรแล้ว",
        "วิทยากรแก้ไขสถานะการเข้าร่วม",
        "นำเข้าทะเบียน อปท.",
        "ผู้ประสานงานจังหวัด (เชียงใหม่)",
    ):
        assert label in page, label


@pytest.mark.parametrize("role", [Role.PARTICIPANT, Role.PROVINCIAL_COORDINATOR])
def test_participants_and_coordinators_cannot_open_the_audit_log(client, audited_actions, role):
    client.force_login(UserFactory(role=role, coordinated_province_code="50"))
    response = client.get(SITE_HISTORY)
    assert response.status_code in (302, 403)
    assert "ออกวุฒิบัตรแล้ว" not in response.content.decode()

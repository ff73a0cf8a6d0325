import io

import pytest
from django.core.management import call_command

from certificates.demo import POLICY_TITLE, ROUND_1_POLICY_TITLE
from certificates.models import CertificateTemplate, CompletionPolicy

pytestmark = pytest.mark.django_db


def test_seed_demo_adds_templates_and_a_programme_policy_once(demo_site):
    call_command("seed_demo", stdout=io.StringIO())  # a second run changes nothing
    assert CompletionPolicy.objects.count() == 2  # the programme's and round 1's
    round_policy = CompletionPolicy.objects.get(round__number=1)
    assert round_policy.title == ROUND_1_POLICY_TITLE
    assert sorted(round_policy.conditions.values_list("kind", flat=True)) == [
        "attendance",
        "post_test_passed",
        "sandbox_exercise",
    ]
    policy = CompletionPolicy.objects.get(round__isnull=True)
    assert policy.title == POLICY_TITLE
    assert policy.round is None
    assert sorted(policy.conditions.values_list("kind", flat=True)) == [
        "attendance",
        "post_test_passed",
        "sandbox_exercise",
    ]
    assert CertificateTemplate.objects.count() == 2
    template = policy.template
    assert template.latest_revision_id is not None
    assert [block.value["logo"] is not None for block in template.agencies] == [True, True]


def test_sample_command_renders_a_png(demo_site, tmp_path):
    output = tmp_path / "sample.png"
    call_command("render_certificate_sample", str(output), "--dpi", "40", stdout=io.StringIO())
    assert output.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_demo_administrator_opens_every_certificate_page(client, demo_site):
    from accounts.models import User

    client.force_login(User.objects.get(email="admin@example.com"))
    policy = CompletionPolicy.objects.get(round__isnull=True)
    template = policy.template
    for url in (
        "/admin/certificate_policies/",
        f"/admin/certificate_policies/edit/{policy.pk}/",
        f"/admin/certificate_policies/eligibility/{policy.pk}/",
        "/admin/certificates_issued/",
        "/admin/certificate_jobs/",
        "/admin/snippets/certificates/certificatetemplate/",
        f"/admin/snippets/certificates/certificatetemplate/edit/{template.pk}/",
        f"/admin/snippets/certificates/certificatetemplate/history/{template.pk}/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
    html = client.get(f"/admin/certificate_policies/edit/{policy.pk}/").content.decode()
    assert "sandbox_exercise" in html  # the condition kinds are offered even before sar lands


def test_demo_participant_sees_why_there_is_no_certificate_yet(client, demo_site):
    """Before the training the demo participant sees each condition still missing."""
    from accounts.models import User
    from courses.models import Round
    from courses.services import enrol_participant

    participant = User.objects.get(email="participant@example.com")
    enrol_participant(user=participant, round_=Round.objects.get(number=1))
    client.force_login(participant)
    html = client.get("/my-certificates/").content.decode()
    assert "ยังตรวจเงื่อนไขนี้ไม่ได้" not in html  # every condition has its app now
    assert "เข้าร่วม" in html  # the attendance condition, not met yet

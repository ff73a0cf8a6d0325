import io

import pytest
from django.core.management import call_command

from certificates.demo import POLICY_TITLE
from certificates.models import CertificateTemplate, CompletionPolicy

pytestmark = pytest.mark.django_db


def test_seed_demo_adds_templates_and_a_programme_policy_once(demo_site):
    call_command("seed_demo", stdout=io.StringIO())  # a second run changes nothing
    policy = CompletionPolicy.objects.get()
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

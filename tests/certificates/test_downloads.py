import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail import hooks

from certificates.services import issue_certificate, revoke_certificate
from courses.progress import MY_TRAINING_ROUND_ITEMS_HOOK
from tests.factories import RoundFactory, UserFactory

from .conftest import enrol
from .factories import CompletionPolicyFactory, EnglishTemplateFactory, PolicyConditionFactory
from .pdfcheck import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def policy(evidence):
    round_ = RoundFactory(number=1)
    policy = CompletionPolicyFactory(
        programme=round_.programme, round=round_, template_en=EnglishTemplateFactory()
    )
    PolicyConditionFactory(policy=policy, kind="attendance", min_percent=80)
    return policy


def holder(evidence, policy, **fields):
    user = UserFactory(**fields)
    enrol(user, policy.round)
    evidence.attend(user, policy.round)
    return user, issue_certificate(policy=policy, user=user, render=False).certificate


def test_participant_downloads_their_own_pdf(client, evidence, policy):
    user, certificate = holder(evidence, policy)
    client.force_login(user)
    response = client.get(f"/my-certificates/{certificate.pk}/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert certificate.number in response["Content-Disposition"]
    assert certificate.number in pdf_text(response.content)


def test_nobody_downloads_another_participants_certificate(client, evidence, policy):
    _owner, certificate = holder(evidence, policy)
    someone_else, _theirs = holder(evidence, policy)
    client.force_login(someone_else)
    assert client.get(f"/my-certificates/{certificate.pk}/pdf/").status_code == 404
    assert client.get(f"/my-certificates/{certificate.pk}/pdf/?lang=en").status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client, evidence, policy):
    _owner, certificate = holder(evidence, policy)
    response = client.get(f"/my-certificates/{certificate.pk}/pdf/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_revoked_certificate_cannot_be_downloaded(client, evidence, policy):
    user, certificate = holder(evidence, policy)
    revoke_certificate(certificate=certificate, reason="ทดสอบ", revoked_by=None)
    client.force_login(user)
    assert client.get(f"/my-certificates/{certificate.pk}/pdf/").status_code == 404
    assert "ถูกเพิกถอน" in client.get("/my-certificates/").content.decode()


def test_english_version_only_with_an_english_name(client, evidence, policy):
    with_name, certificate = holder(
        evidence, policy, first_name_en="Somchai", last_name_en="Jaidee"
    )
    client.force_login(with_name)
    response = client.get(f"/my-certificates/{certificate.pk}/pdf/?lang=en")
    assert response.status_code == 200
    assert "Somchai Jaidee" in pdf_text(response.content)

    without, other = holder(evidence, policy, first_name_en="", last_name_en="")
    client.force_login(without)
    assert client.get(f"/my-certificates/{other.pk}/pdf/?lang=en").status_code == 404


def test_my_certificates_explains_what_is_missing(client, evidence, policy):
    user = UserFactory()
    enrol(user, policy.round)
    evidence.attend(user, policy.round, minutes=60)
    client.force_login(user)

    # Before the round: the conditions, neutral, nothing "missing" yet.
    html = client.get("/my-certificates/").content.decode()
    assert "เงื่อนไขการได้รับวุฒิบัตร:" in html
    assert "condition--missing" not in html
    assert "เข้าร่วม 60 จาก 180 นาที (33%)" in html

    with time_machine.travel(policy.round.ends_at + datetime.timedelta(days=1)):
        html = client.get("/my-certificates/").content.decode()
    assert "ยังขาด: เข้าร่วมการอบรมอย่างน้อยร้อยละ 80" in html
    assert "เข้าร่วม 60 จาก 180 นาที (33%)" in html
    assert "condition--missing" in html


def test_my_training_shows_the_certificate_line_for_each_round(client, evidence, policy):
    user, certificate = holder(evidence, policy)
    waiting = RoundFactory(programme=policy.programme, number=2)
    second = CompletionPolicyFactory(programme=policy.programme, round=waiting)
    PolicyConditionFactory(policy=second, kind="attendance", min_percent=80)
    enrol(user, waiting)
    client.force_login(user)

    after = waiting.ends_at + datetime.timedelta(days=1)  # the conditions' verdicts
    with CaptureQueriesContext(connection) as two_rounds, time_machine.travel(after):
        html = client.get("/my-training/").content.decode()

    assert f"ออกแล้ว เลขที่ {certificate.number}" in html
    assert f"/my-certificates/{certificate.pk}/pdf/" in html
    assert "ยังขาด: เข้าร่วมการอบรมอย่างน้อยร้อยละ 80" in html

    # Two more rounds with policies, and a programme policy: not one query more.
    for number in (3, 4):
        round_ = RoundFactory(programme=policy.programme, number=number)
        PolicyConditionFactory(
            policy=CompletionPolicyFactory(programme=policy.programme, round=round_),
            kind="attendance",
        )
        enrol(user, round_)
    CompletionPolicyFactory(programme=policy.programme, title="วุฒิบัตรทั้งโครงการ")
    after = max(r.ends_at for r in policy.programme.rounds.all()) + datetime.timedelta(days=1)
    with CaptureQueriesContext(connection) as four_rounds, time_machine.travel(after):
        html = client.get("/my-training/").content.decode()
    assert html.count("ยังขาด: ") == 3  # rounds 2-4
    assert "ผ่านเกณฑ์ครบแล้ว จะได้รับวุฒิบัตรเร็ว ๆ นี้" in html  # the programme's line
    assert len(four_rounds) <= len(two_rounds)


def test_round_items_hook_is_registered():
    names = [fn.__name__ for fn in hooks.get_hooks(MY_TRAINING_ROUND_ITEMS_HOOK)]
    assert "round_progress_items" in names

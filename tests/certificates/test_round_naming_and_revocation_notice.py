"""A round's certificate names its round; a programme certificate names all its rounds;
a revoked certificate is told to its holder, by e-mail and on their pages."""

import pytest
from django.core import mail

from certificates.demo import THAI_TEMPLATE
from certificates.rendering import facts_for, issued_html
from certificates.services import issue_certificate, reissue_certificate, revoke_certificate
from tests.factories import RoundFactory, UserFactory

from .conftest import enrol
from .factories import CertificateTemplateFactory, CompletionPolicyFactory, PolicyConditionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def rounds():
    first = RoundFactory(number=1, title="เมืองสิ่งแวดล้อมยั่งยืนกับระบบประเมินตนเอง")
    others = [
        RoundFactory(number=n, programme=first.programme, title=f"หัวข้อครั้งที่ {n}") for n in (2, 3, 4)
    ]
    return [first, *others]


def demo_template():
    return CertificateTemplateFactory(body=THAI_TEMPLATE["body"])


def test_a_round_certificate_names_its_round_and_the_programme(evidence, rounds):
    policy = CompletionPolicyFactory(
        programme=rounds[0].programme, round=rounds[0], template=demo_template()
    )
    PolicyConditionFactory(policy=policy, kind="attendance", min_percent=80)
    user = UserFactory()
    enrol(user, rounds[0])
    evidence.attend(user, rounds[0])
    certificate = issue_certificate(policy=policy, user=user).certificate

    assert facts_for(certificate).training == ("ครั้งที่ 1: เมืองสิ่งแวดล้อมยั่งยืนกับระบบประเมินตนเอง")
    html = issued_html(certificate)
    assert 'ได้ผ่านการอบรม <span class="ph-training">ครั้งที่ ๑: เมืองสิ่งแวดล้อมยั่งยืน' in html
    assert f'ตาม<span class="ph-programme">{certificate.programme_title}' in html


def test_a_programme_certificate_names_all_four_rounds(evidence, rounds):
    policy = CompletionPolicyFactory(programme=rounds[0].programme, template=demo_template())
    user = UserFactory()
    enrol(user, *rounds)
    certificate = issue_certificate(policy=policy, user=user).certificate

    assert [r["number"] for r in certificate.rounds_covered] == [1, 2, 3, 4]
    assert facts_for(certificate).training == "ครบทั้ง 4 ครั้ง (ครั้งที่ 1 2 3 และ 4)"
    assert facts_for(certificate, "en").training == "all 4 rounds (rounds 1, 2, 3 and 4)"
    assert "ครบทั้ง ๔ ครั้ง (ครั้งที่ ๑ ๒ ๓ และ ๔)" in issued_html(certificate)
    # Later changes to the rounds never change what was issued.
    rounds[3].delete()
    certificate.refresh_from_db()
    assert "ครบทั้ง ๔ ครั้ง" in issued_html(certificate)


def test_revoking_emails_the_participant_the_reason_in_thai(
    evidence, rounds, django_capture_on_commit_callbacks
):
    policy = CompletionPolicyFactory(programme=rounds[0].programme, round=rounds[0])
    user = UserFactory(email="namfon@example.com")
    enrol(user, rounds[0])
    certificate = issue_certificate(policy=policy, user=user, notify=False).certificate
    with django_capture_on_commit_callbacks(execute=True):
        revoke_certificate(
            certificate=certificate,
            reason="ข้อมูลการเข้าร่วมผิดพลาด",
            revoked_by=UserFactory(role="dla_admin"),
        )
    [message] = mail.outbox
    assert message.to == ["namfon@example.com"]
    assert message.subject == f"วุฒิบัตรของท่านถูกเพิกถอน: {rounds[0].title}"
    assert "เหตุผลจาก สถ.: ข้อมูลการเข้าร่วมผิดพลาด" in message.body
    assert f"/verify/{certificate.display_code}/" in message.body


def test_a_reissue_sends_only_the_new_certificate(
    evidence, rounds, django_capture_on_commit_callbacks
):
    policy = CompletionPolicyFactory(programme=rounds[0].programme, round=rounds[0])
    user = UserFactory(email="namfon@example.com")
    enrol(user, rounds[0])
    old = issue_certificate(policy=policy, user=user, notify=False).certificate
    with django_capture_on_commit_callbacks(execute=True):
        reissue_certificate(certificate=old, reason="แก้ชื่อ", issued_by=UserFactory())
    assert [m.subject.split(":")[0] for m in mail.outbox] == ["วุฒิบัตรของท่านพร้อมแล้ว"]


def test_my_pages_say_the_certificate_was_revoked_with_the_reason_not_issued_soon(
    client, evidence, rounds
):
    policy = CompletionPolicyFactory(programme=rounds[0].programme, round=rounds[0])
    PolicyConditionFactory(policy=policy, kind="attendance", min_percent=80)
    user = UserFactory()
    enrol(user, rounds[0])
    evidence.attend(user, rounds[0])
    client.force_login(user)
    assert "จะได้รับวุฒิบัตรเร็ว ๆ นี้" in client.get("/my-training/").content.decode()
    certificate = issue_certificate(policy=policy, user=user, notify=False).certificate
    revoke_certificate(
        certificate=certificate, reason="ข้อมูลการเข้าร่วมผิดพลาด", revoked_by=UserFactory()
    )
    for url in ("/my-training/", "/my-certificates/"):
        html = client.get(url).content.decode()
        assert "วุฒิบัตรถูกเพิกถอน" in html, url
        assert "ข้อมูลการเข้าร่วมผิดพลาด" in html, url
        assert "เร็ว ๆ นี้" not in html, url


def test_the_conditions_are_one_line_each_and_neutral_before_the_round(client, evidence, rounds):
    policy = CompletionPolicyFactory(programme=rounds[0].programme, round=rounds[0])
    PolicyConditionFactory(policy=policy, kind="attendance", min_percent=80)
    PolicyConditionFactory(policy=policy, kind="post_test_passed")
    user = UserFactory()
    enrol(user, rounds[0])
    evidence.passed_post_test.add((user.pk, rounds[0].pk))
    client.force_login(user)
    html = client.get("/my-training/").content.decode()
    card = html.split('<span class="progress-item__label">วุฒิบัตร</span>', 1)[1]
    card = card.split("</section>", 1)[0]
    assert "เงื่อนไขการได้รับวุฒิบัตร:" in html
    assert "progress-item--missing" not in html
    assert card.count("progress-line progress-line--met") == 1  # the post-test, ticked
    assert card.count("progress-line progress-line--open") == 1  # attendance, still open
    assert 'href="/my-certificates/"' in html.split("</header>")[0]  # in the menu


def test_issued_certificates_come_first_on_my_certificates(client, evidence, rounds):
    waiting = CompletionPolicyFactory(
        programme=rounds[0].programme, round=rounds[0], title="ยังไม่ได้"
    )
    PolicyConditionFactory(policy=waiting, kind="attendance", min_percent=80)
    done = CompletionPolicyFactory(programme=rounds[0].programme, round=rounds[1], title="ได้แล้ว")
    user = UserFactory()
    enrol(user, rounds[0], rounds[1])
    certificate = issue_certificate(policy=done, user=user, notify=False, render=False).certificate
    client.force_login(user)
    html = client.get("/my-certificates/").content.decode()
    assert html.index(certificate.number) < html.index("ได้แล้ว") < html.index("ยังไม่ได้")

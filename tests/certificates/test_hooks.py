import datetime

import pytest
import time_machine
from wagtail import hooks

from certificates.services import issue_certificate, revoke_certificate
from courses.completion import TRAINED_MEMBERS_HOOK
from courses.progress import programme_items
from tests.factories import OrganisationFactory, RoundFactory, UserFactory

from .conftest import enrol
from .factories import CompletionPolicyFactory, PolicyConditionFactory

pytestmark = pytest.mark.django_db


def sar_trained_members(organisation) -> int:
    """As sar will call it: through the hook name, without importing certificates."""
    [hook] = hooks.get_hooks(TRAINED_MEMBERS_HOOK)
    return hook(organisation)


def test_sar_counts_members_holding_a_valid_programme_certificate(evidence):
    lao, other_lao = OrganisationFactory(), OrganisationFactory()
    round_ = RoundFactory(number=1)
    programme_policy = CompletionPolicyFactory(programme=round_.programme)
    round_policy = CompletionPolicyFactory(programme=round_.programme, round=round_)
    members = UserFactory.create_batch(3, organisation=lao)
    outsider = UserFactory(organisation=other_lao)
    for user in [*members, outsider]:
        enrol(user, round_)
    issued = [
        issue_certificate(policy=programme_policy, user=user, render=False).certificate
        for user in [*members[:2], outsider]
    ]
    issue_certificate(policy=round_policy, user=members[2], render=False)  # a round certificate
    assert sar_trained_members(lao) == 2
    revoke_certificate(certificate=issued[0], reason="ทดสอบ", revoked_by=None)
    assert sar_trained_members(lao) == 1
    assert sar_trained_members(other_lao) == 1


def test_my_training_programme_card_explains_the_programme_certificate(evidence):
    rounds = [RoundFactory(number=n) for n in (1,)]
    programme = rounds[0].programme
    rounds += [RoundFactory(programme=programme, number=n) for n in (2, 3, 4)]
    policy = CompletionPolicyFactory(programme=programme, min_rounds=3)
    PolicyConditionFactory(policy=policy, kind="attendance", min_percent=80)
    user = UserFactory()
    enrol(user, *rounds)
    evidence.attend(user, rounds[0])

    [item] = programme_items(user, programme)
    assert item.tone == "info"  # before the training is over: neutral
    assert "ผ่านการอบรมอย่างน้อย 3 ครั้ง" in " ".join(text for _met, text in item.lines)
    assert item.url == "/my-certificates/"
    with time_machine.travel(max(r.ends_at for r in rounds) + datetime.timedelta(days=1)):
        [item] = programme_items(user, programme)
    assert item.tone == "missing"
    assert "ผ่านการอบรมอย่างน้อย 3 ครั้ง" in item.status

    for round_ in rounds[1:3]:
        evidence.attend(user, round_)
    [item] = programme_items(user, programme)
    assert item.status == "ผ่านเกณฑ์ครบแล้ว จะได้รับวุฒิบัตรเร็ว ๆ นี้"

    certificate = issue_certificate(policy=policy, user=user, render=False).certificate
    [item] = programme_items(user, programme)
    assert (item.tone, item.url) == ("done", f"/my-certificates/{certificate.pk}/pdf/")

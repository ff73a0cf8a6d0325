"""At 00:30 on New Year's day in Bangkok it is still the old year in UTC: a certificate
issued then belongs to the new Buddhist-Era year, in its number and its printed date."""

import datetime

import pytest
import time_machine

from certificates.rendering import certificate_html, facts_for, prepare_template
from certificates.services import issue_certificate
from tests.factories import RoundFactory, UserFactory

from .conftest import enrol
from .factories import CompletionPolicyFactory, PolicyConditionFactory

pytestmark = pytest.mark.django_db

BANGKOK = datetime.timezone(datetime.timedelta(hours=7))
NEW_YEAR_0030 = datetime.datetime(2027, 1, 1, 0, 30, tzinfo=BANGKOK)


def test_a_certificate_issued_at_half_past_midnight_on_new_year_carries_the_new_be_year(
    evidence,
):
    round_ = RoundFactory(
        number=1,
        starts_at=datetime.datetime(2026, 12, 20, 9, tzinfo=BANGKOK),
        ends_at=datetime.datetime(2026, 12, 20, 12, tzinfo=BANGKOK),
        registration_opens_at=datetime.datetime(2026, 11, 1, tzinfo=BANGKOK),
        registration_closes_at=datetime.datetime(2026, 12, 19, tzinfo=BANGKOK),
    )
    policy = CompletionPolicyFactory(programme=round_.programme, round=round_)
    PolicyConditionFactory(policy=policy, kind="attendance", min_percent=80)
    user = UserFactory()
    with time_machine.travel(datetime.datetime(2026, 12, 1, 10, tzinfo=BANGKOK), tick=False):
        enrol(user, round_)
    evidence.attend(user, round_)

    with time_machine.travel(NEW_YEAR_0030, tick=False):
        certificate = issue_certificate(policy=policy, user=user).certificate

    assert certificate.number.split("-")[1] == "2570"
    html = certificate_html(
        prepare_template(certificate.template_revision.as_object()), facts_for(certificate)
    )
    assert "๑ มกราคม พ.ศ. ๒๕๗๐" in html  # the factory's template prints Thai digits
    assert "๒๕๖๙" not in html

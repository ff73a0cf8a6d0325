import pytest

from accounts.models import LaoType, Role
from courses.services import enrol_participant
from sar.services import create_workspace
from tests.factories import OrganisationFactory, RoundFactory, UserFactory


@pytest.fixture
def organisation(db):
    return OrganisationFactory(
        lao_type=LaoType.TOWN_MUNICIPALITY, name_th="เทศบาลเมืองทดสอบ", dla_code="7777777"
    )


@pytest.fixture
def participant(organisation):
    return UserFactory(organisation=organisation, first_name="น้ำฝน", last_name="ใจดี")


@pytest.fixture
def workspace(participant):
    return create_workspace(owner=participant, year_be=2569)


@pytest.fixture
def sample_workspace(participant):
    return create_workspace(owner=participant, year_be=2568, start_from="sample")


@pytest.fixture
def round_1(participant):
    round_ = RoundFactory(number=1)
    enrol_participant(user=participant, round_=round_)
    return round_


@pytest.fixture
def trainer(round_1):
    user = UserFactory(role=Role.TRAINER, organisation=None)
    round_1.trainers.add(user)
    return user


PROFILE_FORM = {
    "lao_type": "town_municipality",
    "population": "25,000",
    "households": "9000",
    "area_km2": "12.5",
    "communities": "20",
}

WASTE_FORM = {
    "msw_generated_t": "10500",
    "msw_recycled_t": "2300",
    "msw_composted_t": "900",
    "msw_sanitary_landfill_t": "5600",
    "msw_incinerated_t": "0",
    "separating_households": "4100",
}

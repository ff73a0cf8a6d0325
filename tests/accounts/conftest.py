import pytest
from django.core.cache import cache
from django.utils import translation

from tests.factories import OrganisationFactory


@pytest.fixture(autouse=True)
def _thai_and_fresh_cache():
    """Thai messages whatever an earlier test activated; allauth's rate limits start empty."""
    cache.clear()
    with translation.override("th"):
        yield


@pytest.fixture
def organisation(db):
    return OrganisationFactory(
        dla_code="5010101",
        name_th="เทศบาลนครเชียงใหม่",
        province_code="50",
        district_code="5001",
    )


@pytest.fixture
def signup_data(organisation):
    """A complete sign-up form as a participant fills it in."""

    def build(**overrides):
        data = {
            "province": "50",
            "district": "5001",
            "organisation": str(organisation.pk),
            "prefix": "นางสาว",
            "prefix_other": "",
            "first_name": "สมศรี",
            "last_name": "ใจดี",
            "first_name_en": "",
            "last_name_en": "",
            "position": "นักวิชาการสิ่งแวดล้อมปฏิบัติการ",
            "phone": "081-234-5678",
            "line_id": "",
            "email": "somsri@example.com",
            "password1": "Kh0nKaen-2569!",
            "password2": "Kh0nKaen-2569!",
            "consent_training": "on",
            "src": "",
        }
        data.update(overrides)
        return {key: value for key, value in data.items() if value is not None}

    return build

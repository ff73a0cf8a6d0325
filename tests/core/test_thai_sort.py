"""Provinces, districts and LAOs in Thai dictionary order, wherever a list shows them."""

import geothai
import pytest

from core.thai import thai_sort_key


def test_leading_vowels_sort_after_their_consonant():
    provinces = ["ภูเก็ต", "แพร่", "เพชรบุรี", "พิษณุโลก", "เชียงใหม่", "ชุมพร", "ชลบุรี", "ตาก", "ตรัง"]
    assert sorted(provinces, key=thai_sort_key) == [
        "ชลบุรี", "ชุมพร", "เชียงใหม่", "ตรัง", "ตาก", "พิษณุโลก", "เพชรบุรี", "แพร่", "ภูเก็ต",
    ]  # fmt: skip


def test_tone_marks_only_break_ties():
    assert sorted(["ก้าว", "กาว", "การ", "ก่า"], key=thai_sort_key) == ["ก่า", "การ", "กาว", "ก้าว"]


def thai_sorted(names):
    return sorted(names, key=thai_sort_key)


@pytest.mark.django_db
def test_every_province_and_district_list_is_in_dictionary_order(client):
    from accounts.forms import district_choices, province_choices

    provinces = [label for value, label in province_choices() if value]
    assert provinces == thai_sorted(provinces)
    assert provinces.index("เชียงใหม่") < provinces.index("ตาก")  # not after ฮ
    districts = [label for value, label in district_choices("50") if value]
    assert districts == thai_sorted(districts)
    assert len(districts) == len(geothai.districts("50"))


LAO_NAMES = [
    "องค์การบริหารส่วนตำบลดอนแก้ว",
    "เทศบาลตำบลริมเหนือ",
    "เทศบาลเมืองแม่โจ้",
    "องค์การบริหารส่วนตำบลขี้เหล็ก",
    "เทศบาลตำบลแม่แรม",
]


@pytest.fixture
def laos_of_a_district():
    from tests.factories import OrganisationFactory

    for name in LAO_NAMES:
        OrganisationFactory(name_th=name, province_code="50", district_code="5007")
    # In code-point order every องค์การ… came before every เทศบาล… (เ is after ฮ).
    assert sorted(LAO_NAMES) != thai_sorted(LAO_NAMES)
    return thai_sorted(LAO_NAMES)


@pytest.mark.django_db
def test_every_list_of_laos_is_in_dictionary_order(client, laos_of_a_district):
    from django.urls import reverse

    from accounts.forms import SignupForm
    from reports.scope import COUNTRY, Scope
    from reports.tables import build_coverage_report

    options = client.get(reverse("accounts:lao_options"), {"district": "5007"}).json()["options"]
    assert [option["label"] for option in options] == laos_of_a_district

    found = client.get(reverse("accounts:lao_search"), {"q": "ตำบล"}).json()["results"]
    names = [result["name"] for result in found]
    assert names == thai_sorted(names) and len(names) >= 3

    form = SignupForm(data={"province": "50", "district": "5007"})
    labels = [str(label) for value, label in form.fields["organisation"].choices if value]
    assert labels == laos_of_a_district

    report = build_coverage_report(Scope(COUNTRY), {"province": "50", "district": "5007"})
    assert [row["area"] for row in report.by_area.rows] == laos_of_a_district


@pytest.mark.django_db
def test_report_filters_and_round_filters_list_provinces_in_dictionary_order():
    from courses.models import Round
    from reports.forms import ReportFilterForm

    form = ReportFilterForm(
        {"province": "50"}, rounds=Round.objects.all(), fixed_province=None, with_district=True
    )
    for name in ("province", "district"):
        labels = [str(label) for value, label in form.fields[name].choices if value]
        assert labels == thai_sorted(labels), name

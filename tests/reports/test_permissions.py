"""Every report URL and export, called as every role: who sees what."""

import io

import pytest
from openpyxl import load_workbook

ROUND_TABLES = ["rounds", "rounds_by_province", "rounds_by_lao_type"]
COVERAGE_TABLES = ["coverage", "coverage_by_lao_type"]

ROUND_URLS = ["/reports/"] + [
    f"/reports/export/{table}.{fmt}" for table in ROUND_TABLES for fmt in ("csv", "xlsx")
]
COVERAGE_URLS = [
    "/reports/coverage/",
    "/reports/coverage/?province=50",
    "/reports/coverage/?province=50&district=5001",
    "/reports/coverage/missing/",
    *[
        f"/reports/coverage/export/{table}.{fmt}"
        for table in COVERAGE_TABLES
        for fmt in ("csv", "xlsx")
    ],
    "/reports/coverage/missing/export/missing.csv",
    "/reports/coverage/missing/export/missing.xlsx",
]
ALL_URLS = ROUND_URLS + COVERAGE_URLS


def text_of(response) -> str:
    """The page or the export's cells, as text."""
    if response["Content-Type"].startswith("application/vnd.openxml"):
        sheet = load_workbook(io.BytesIO(response.content)).active
        return "\n".join(
            ",".join("" if cell is None else str(cell) for cell in row)
            for row in sheet.iter_rows(values_only=True)
        )
    return response.content.decode("utf-8-sig")


@pytest.mark.parametrize("url", ALL_URLS)
def test_anonymous_people_are_sent_to_the_login_page(client, world, url):
    response = client.get(url)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("url", ALL_URLS)
def test_participants_see_no_report(client, world, url):
    client.force_login(world.participant)
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("url", ALL_URLS)
def test_dla_administrators_see_every_report_for_the_whole_country(client, world, url):
    client.force_login(world.admin)
    response = client.get(url)
    assert response.status_code == 200
    if "rounds" in url or url == "/reports/":
        text = text_of(response)
        assert world.round_1.numbered_title in text
        assert world.round_2.numbered_title in text
    if url == "/reports/coverage/":
        text = text_of(response)
        assert "เชียงใหม่" in text
        assert "ขอนแก่น" in text


@pytest.mark.parametrize("url", ROUND_URLS)
def test_a_trainer_sees_the_rounds_they_run_and_not_the_others(client, world, url):
    client.force_login(world.trainer_1)
    own = client.get(url)
    assert own.status_code == 200
    text = text_of(own)
    assert world.round_1.numbered_title in text
    assert world.round_2.numbered_title not in text
    # Asking for the other trainer's round shows nothing of it.
    other = client.get(url, {"round": world.round_2.pk})
    assert other.status_code == 200
    assert world.round_2.numbered_title not in text_of(other)


@pytest.mark.parametrize("url", COVERAGE_URLS)
def test_trainers_do_not_see_coverage(client, world, url):
    client.force_login(world.trainer_1)
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("url", ALL_URLS)
def test_a_coordinator_sees_their_province_only(client, world, url):
    client.force_login(world.coordinator)
    response = client.get(url)
    assert response.status_code == 200
    # Asking for another province changes nothing: the province is the coordinator's.
    other = client.get(url, {"province": "40"})
    assert other.status_code == 200
    for text in (text_of(response), text_of(other)):
        assert "ขอนแก่น" not in text
        assert "หนองเรือ" not in text


@pytest.mark.parametrize("url", ALL_URLS)
def test_the_other_provinces_coordinator_sees_theirs_and_not_chiang_mai(client, world, url):
    client.force_login(world.other_coordinator)
    response = client.get(url)
    assert response.status_code == 200
    text = text_of(response)
    assert "เชียงใหม่" not in text
    assert "จอมทอง" not in text


def test_a_coordinator_without_a_province_sees_nothing(client, world):
    world.coordinator.role = "participant"
    world.coordinator.save()
    client.force_login(world.coordinator)
    assert client.get("/reports/").status_code == 403


@pytest.mark.parametrize(
    "url",
    [
        "/reports/export/unknown.csv",
        "/reports/export/rounds.pdf",
        "/reports/coverage/export/rounds.csv",
        "/reports/coverage/missing/export/coverage.xlsx",
    ],
)
def test_unknown_tables_and_formats_are_not_found(client, world, url):
    client.force_login(world.admin)
    assert client.get(url).status_code == 404

"""What the dashboards count, and how many queries a page takes whatever the data size."""

import csv
import io
import re

import pytest
from openpyxl import load_workbook

from .conftest import build_world


def csv_rows(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def by_first_column(rows) -> dict[str, list[str]]:
    return {row[0]: row[1:] for row in rows[1:]}


def per_round(rows) -> dict[str, list[str]]:
    """The per-round table by its round column ("ครั้งที่ 1"), without the title column."""
    assert rows[0][:2] == ["ครั้งที่", "ชื่อการอบรม"]
    return {row[0]: row[2:] for row in rows[1:]}


def test_per_round_counts_enrolments_waiting_attendance_and_valid_certificates(client, world):
    client.force_login(world.admin)
    rows = per_round(csv_rows(client.get("/reports/export/rounds.csv")))
    # enrolled, wait-listed, present, partial, absent, excused, attended, certified
    assert rows["ครั้งที่ 1"][:8] == ["2", "1", "1", "1", "0", "0", "2", "1"]
    assert rows["ครั้งที่ 2"][:8] == ["2", "0", "0", "0", "1", "1", "0", "0"]
    assert rows["รวม"][:8] == ["4", "1", "1", "1", "1", "1", "2", "1"]


def test_per_round_pre_and_post_test_averages_learning_gain_and_passes(client, world):
    client.force_login(world.admin)
    rows = csv_rows(client.get("/reports/export/rounds.csv"))
    assert rows[0][-4:] == [
        "คะแนนเฉลี่ยก่อนเรียน (%)",
        "คะแนนเฉลี่ยหลังเรียน (%)",
        "พัฒนาการเฉลี่ย (คะแนน)",
        "ผ่านแบบทดสอบหลังเรียน",
    ]
    rows = per_round(rows)
    assert rows["ครั้งที่ 1"][-4:] == ["37.50", "75.00", "37.50", "1"]
    assert rows["ครั้งที่ 2"][-4:] == ["", "", "", "0"]
    # Khon Kaen's coordinator: nobody of the province took round 1's tests.
    client.force_login(world.other_coordinator)
    rows = per_round(csv_rows(client.get("/reports/export/rounds.csv")))
    assert rows["ครั้งที่ 1"][-4:] == ["", "", "", "0"]
    # Filtered to the LAO type of Chom Thong (nobody enrolled with a seat): no averages.
    client.force_login(world.admin)
    rows = per_round(
        csv_rows(client.get("/reports/export/rounds.csv", {"lao_type": "subdistrict_municipality"}))
    )
    assert rows["ครั้งที่ 1"][-4:] == ["", "", "", "0"]


def test_per_round_by_province_and_lao_type(client, world):
    client.force_login(world.admin)
    rows = csv_rows(client.get("/reports/export/rounds_by_province.csv"))
    assert rows[0][-4:] == [
        "คะแนนเฉลี่ยก่อนเรียน (%)",
        "คะแนนเฉลี่ยหลังเรียน (%)",
        "พัฒนาการเฉลี่ย (คะแนน)",
        "ผ่านแบบทดสอบหลังเรียน",
    ]
    firsts = [row[:10] for row in rows]
    assert ["ครั้งที่ 1", "เชียงใหม่", "2", "1", "1", "1", "0", "0", "2", "1"] in firsts
    assert ["ครั้งที่ 2", "ขอนแก่น", "1", "0", "0", "0", "1", "1", "0", "0"] in firsts
    assert ["ครั้งที่ 2", "เชียงใหม่", "1", "0", "0", "0", "0", "0", "0", "0"] in firsts
    tests = {tuple(row[:2]): row[-4:] for row in rows}
    # The round-1 test takers are all in Chiang Mai: the province has the round's figures.
    assert tests["ครั้งที่ 1", "เชียงใหม่"] == ["37.50", "75.00", "37.50", "1"]
    assert tests["ครั้งที่ 2", "ขอนแก่น"] == ["", "", "", "0"]
    rows = csv_rows(client.get("/reports/export/rounds_by_lao_type.csv"))
    firsts = [row[:10] for row in rows]
    assert ["ครั้งที่ 1", "เทศบาลนคร", "2", "0", "1", "1", "0", "0", "2", "1"] in firsts
    assert ["ครั้งที่ 1", "เทศบาลตำบล", "0", "1", "0", "0", "0", "0", "0", "0"] in firsts
    tests = {tuple(row[:2]): row[-4:] for row in rows}
    assert tests["ครั้งที่ 1", "เทศบาลนคร"] == ["37.50", "75.00", "37.50", "1"]
    assert tests["ครั้งที่ 1", "เทศบาลตำบล"] == ["", "", "", "0"]


def test_a_coordinator_counts_only_their_provinces_participants(client, world):
    client.force_login(world.other_coordinator)
    rows = per_round(csv_rows(client.get("/reports/export/rounds.csv")))
    assert rows["ครั้งที่ 1"][:8] == ["0", "0", "0", "0", "0", "0", "0", "0"]
    assert rows["ครั้งที่ 2"][:8] == ["1", "0", "0", "0", "1", "1", "0", "0"]


def test_coverage_by_province_counts_laos_with_registered_attended_and_certified_officers(
    client, world
):
    client.force_login(world.admin)
    rows = by_first_column(csv_rows(client.get("/reports/coverage/export/coverage.csv")))
    # LAOs, registered, %, attended, %, certified, %
    assert rows["เชียงใหม่"] == ["3", "2", "66.7", "1", "33.3", "1", "33.3"]
    # Nong Ruea's only officer cancelled: not registered; excused is not attended.
    assert rows["ขอนแก่น"] == ["2", "1", "50.0", "0", "0.0", "0", "0.0"]
    assert rows["รวม"] == ["5", "3", "60.0", "1", "20.0", "1", "20.0"]


def test_coverage_drills_down_to_districts_and_laos(client, world):
    client.force_login(world.admin)
    districts = by_first_column(
        csv_rows(client.get("/reports/coverage/export/coverage.csv", {"province": "50"}))
    )
    assert set(districts) == {"เมืองเชียงใหม่", "จอมทอง", "เชียงดาว", "รวม"}
    assert districts["จอมทอง"][:2] == ["1", "1"]
    laos = csv_rows(
        client.get("/reports/coverage/export/coverage.csv", {"province": "50", "district": "5001"})
    )
    assert laos[1] == [
        "5010101",
        "เทศบาลนครเชียงใหม่",
        "เทศบาลนคร",
        "ใช่",
        "ใช่",
        "ใช่",
        "053-111111",
        "cm@example.go.th",
    ]


def test_coverage_with_a_round_counts_that_round_only(client, world):
    client.force_login(world.admin)
    rows = by_first_column(
        csv_rows(client.get("/reports/coverage/export/coverage.csv", {"round": world.round_2.pk}))
    )
    assert rows["เชียงใหม่"] == ["3", "1", "33.3", "0", "0.0", "0", "0.0"]


def test_coverage_by_lao_type(client, world):
    client.force_login(world.coordinator)
    rows = by_first_column(
        csv_rows(client.get("/reports/coverage/export/coverage_by_lao_type.csv"))
    )
    assert rows["เทศบาลนคร"] == ["1", "1", "100.0", "1", "100.0", "1", "100.0"]
    assert rows["องค์การบริหารส่วนตำบล"] == ["1", "0", "0.0", "0", "0.0", "0", "0.0"]


def test_the_coordinator_gets_the_laos_with_nobody_registered_and_their_contacts(client, world):
    client.force_login(world.coordinator)
    response = client.get("/reports/coverage/missing/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "อบต.เมืองนะ" in page
    assert "053-444444" in page
    assert "เทศบาลนครเชียงใหม่" not in page
    workbook = load_workbook(
        io.BytesIO(client.get("/reports/coverage/missing/export/missing.xlsx").content)
    )
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[0][:2] == ("รหัส อปท. (สถ.)", "อปท.")
    assert [row[1] for row in rows[1:]] == ["อบต.เมืองนะ"]
    assert rows[1][5] == "053-444444"


def test_a_bad_filter_shows_a_thai_message_and_the_unfiltered_report(client, world):
    client.force_login(world.admin)
    response = client.get("/reports/", {"round": "999999", "lao_type": "castle"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "เลือกตัวเลือกที่ถูกต้อง" in page
    assert world.round_1.numbered_title in page


def test_the_pages_show_charts_and_heat_table_without_inline_styles(client, world):
    client.force_login(world.admin)
    rounds = client.get("/reports/").content.decode()
    assert "<svg" in rounds
    assert "report-chart__bar" in rounds
    coverage = client.get("/reports/coverage/").content.decode()
    assert "heat--4" in coverage  # Chiang Mai: 66.7 % registered
    for page in (rounds, coverage):
        assert "style=" not in page
        # Charts need no script: the only one is the site menu's (every page has it).
        assert re.findall(r"<script[^>]*>", page) == ['<script src="/static/js/site.js" defer>']


def measure(client, django_assert_max_num_queries, user, urls):
    client.force_login(user)
    for url in urls:
        with django_assert_max_num_queries(15):
            response = client.get(url)
        assert response.status_code == 200, url


PAGES = [
    "/reports/",
    "/reports/?round={round}",
    "/reports/coverage/",
    "/reports/coverage/?province=50",
    "/reports/coverage/?province=50&district=5001&round={round}",
    "/reports/coverage/missing/",
    "/reports/export/rounds_by_province.xlsx",
    "/reports/coverage/export/coverage.csv",
    "/reports/coverage/missing/export/missing.xlsx",
]


@pytest.mark.parametrize("extra_per_lao", [0, 6])
def test_every_dashboard_takes_at_most_15_queries_whatever_the_data_size(
    client, db, django_assert_max_num_queries, extra_per_lao
):
    world = build_world(extra_per_lao=extra_per_lao)
    urls = [url.format(round=world.round_1.pk) for url in PAGES]
    measure(client, django_assert_max_num_queries, world.admin, urls)
    measure(client, django_assert_max_num_queries, world.coordinator, urls)
    measure(client, django_assert_max_num_queries, world.trainer_1, urls[:2] + urls[6:7])

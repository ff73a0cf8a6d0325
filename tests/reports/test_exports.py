"""The exports' names, sheets and cell types, and the LAOs that enrolled but did not attend."""

import datetime
import io
import zoneinfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from tests.factories import UserFactory

from .conftest import enrol

BANGKOK = zoneinfo.ZoneInfo("Asia/Bangkok")
# 2 December 2569 (2026), 10:00 in Bangkok.
NOW = datetime.datetime(2026, 12, 2, 10, 0, tzinfo=BANGKOK)


def filename(response) -> str:
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    return disposition.split('filename="', 1)[1].rstrip('"')


@pytest.mark.parametrize(
    ("url", "query", "expected"),
    [
        ("/reports/export/rounds.xlsx", {}, "esc-rounds-2569-12-02.xlsx"),
        (
            "/reports/export/rounds_by_province.csv",
            {"province": "50"},
            "esc-rounds-by-province-chiang-mai-2569-12-02.csv",
        ),
        (
            "/reports/coverage/export/coverage_by_lao_type.xlsx",
            {"province": "40", "round": "round_2"},
            "esc-coverage-by-lao-type-round-2-khon-kaen-2569-12-02.xlsx",
        ),
        (
            "/reports/coverage/not-attended/export/not_attended.xlsx",
            {},
            "esc-not-attended-2569-12-02.xlsx",
        ),
    ],
)
def test_export_file_names_are_short_unique_and_dated_in_the_buddhist_era(
    client, world, url, query, expected
):
    client.force_login(world.admin)
    if query.get("round"):
        query = {**query, "round": getattr(world, query["round"]).pk}
    with time_machine.travel(NOW, tick=False):
        response = client.get(url, query)
    assert filename(response) == expected


def test_a_coordinators_exports_name_their_province_once(client, world):
    client.force_login(world.coordinator)
    with time_machine.travel(NOW, tick=False):
        response = client.get("/reports/coverage/missing/export/missing.csv")
    assert filename(response) == "esc-missing-chiang-mai-2569-12-02.csv"


def test_xlsx_sheets_are_named_in_thai_and_numbers_are_numbers(client, world):
    client.force_login(world.admin)
    workbook = load_workbook(io.BytesIO(client.get("/reports/export/rounds.xlsx").content))
    sheet = workbook.active
    assert sheet.title == "รายครั้งการอบรม"
    rows = list(sheet.iter_rows(min_row=2))
    first = {sheet.cell(1, cell.column).value: cell for cell in rows[0]}
    assert first["ครั้งที่"].value == "ครั้งที่ 1"
    assert first["ชื่อการอบรม"].value == world.round_1.title
    for header in ("ลงทะเบียนแล้ว", "เข้าร่วม (ครบหรือบางส่วน)", "คะแนนเฉลี่ยหลังเรียน (%)"):
        cell = first[header]
        assert cell.data_type == "n", (header, cell.value)
        assert isinstance(cell.value, int | float), (header, cell.value)
    assert first["คะแนนเฉลี่ยหลังเรียน (%)"].value == 75
    assert first["ลงทะเบียนแล้ว"].value == 2

    coverage = load_workbook(
        io.BytesIO(client.get("/reports/coverage/export/coverage.xlsx").content)
    ).active
    assert coverage.title == "ความครอบคลุมรายจังหวัด"
    shares = [row[3] for row in coverage.iter_rows(min_row=2, values_only=True)]
    assert all(isinstance(value, int | float) for value in shares), shares


def absent_rows(client, url="/reports/coverage/not-attended/export/not_attended.csv", **query):
    import csv

    response = client.get(url, query)
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["ครั้งที่", "รหัส อปท. (สถ.)", "อปท."]
    return [(row[0], row[2], row[6]) for row in rows[1:]]


def test_laos_that_held_seats_in_an_ended_round_but_nobody_attended(client, world):
    client.force_login(world.admin)
    # Before the rounds end nobody is listed.
    with time_machine.travel(world.round_1.starts_at, tick=False):
        assert absent_rows(client) == []
    with time_machine.travel(world.round_2.ends_at + datetime.timedelta(days=1), tick=False):
        # Round 1: Chiang Mai city's two officers attended; Chom Thong was only wait-listed.
        # Round 2: Chiang Mai city's officer has no record; Khon Kaen's was absent;
        # Nong Ruea's place was cancelled.
        assert absent_rows(client) == [
            ("ครั้งที่ 2", "เทศบาลนครขอนแก่น", "1"),
            ("ครั้งที่ 2", "เทศบาลนครเชียงใหม่", "1"),
        ]
        assert absent_rows(client, round=world.round_1.pk) == []
        assert absent_rows(client, lao_type="sao") == []
        # A coordinator sees their province only, whatever the query string asks for.
        client.force_login(world.coordinator)
        assert absent_rows(client) == [("ครั้งที่ 2", "เทศบาลนครเชียงใหม่", "1")]
        assert absent_rows(client, province="40") == [("ครั้งที่ 2", "เทศบาลนครเชียงใหม่", "1")]
        client.force_login(world.other_coordinator)
        assert absent_rows(client) == [("ครั้งที่ 2", "เทศบาลนครขอนแก่น", "1")]
        page = client.get("/reports/coverage/not-attended/").content.decode()
        assert "เทศบาลนครขอนแก่น" in page
        assert "043-222222" not in page  # Nong Ruea's cancelled place is not listed
        # The round filter names rounds as the rest of the site does.
        assert f"ครั้งที่ 1: {world.round_1.title}" in page
        # Trainers and participants are refused by the server, not just by a hidden link.
        for user in (world.trainer_1, world.participant):
            client.force_login(user)
            assert client.get("/reports/coverage/not-attended/").status_code == 403


def page_queries(client, users, urls) -> list[int]:
    counts = []
    for user in users:
        client.force_login(user)
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            assert response.status_code == 200
            counts.append(len(queries))
    return counts


def test_the_not_attended_list_takes_the_same_few_queries_whatever_the_data_size(client, world):
    users = (world.admin, world.coordinator)
    urls = (
        "/reports/coverage/not-attended/",
        "/reports/coverage/not-attended/export/not_attended.xlsx",
    )
    with time_machine.travel(world.round_2.ends_at + datetime.timedelta(days=1), tick=False):
        page_queries(client, users, urls)  # caches warmed (site, locale, session)
        few = page_queries(client, users, urls)
        # Six more officers of every LAO with seats in round 2, and nobody attends it.
        for organisation in world.chiang_mai + world.khon_kaen:
            for _ in range(6):
                enrol(UserFactory(organisation=organisation), world.round_2)
        # The coordinator's view, by district: Chiang Mai city (5001) 1 + 6, the others 6.
        assert absent_rows(client) == [
            ("ครั้งที่ 2", "เทศบาลนครเชียงใหม่", "7"),
            ("ครั้งที่ 2", "เทศบาลตำบลจอมทอง", "6"),
            ("ครั้งที่ 2", "อบต.เมืองนะ", "6"),
        ]
        many = page_queries(client, users, urls)
    assert few == many
    assert max(many) <= 8, many

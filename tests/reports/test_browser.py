"""The dashboards in a real browser on a 360 px phone: nothing runs off the screen, no CSP
violation, no serious accessibility problem, and the export downloads."""

import io

import pytest
from axe_playwright_python.sync_playwright import Axe
from openpyxl import load_workbook

from tests.e2e.test_accessibility import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PAGES = [
    "/reports/",
    "/reports/coverage/",
    "/reports/coverage/missing/",
    "/reports/coverage/not-attended/",
]


def test_a_coordinator_reads_the_dashboards_on_a_phone(live_server, phone_page, demo_site):
    csp_errors = []
    phone_page.on(
        "console",
        lambda message: (
            csp_errors.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    log_in(phone_page, live_server.url, "coordinator@example.com", "demo-coordinator-2569")
    # On a phone the site menu sits behind the "เมนู" button.
    phone_page.get_by_role("button", name="เมนู").click()
    phone_page.click("text=รายงาน")
    phone_page.wait_for_url("**/reports/")
    for path in PAGES:
        phone_page.goto(live_server.url + path)
        width = phone_page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, (path, width)
        violations = [
            violation["id"]
            for violation in Axe().run(phone_page).response["violations"]
            if violation["impact"] in {"serious", "critical"}
        ]
        assert violations == [], (path, violations)
    assert csp_errors == []

    phone_page.goto(live_server.url + "/reports/coverage/missing/")
    with phone_page.expect_download() as download_info:
        phone_page.click("text=ส่งออก XLSX")
    sheet = load_workbook(io.BytesIO(open(download_info.value.path(), "rb").read())).active
    names = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "เทศบาลนครเชียงใหม่" in names
    assert "เทศบาลนครขอนแก่น" not in names


MEASURE_CHART = """() => {
    const box = (element) => {
        const r = element.getBoundingClientRect();
        return {left: r.left, right: r.right, top: r.top, bottom: r.bottom};
    };
    const figure = document.querySelector(".report-chart");
    const svg = figure.querySelector("svg");
    return {
        viewport: document.documentElement.clientWidth,
        figure: box(figure),
        svg: box(svg),
        texts: [...svg.querySelectorAll("text")].map(
            (text) => ({text: text.textContent, ...box(text)})
        ),
        legend: box(figure.querySelector("figcaption")),
        keys: [...figure.querySelectorAll(".report-legend__item")].map(
            (item) => ({text: item.textContent, ...box(item)})
        ),
    };
}"""


def inside(inner: dict, outer: dict) -> bool:
    # Half a pixel for sub-pixel rounding.
    return (
        inner["left"] >= outer["left"] - 0.5
        and inner["right"] <= outer["right"] + 0.5
        and inner["top"] >= outer["top"] - 0.5
        and inner["bottom"] <= outer["bottom"] + 0.5
    )


@pytest.mark.parametrize("width", [360, 1366])
def test_the_round_charts_labels_stay_inside_their_boxes(live_server, browser, demo_site, width):
    context = browser.new_context(
        viewport={"width": width, "height": 800}, locale="th-TH", timezone_id="Asia/Bangkok"
    )
    page = context.new_page()
    try:
        log_in(page, live_server.url, "admin@example.com", "demo-admin-2569")
        page.goto(live_server.url + "/reports/")
        chart = page.evaluate(MEASURE_CHART)
    finally:
        context.close()
    labels = [text["text"] for text in chart["texts"]]
    assert "ครั้งที่ 1" in labels
    assert inside(chart["svg"], chart["figure"])
    assert chart["figure"]["right"] <= chart["viewport"]
    for text in chart["texts"]:
        assert text["right"] > text["left"], text
        assert inside(text, chart["svg"]), (width, text, chart["svg"])
    for key in chart["keys"]:
        assert inside(key, chart["legend"]), (width, key, chart["legend"])

import datetime
import zoneinfo

import pytest
from django.template import Context, Template
from django.utils import translation

from core.thai import format_thai_date, format_thai_datetime, to_thai_digits

UTC = datetime.UTC
BANGKOK = zoneinfo.ZoneInfo("Asia/Bangkok")


@pytest.fixture(autouse=True)
def thai():
    with translation.override("th"):
        yield


def test_short_date_is_buddhist_era_with_abbreviated_month():
    assert format_thai_date(datetime.date(2026, 12, 2)) == "2 ธ.ค. 2569"


def test_long_date_names_the_month_and_era():
    assert format_thai_date(datetime.date(2026, 12, 2), "long") == "2 ธันวาคม พ.ศ. 2569"


def test_long_date_with_thai_digits_as_on_official_letters():
    assert (
        format_thai_date(datetime.date(2026, 11, 28), "long", thai_digits=True)
        == "๒๘ พฤศจิกายน พ.ศ. ๒๕๖๙"
    )


def test_new_year_in_bangkok_starts_seven_hours_before_utc():
    # 31 Dec 2026 17:30 UTC is already 1 Jan 2027 00:30 in Bangkok: B.E. 2570.
    moment = datetime.datetime(2026, 12, 31, 17, 30, tzinfo=UTC)
    assert format_thai_date(moment) == "1 ม.ค. 2570"
    assert format_thai_date(moment - datetime.timedelta(hours=1)) == "31 ธ.ค. 2569"


def test_month_boundary_follows_bangkok_time():
    # 30 Nov 2026 18:00 UTC is 1 Dec 01:00 in Bangkok.
    assert format_thai_date(datetime.datetime(2026, 11, 30, 18, 0, tzinfo=UTC)) == "1 ธ.ค. 2569"
    assert format_thai_date(datetime.datetime(2026, 11, 30, 16, 59, tzinfo=UTC)) == "30 พ.ย. 2569"


def test_leap_day_and_every_month_abbreviation():
    assert format_thai_date(datetime.date(2028, 2, 29), "long") == "29 กุมภาพันธ์ พ.ศ. 2571"
    months = [format_thai_date(datetime.date(2026, m, 1)).split()[1] for m in range(1, 13)]
    assert months == [
        "ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
        "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.",
    ]  # fmt: skip


def test_datetime_shows_bangkok_clock_time():
    moment = datetime.datetime(2026, 12, 5, 2, 0, tzinfo=UTC)
    assert format_thai_datetime(moment) == "5 ธ.ค. 2569 09:00 น."


def test_thai_digits_leave_other_characters_alone():
    assert to_thai_digits("มท 0820.2/ว 1114") == "มท ๐๘๒๐.๒/ว ๑๑๑๔"


def test_empty_values_render_as_nothing():
    assert format_thai_date(None) == ""
    assert format_thai_datetime(None) == ""


def test_filters_are_available_in_every_template_without_load():
    template = Template('{{ d|thai_date }} | {{ d|thai_date:"long"|thai_digits }}')
    rendered = template.render(Context({"d": datetime.datetime(2026, 12, 2, 9, tzinfo=BANGKOK)}))
    assert rendered == "2 ธ.ค. 2569 | ๒ ธันวาคม พ.ศ. ๒๕๖๙"


def test_english_pages_get_gregorian_dates():
    with translation.override("en"):
        assert format_thai_date(datetime.date(2026, 12, 2)) == "2 Dec 2026"
        assert format_thai_date(datetime.date(2026, 12, 2), "long") == "2 December 2026"

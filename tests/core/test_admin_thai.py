"""The admin in good Thai: our catalogue overrides Wagtail's and Django's missing or poor
Thai (core/admin_messages.py lists the msgids), values in Thai, dates in the Buddhist Era."""

import ast
import datetime
import glob
import json
import re
from pathlib import Path

import polib
import pytest
import time_machine
import wagtail
from django.conf import settings
from django.template import Context, Template
from django.utils import timezone, translation

from core.thai import display_value

ROOT = Path(settings.BASE_DIR)
CATALOGUE = ROOT / "locale" / "th" / "LC_MESSAGES" / "django.po"
WAGTAIL = Path(wagtail.__file__).resolve().parent
MISSPELLINGS = r"เว็บไซด์|เรีบย|หลายๆ|คุฯ|เซฟ"
MISSPELT = re.compile(MISSPELLINGS + r"|[\u0e00-\u0e7f]\s?,\s?[\u0e00-\u0e7f]")


def _listed_msgids():
    """(msgid, msgid_plural) of every entry of core/admin_messages.py, read as makemessages
    reads it (the source, not the module's lazy values)."""
    tree = ast.parse((ROOT / "core" / "admin_messages.py").read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            args = [arg.value for arg in node.args if isinstance(arg, ast.Constant)]
            if node.func.id == "gettext_noop":
                found.append((args[0], None))
            elif node.func.id == "ngettext_lazy":
                found.append((args[0], args[1]))
    return found


def _ours():
    return {entry.msgid: entry for entry in polib.pofile(str(CATALOGUE)) if not entry.obsolete}


def test_our_catalogue_comes_first():
    # Django merges LOCALE_PATHS after the installed apps' catalogues: ours win.
    assert ROOT / "locale" in [Path(path) for path in settings.LOCALE_PATHS]
    assert settings.LANGUAGE_CODE == "th"
    assert settings.TIME_ZONE == "Asia/Bangkok"


def test_every_listed_package_string_is_translated_by_us_and_in_effect():
    listed = _listed_msgids()
    ours = _ours()
    assert len(listed) > 300
    with translation.override("th"):
        for msgid, plural in listed:
            entry = ours.get(msgid)
            assert entry is not None, f"not in locale/th: {msgid!r}"
            if plural:
                wanted = entry.msgstr_plural[0]
                assert translation.ngettext(msgid, plural, 5) == wanted, msgid
            else:
                assert entry.msgstr, msgid
                assert translation.gettext(msgid) == entry.msgstr, msgid


@pytest.mark.parametrize(
    ("msgid", "thai"),
    [
        ("Password", "รหัสผ่าน"),
        ("Forgotten password?", "ลืมรหัสผ่าน"),
        ("Site history", "ประวัติการแก้ไขทั้งระบบ"),
        ("Date / Time", "วันและเวลา"),
        ("More actions", "การทำงานอื่น"),
        ("pages", "หน้า"),
        ("Edited", "แก้ไขแล้ว"),
        ("Site", "เว็บไซต์"),
        ("Dashboard", "แผงควบคุม"),
        ("Save", "บันทึก"),
        # Wagtail's page preview, not our imports' "check before importing".
        ("Preview", "แสดงตัวอย่าง"),
    ],
)
def test_the_strings_the_issue_named_read_well(msgid, thai):
    with translation.override("th"):
        assert translation.gettext(msgid) == thai


def test_no_misspelt_wagtail_thai_is_left_in_effect():
    """Every Wagtail Thai msgstr with a known misspelling (เว็บไซด์, เรีบยร้อย, หลายๆ, เซฟ)
    or alternatives glued with a comma ("ลบ,ลบทิ้ง") is overridden by ours."""
    left = []
    pattern = str(WAGTAIL / "**" / "locale" / "th" / "LC_MESSAGES")
    files = glob.glob(pattern + "/django.po", recursive=True)
    assert files
    with translation.override("th"):
        for path in files:
            for entry in polib.pofile(path):
                if entry.msgid_plural or entry.msgctxt or not MISSPELT.search(entry.msgstr):
                    continue
                if MISSPELT.search(translation.gettext(entry.msgid)):
                    left.append(entry.msgid)
    assert left == []
    assert not [e.msgid for e in _ours().values() if re.search(MISSPELLINGS, e.msgstr)]


@time_machine.travel(datetime.datetime(2026, 12, 2, 3, 0, tzinfo=datetime.UTC), tick=False)
def test_times_ago_read_in_thai():
    from wagtail.admin.templatetags.wagtailadmin_tags import timesince_simple

    now = timezone.now()  # frozen: no test reads today's date

    def ago(delta):
        return timesince_simple(now - delta).replace("\xa0", " ")  # Django's no-break space

    with translation.override("th"):
        assert ago(datetime.timedelta(minutes=5)) == "5 นาทีที่แล้ว"
        assert ago(datetime.timedelta(days=3, hours=2)) == "3 วันที่แล้ว"
        assert ago(datetime.timedelta(0)) == "เมื่อสักครู่"


def test_table_values_read_in_thai_with_buddhist_era_dates_in_bangkok_time():
    moment = datetime.datetime(2026, 12, 31, 23, 30, tzinfo=datetime.UTC)
    with translation.override("th"), timezone.override("Asia/Bangkok"):
        assert display_value(True) == "ใช่"
        assert display_value(False) == "ไม่ใช่"
        assert display_value(None) == "–"
        assert display_value("") == "–"
        assert display_value(0) == 0
        assert display_value(moment) == "1 ม.ค. 2570 06:30 น."
        assert display_value(datetime.date(2026, 12, 2)) == "2 ธ.ค. 2569"
        cell = Template("{% load wagtailadmin_tags %}{% human_readable_date when %}").render(
            Context({"when": moment})
        )
    assert 'data-w-tooltip-content-value="1 ม.ค. 2570 06:30 น."' in cell


@pytest.mark.django_db
def test_the_admin_scripts_strings_come_from_our_javascript_catalogue(client):
    """Wagtail's sidebar and editor strings (djangojs) in our words: its Thai reads
    "แผงควบคุม , หน้าจอที่ควบคุม" and "เซฟ,เก็บข้อมูล" and leaves most in English."""
    ours = polib.pofile(str(CATALOGUE.with_name("djangojs.po")))
    wagtail_js = polib.pofile(
        str(WAGTAIL / "admin" / "locale" / "en" / "LC_MESSAGES" / "djangojs.po")
    )
    assert {entry.msgid for entry in wagtail_js} <= {entry.msgid for entry in ours}
    script = client.get("/admin/jsi18n/", HTTP_ACCEPT_LANGUAGE="th").content.decode("utf-8")

    def js(text):  # the catalogue is JSON with \\u escapes
        return json.dumps(text)[1:-1]

    assert js("แผงควบคุม") in script
    assert js("หน้าจอที่ควบคุม") not in script
    assert js("เซฟ") not in script
    assert js("ย่อหรือขยายแถบเมนู") in script

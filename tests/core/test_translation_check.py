"""scripts/check_translations.py extracts the msgids itself: a string added to the code
without `make translations` fails `make lint`, not a Thai reader."""

import importlib.util
import shutil
from pathlib import Path

import polib
import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "check_translations.py"

pytestmark = pytest.mark.skipif(not shutil.which("xgettext"), reason="needs Debian's gettext")


def load_check():
    spec = importlib.util.spec_from_file_location("check_translations", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_only_the_strings_missing_from_the_catalogue_are_problems(tmp_path, monkeypatch):
    # A project of one module and one template, with a catalogue that holds one string of each.
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "probe.py").write_text(
        "from django.utils.translation import gettext_lazy as _\n"
        'KNOWN = _("Known in code")\n'
        'NEW = _("Added to the code later")\n'
    )
    (tmp_path / "app" / "page.html").write_text(
        '{% load i18n %}{% translate "Known in a template" %}{% translate "New in a template" %}'
    )
    catalogue = polib.POFile()
    catalogue.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
    for msgid in ("Known in code", "Known in a template"):
        catalogue.append(polib.POEntry(msgid=msgid, msgstr="ทราบแล้ว"))
    committed = tmp_path / "locale/th/LC_MESSAGES/django.po"
    committed.parent.mkdir(parents=True)
    catalogue.save(str(committed))
    before = committed.read_bytes()
    check = load_check()
    monkeypatch.setattr(check, "ROOT", tmp_path)
    monkeypatch.chdir(tmp_path)

    problems = check.unextracted(check.CATALOGUE)

    missing = "in the code but not in the catalogue (run make translations)"
    assert sorted(problems) == [
        f"{check.CATALOGUE}: {missing}: {msgid!r}"
        for msgid in ("Added to the code later", "New in a template")
    ]
    assert committed.read_bytes() == before  # extracted into a copy, left nothing behind
    assert sorted(p.name for p in tmp_path.iterdir()) == ["app", "locale"]

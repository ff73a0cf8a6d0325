"""Fail when a Thai translation is missing, fuzzy or loses a placeholder.

Run by `make lint` and CI: every string shown to people must be translated, including a
string written in the code whose msgid never reached the catalogue (`make translations`
skipped): the check extracts the msgids itself and compares. `--extract` is
`make translations`: it refreshes the catalogue in place.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = Path("locale/th/LC_MESSAGES/django.po")
# Not shown to people: the tests, benches and scripts; and what is not ours.
NOT_EXTRACTED = [".venv", "staticfiles", "tests", "bench", "scripts"]

PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|\{[a-z_]*\}")


def problems(path: Path) -> list[str]:
    found = []
    for entry in polib.pofile(str(path)):
        if entry.obsolete:
            continue
        where = f"{path}:{entry.linenum}"
        translations = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        if "fuzzy" in entry.flags:
            found.append(f"{where}: fuzzy: {entry.msgid!r}")
        elif not all(text.strip() for text in translations):
            found.append(f"{where}: not translated: {entry.msgid!r}")
        else:
            wanted = sorted(PLACEHOLDER.findall(entry.msgid))
            for text in translations:
                if sorted(PLACEHOLDER.findall(text)) != wanted:
                    found.append(f"{where}: placeholders differ: {entry.msgid!r}")
    return found


def extract(locale_dir: Path) -> None:
    """Django's makemessages for Thai into `locale_dir` (a copy of `locale/`, or itself)."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    import django
    from django.core.management import call_command
    from django.test.utils import override_settings

    django.setup()
    # makemessages writes a file's msgids to the first locale path whose parent holds the
    # file; LOCALE_PATHS come first, and ignoring `locale/` keeps the walk from adopting
    # ours, so a copy beside it (parent: the project) takes everything.
    with override_settings(LOCALE_PATHS=[str(locale_dir)]):
        call_command(
            "makemessages",
            locale=["th"],
            no_obsolete=True,
            no_location=True,
            ignore_patterns=[*NOT_EXTRACTED, "locale", ".translations-*"],
            verbosity=0,
        )


def unextracted(path: Path) -> list[str]:
    """Msgids in the code that the committed catalogue does not hold."""
    with tempfile.TemporaryDirectory(dir=ROOT, prefix=".translations-") as copy:
        shutil.copytree("locale", copy, dirs_exist_ok=True)
        extract(Path(copy))
        fresh = polib.pofile(str(Path(copy) / CATALOGUE.relative_to("locale")))
    committed = {(e.msgctxt, e.msgid) for e in polib.pofile(str(path)) if not e.obsolete}
    return [
        f"{path}: in the code but not in the catalogue (run make translations): {e.msgid!r}"
        for e in fresh
        if not e.obsolete and (e.msgctxt, e.msgid) not in committed
    ]


def main() -> int:
    os.chdir(ROOT)
    if sys.argv[1:] == ["--extract"]:
        extract(Path("locale"))
        return 0
    files = sorted(Path("locale/th").rglob("*.po"))
    if not files:
        print("No Thai catalogue under locale/th.")
        return 1
    found = [problem for path in files for problem in problems(path)]
    if shutil.which("xgettext"):
        found += unextracted(CATALOGUE)
    else:
        print("xgettext (Debian's gettext) is missing: strings new in the code are not checked.")
    if msgfmt := shutil.which("msgfmt"):
        # GNU gettext also checks python-format strings the way compilemessages will.
        for path in files:
            result = subprocess.run(  # noqa: S603 - fixed arguments, our own files
                [msgfmt, "--check-format", "-o", "/dev/null", str(path)],
                capture_output=True,
                text=True,
                check=False,
            )
            found += [line for line in result.stderr.splitlines() if line.strip()]
    for problem in found:
        print(problem)
    if found:
        print(f"{len(found)} Thai translation problem(s).")
        return 1
    print(f"Thai translations complete ({', '.join(map(str, files))}).")
    return 0


if __name__ == "__main__":
    sys.exit(main())

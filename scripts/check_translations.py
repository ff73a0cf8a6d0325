"""Fail when a Thai translation is missing, fuzzy or loses a placeholder.

Run by `make lint` and CI: every string shown to people must be translated.
"""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib

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


def main() -> int:
    files = sorted(Path("locale/th").rglob("*.po"))
    if not files:
        print("No Thai catalogue under locale/th.")
        return 1
    found = [problem for path in files for problem in problems(path)]
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

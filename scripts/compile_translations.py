"""Compile locale/*/LC_MESSAGES/*.po to .mo without GNU gettext.

`make` uses Django's compilemessages when msgfmt is installed and this otherwise,
so a fresh machine with only Python still gets the Thai interface.
"""

from pathlib import Path

import polib

for po_path in Path("locale").rglob("*.po"):
    polib.pofile(str(po_path)).save_as_mofile(str(po_path.with_suffix(".mo")))
    print(f"compiled {po_path}")

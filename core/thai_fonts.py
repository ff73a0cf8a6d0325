"""Sarabun for our PDFs, with Thai text that copies and searches right (ำ included).

A PDF maps each glyph to the text it stands for (the font's ToUnicode map), one text per
glyph. HarfBuzz shapes SARA AM (ำ) as two glyphs, the nikhahit (or, under a tone mark, a
tone-and-nikhahit ligature) and SARA AA, and WeasyPrint maps the first glyph of that
cluster to nothing and the last to the whole cluster. Since SARA AA is the same glyph in
"ตำ" and in "ตา", whichever came first on the page decided what both read as: "ตำบล" came
out as "ตาบล" or "งาน" as "งำน", and "น้ำ" lost its tone mark.

The fix keeps every outline and every position and changes only glyph numbers: the font
gets copies of SARA AA, one for each nikhahit before it (plain, or with ่ ้ ๊ ๋), and a
contextual substitution at the end of Thai ``ccmp`` that puts the copy in place of SARA AA
right after a nikhahit. Each copy then always ends the same cluster ("ำ", "่ำ", "้ำ", …),
so its map is always right, and the plain SARA AA only ever means "า". The pages look the
same to the pixel (tests compare them).

The fonts are made once per machine from the ``fontpkg-sarabun`` files (fontTools, a
fraction of a second per weight) and kept in the temporary folder under a name that
changes with the source font and with ``BUILD``.
"""

import copy
import hashlib
import os
import tempfile
from functools import cache
from pathlib import Path

import fontpkg

# Bump when the way the font is made changes: older files are then not reused.
BUILD = "1"
SARA_AA = "uni0E32"
# The glyphs Sarabun puts before SARA AA for ำ, by the tone mark they carry ("" for none).
NIKHAHITS = {
    "": ("uni0E4D", "uni0E4D.narrow"),
    "0E48": ("uni0E4D0E48", "uni0E4D0E48.narrow"),
    "0E49": ("uni0E4D0E49", "uni0E4D0E49.narrow"),
    "0E4A": ("uni0E4D0E4A", "uni0E4D0E4A.narrow"),
    "0E4B": ("uni0E4D0E4B", "uni0E4D0E4B.narrow"),
}


def _folder() -> Path:
    folder = Path(tempfile.gettempdir()) / "esc-fonts"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@cache
def sarabun_path(weight: int) -> Path:
    """The file of Sarabun at ``weight`` with SARA AM that maps back to its text."""
    source = fontpkg.path("Sarabun", weight=weight)
    data = source.read_bytes()
    digest = hashlib.sha256(data + BUILD.encode()).hexdigest()[:16]
    target = _folder() / f"Sarabun-{weight}-am-{digest}.ttf"
    if not target.exists():
        # Written next to its final name, then renamed: a process reading it never sees
        # half a file, and two processes making it at once both end with a whole one.
        handle, scratch = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
        os.close(handle)
        try:
            build_searchable_font(source, Path(scratch))
            Path(scratch).replace(target)
        finally:
            Path(scratch).unlink(missing_ok=True)
    return target


def build_searchable_font(source: Path, target: Path) -> None:
    from fontTools.otlLib.builder import buildCoverage, buildSingleSubstSubtable
    from fontTools.ttLib import TTFont
    from fontTools.ttLib.tables import otTables

    font = TTFont(source)
    if "DSIG" in font:
        del font["DSIG"]  # a signature of the original would no longer match
    order = list(font.getGlyphOrder())
    glyf, hmtx = font["glyf"], font["hmtx"]
    gsub = font["GSUB"].table
    lookups = gsub.LookupList.Lookup

    copies = {}
    for tone, nikhahits in NIKHAHITS.items():
        present = [name for name in nikhahits if name in glyf]
        if not present:
            continue
        name = f"{SARA_AA}.am{tone}"
        glyf.glyphs[name] = copy.deepcopy(glyf[SARA_AA])
        hmtx[name] = hmtx[SARA_AA]
        order.append(name)
        copies[name] = present
    font.setGlyphOrder(order)
    glyf.setGlyphOrder(order)

    chain = otTables.Lookup()
    chain.LookupType, chain.LookupFlag = 6, 0
    chain.SubTable = []
    for name, nikhahits in copies.items():
        single = otTables.Lookup()
        single.LookupType, single.LookupFlag = 1, 0
        single.SubTable = [buildSingleSubstSubtable({SARA_AA: name})]
        single.SubTableCount = 1
        lookups.append(single)
        rule = otTables.ChainContextSubst()
        rule.Format = 3
        rule.BacktrackGlyphCount, rule.InputGlyphCount, rule.LookAheadGlyphCount = 1, 1, 0
        rule.BacktrackCoverage = [buildCoverage(nikhahits, font.getReverseGlyphMap())]
        rule.InputCoverage = [buildCoverage([SARA_AA], font.getReverseGlyphMap())]
        rule.LookAheadCoverage = []
        record = otTables.SubstLookupRecord()
        record.SequenceIndex, record.LookupListIndex = 0, len(lookups) - 1
        rule.SubstLookupRecord = [record]
        rule.SubstCount = 1
        chain.SubTable.append(rule)
    chain.SubTableCount = len(chain.SubTable)
    lookups.append(chain)
    gsub.LookupList.LookupCount = len(lookups)
    # Last in every ccmp feature: after Sarabun's own ccmp lookups have chosen the
    # nikhahit (narrow or not, joined with its tone mark or not).
    for record in gsub.FeatureList.FeatureRecord:
        if record.FeatureTag == "ccmp":
            record.Feature.LookupListIndex.append(len(lookups) - 1)
            record.Feature.LookupCount = len(record.Feature.LookupListIndex)
    font.save(target)

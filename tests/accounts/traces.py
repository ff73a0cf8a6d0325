"""Looking for a person's name and e-mail address anywhere the platform keeps data.

Generic on purpose: every table the database has (whatever app or library made it, so a
new table is searched without editing this), every file under the media and certificate
folders (PDF text and metadata too), and the local-memory cache. Text is searched as
stored and decoded the ways the platform writes it: JSON escapes (SQLite keeps JSON as
ASCII), URL encoding (form bodies), signed session data.
"""

import io
import json
import pickle
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, unquote_plus

from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import connection
from pypdf import PdfReader

JSON_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")


@dataclass(frozen=True)
class Trace:
    where: str  # "table.column" for the database, "file:<path>", "cache:<key>"
    needle: str
    excerpt: str

    def __str__(self):
        return f"{self.where}: {self.needle!r} in …{self.excerpt}…"


def readable_forms(text: str) -> list[str]:
    def unescape(value):
        return JSON_ESCAPE.sub(lambda match: chr(int(match.group(1), 16)), value)

    forms = [text, unescape(text)]
    for decode in (unquote_plus, unquote):
        decoded = decode(text)
        if decoded != text:
            forms += [decoded, unescape(decoded)]
    return forms


def _as_text(value) -> str | None:
    if value is None or isinstance(value, bool | int | float):
        return None
    if isinstance(value, memoryview):
        value = value.tobytes()
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="ignore")
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def find_in(text: str | None, needles, where: str) -> list[Trace]:
    if not text:
        return []
    found = []
    for form in readable_forms(text):
        lowered = form.lower()
        for needle in needles:
            index = lowered.find(needle.lower())
            if index >= 0:
                excerpt = form[max(0, index - 40) : index + len(needle) + 40]
                found.append(Trace(where, needle, " ".join(excerpt.split())))
    # One trace per needle and place is enough to read the failure.
    return list({(trace.where, trace.needle): trace for trace in found}.values())


def database_traces(needles) -> list[Trace]:
    traces: list[Trace] = []
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
    for table in sorted(tables):
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            columns = [column[0] for column in cursor.description]
            rows = cursor.fetchall()
        for row in rows:
            for column, value in zip(columns, row, strict=True):
                where = f"{table}.{column}"
                text = _as_text(value)
                traces += find_in(text, needles, where)
                if column == "session_data" and text:
                    traces += find_in(repr(SessionStore().decode(text)), needles, where)
    return list({(trace.where, trace.needle): trace for trace in traces}.values())


def file_traces(root, needles) -> list[Trace]:
    root = Path(root)
    traces: list[Trace] = []
    if not root.exists():
        return traces
    for path in sorted(root.rglob("*")):
        if not path.is_file():
            continue
        where = f"file:{path.relative_to(root)}"
        traces += find_in(str(path.relative_to(root)), needles, where)
        data = path.read_bytes()
        traces += find_in(data.decode("utf-8", errors="ignore"), needles, where)
        if data.startswith(b"%PDF"):
            traces += find_in(pdf_text(data), needles, where + " (PDF text)")
    return traces


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    metadata = " ".join(str(value) for value in (reader.metadata or {}).values())
    return "\n".join([metadata, *(page.extract_text() for page in reader.pages)])


def cache_traces(needles) -> list[Trace]:
    """Entries of every local-memory cache (the test settings' cache), keys and values."""
    traces: list[Trace] = []
    for alias in settings.CACHES:
        cache = caches[alias]
        if not isinstance(cache, LocMemCache):
            continue
        for key, pickled in list(cache._cache.items()):
            where = f"cache:{key}"
            traces += find_in(key, needles, where)
            try:
                value = pickle.loads(pickled)  # noqa: S301 - our own test cache
            except Exception:  # noqa: BLE001 - an entry we cannot read is searched as bytes
                value = pickled
            text = _as_text(value) if isinstance(value, bytes) else repr(value)
            traces += find_in(text, needles, where)
    return traces


def all_traces(needles, *, folders=()) -> list[Trace]:
    traces = database_traces(needles) + cache_traces(needles)
    for folder in folders:
        traces += file_traces(folder, needles)
    return traces

"""Upload → preview (dry run) → confirm: the import pipeline shared by every import page
(the LAO directory, nominated participants, a test's questions).

A file is read into a ``tablib.Dataset`` (CSV in UTF-8, or XLSX), its Thai or English
headers are mapped to the resource's columns, and the resource is run as a dry run inside
a transaction that is rolled back. The preview lists every problem by spreadsheet line.
Confirming runs the same file again for real; if any row fails, the transaction is rolled
back and nothing is saved.

Limits, each checked before the work it guards: the upload's type and size (5 MB); for an
XLSX, the size its parts declare once unpacked (a 44 KB file can unpack to 300,000 rows)
and the sheet's declared dimension, before anything is parsed; then the rows are streamed
(openpyxl's read-only mode) and reading stops at the row limit.

Between preview and confirm the upload waits in the cache (one hour), under a random
token bound to the person who uploaded it.
"""

import csv
import io
import secrets
import zipfile
from dataclasses import dataclass, field

import tablib
from django.core.cache import cache
from django.core.exceptions import NON_FIELD_ERRORS
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export.results import RowResult
from openpyxl import load_workbook

from .errors import CodedError

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
# The whole LAO directory (about 7,850 LAOs) fits twice over.
MAX_IMPORT_ROWS = 20_000
# What the parts of an XLSX may add up to once unpacked (the 20,000 rows of a template
# take a few MB).
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
# Columns read from a sheet; the templates have at most 15.
MAX_IMPORT_COLUMNS = 100
STASH_SECONDS = 3600
PREVIEW_ROWS = 50


class ImportFileError(CodedError):
    """The file as a whole cannot be read."""

    MESSAGES = {
        "wrong_type": gettext_lazy("Upload a .csv or .xlsx file."),
        "too_large": gettext_lazy("The file is larger than 5 MB."),
        "not_xlsx": gettext_lazy("This is not an Excel (.xlsx) file we can read."),
        "not_utf8": gettext_lazy(
            "The CSV file is not in UTF-8. Save it again as “CSV UTF-8” and retry."
        ),
        "empty": gettext_lazy("The file is empty."),
        "no_header": gettext_lazy("The file has no header row."),
        "missing_columns": gettext_lazy(
            "These columns are missing: %(columns)s. Use the template's header row."
        ),
        "no_data": gettext_lazy("The file has a header row but no data."),
        "too_many_rows": gettext_lazy(
            "The file has more than %(rows)s rows. Split it into smaller files and import "
            "them one after the other."
        ),
        "too_many_columns": gettext_lazy(
            "The sheet has more than %(columns)s columns. Keep only the template's columns."
        ),
        "too_large_unpacked": gettext_lazy(
            "Once unpacked, the file holds more than %(megabytes)s MB. Keep only the "
            "template's sheet and columns, or split the file."
        ),
        "expired": gettext_lazy(
            "The uploaded file has expired or was already imported. Upload it again."
        ),
    }


@dataclass
class RowProblem:
    line: int  # the line in the spreadsheet, the header being line 1
    messages: list[str]


@dataclass
class ImportReport:
    total_rows: int = 0
    new: int = 0
    updated: int = 0
    skipped: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    notes: list[RowProblem] = field(default_factory=list)  # skipped rows and why
    sample: list[dict] = field(default_factory=list)

    @property
    def has_errors(self) -> bool:
        return bool(self.problems)


def check_upload(uploaded) -> None:
    """Type and size, checked before the file is read."""
    name = (getattr(uploaded, "name", "") or "").lower()
    if not name.endswith((".csv", ".xlsx")):
        raise ImportFileError("wrong_type")
    if uploaded.size > MAX_UPLOAD_BYTES:
        raise ImportFileError("too_large")


def read_dataset(uploaded, *, aliases: dict[str, str], required: list) -> tablib.Dataset:
    """The uploaded CSV or XLSX as a Dataset with the resource's column names."""
    check_upload(uploaded)
    name = (getattr(uploaded, "name", "") or "").lower()
    content = uploaded.read()
    return dataset_from_bytes(content, name, aliases=aliases, required=required)


def dataset_from_bytes(
    content: bytes,
    name: str,
    *,
    aliases: dict[str, str],
    required: list,
    labels: dict[str, str] | None = None,
) -> tablib.Dataset:
    """The file as a Dataset with the resource's column names; ``ImportFileError`` if the
    file cannot be read or is over a limit (checked before the work it guards)."""
    if len(content) > MAX_UPLOAD_BYTES:
        raise ImportFileError("too_large")
    if name.endswith(".xlsx"):
        dataset = _xlsx_dataset(content)
    elif name.endswith(".csv"):
        dataset = _csv_dataset(content)
    else:
        raise ImportFileError("wrong_type")
    return normalise_headers(dataset, aliases=aliases, required=required, labels=labels)


def _csv_dataset(content: bytes) -> tablib.Dataset:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportFileError("not_utf8") from error
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if not header:
        raise ImportFileError("empty")
    dataset = tablib.Dataset(headers=header)
    width = len(header)
    for row in reader:
        if not any(cell.strip() for cell in row):
            continue
        if len(dataset) >= MAX_IMPORT_ROWS:
            raise ImportFileError("too_many_rows", params={"rows": f"{MAX_IMPORT_ROWS:,}"})
        dataset.append((row + [""] * width)[:width])
    return dataset


def _xlsx_dataset(content: bytes) -> tablib.Dataset:
    """The workbook's active sheet, as tablib reads it, within the limits.

    What the zip's parts declare they unpack to is checked before openpyxl opens them
    (the shared strings are read whole even in read-only mode, and the zip reader stops
    at the declared size); then the sheet's declared dimension; then the rows are
    streamed and reading stops past ``MAX_IMPORT_ROWS``.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise ImportFileError("not_xlsx") from error
    if unpacked > MAX_UNPACKED_BYTES:
        raise ImportFileError(
            "too_large_unpacked", params={"megabytes": MAX_UNPACKED_BYTES // (1024 * 1024)}
        )
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds on a damaged or foreign file
        raise ImportFileError("not_xlsx") from error
    try:
        return _sheet_dataset(workbook.active)
    except ImportFileError:
        raise
    except Exception as error:
        raise ImportFileError("not_xlsx") from error
    finally:
        workbook.close()


def _sheet_dataset(sheet) -> tablib.Dataset:
    if sheet is None:
        raise ImportFileError("not_xlsx")
    too_many_rows = ImportFileError("too_many_rows", params={"rows": f"{MAX_IMPORT_ROWS:,}"})
    # The dimension a sheet declares (A1:J300001) refuses a large file before any row is
    # parsed; it can be missing or wrong, so the rows are counted as well.
    if (sheet.max_row or 0) > MAX_IMPORT_ROWS + 1:
        raise too_many_rows
    too_many_columns = ImportFileError("too_many_columns", params={"columns": MAX_IMPORT_COLUMNS})
    if (sheet.max_column or 0) > MAX_IMPORT_COLUMNS:
        raise too_many_columns
    dataset = tablib.Dataset(title=sheet.title)
    # As tablib's own reader: the first row holds the headers, shorter rows are padded.
    for index, row in enumerate(sheet.iter_rows(values_only=True)):
        if len(row) > MAX_IMPORT_COLUMNS:
            raise too_many_columns
        values = list(row)
        if index == 0:
            dataset.headers = values
            continue
        if index > MAX_IMPORT_ROWS:
            raise too_many_rows
        if len(values) < dataset.width:
            values += [""] * (dataset.width - len(values))
        dataset.append(values)
    return dataset


def normalise_headers(
    dataset: tablib.Dataset,
    *,
    aliases: dict[str, str],
    required: list,
    labels: dict[str, str] | None = None,
) -> tablib.Dataset:
    """The headers as the resource's column names (by ``aliases``); ``required`` lists
    column names, or pairs of names of which one is enough (``("province_code",
    "province_name")``); a missing one is named by ``labels`` (the header people know)."""
    if not dataset.headers:
        raise ImportFileError("no_header")
    lookup = {_header_key(alias): column for alias, column in aliases.items()}
    headers = []
    for header in dataset.headers:
        key = _header_key(str(header or ""))
        headers.append(lookup.get(key, key))
    missing = [
        column for column in required if not any(name in headers for name in _alternatives(column))
    ]
    if missing:
        labels = labels or {}
        names = [
            _("%(one)s or %(other)s")
            % {"one": labels.get(column[0], column[0]), "other": labels.get(column[1], column[1])}
            if isinstance(column, tuple)
            else labels.get(column, column)
            for column in missing
        ]
        raise ImportFileError("missing_columns", params={"columns": ", ".join(names)})
    # Drop rows that are completely empty (Excel leaves them behind).
    normalised = tablib.Dataset(headers=headers)
    for row in dataset:
        if any(str(cell).strip() for cell in row if cell is not None):
            normalised.append([_cell(cell) for cell in row])
    if not len(normalised):
        raise ImportFileError("no_data")
    return normalised


def _alternatives(column: str | tuple[str, str]) -> tuple[str, ...]:
    """A required column, or a pair of which either will do (a code or a name)."""
    return column if isinstance(column, tuple) else (column,)


def _header_key(header: str) -> str:
    return " ".join(header.replace("\ufeff", "").strip().lower().split())


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def run_import(resource, dataset: tablib.Dataset, *, dry_run: bool, **kwargs) -> ImportReport:
    """Run the resource; with ``dry_run`` or any failing row nothing is saved."""
    with transaction.atomic():
        result = resource.import_data(
            dataset,
            dry_run=dry_run,
            use_transactions=True,
            rollback_on_validation_errors=True,
            raise_errors=False,
            **kwargs,
        )
        report = report_from_result(result, dataset, resource)
        if report.has_errors and not dry_run:
            transaction.set_rollback(True)
    return report


def report_from_result(result, dataset, resource) -> ImportReport:
    report = ImportReport(total_rows=len(dataset))
    report.new = result.totals[RowResult.IMPORT_TYPE_NEW]
    report.updated = result.totals[RowResult.IMPORT_TYPE_UPDATE]
    report.skipped = result.totals[RowResult.IMPORT_TYPE_SKIP]
    for error in result.base_errors:
        report.problems.append(RowProblem(line=0, messages=[_describe_exception(error.error)]))
    for invalid in result.invalid_rows:
        messages = []
        for name, errors in invalid.error_dict.items():
            label = "" if name == NON_FIELD_ERRORS else resource.column_label(name)
            messages.extend(f"{label}: {text}" if label else text for text in errors)
        report.problems.append(RowProblem(line=invalid.number + 1, messages=messages))
    for number, errors in result.row_errors():
        report.problems.append(
            RowProblem(line=number + 1, messages=[_describe_exception(e.error) for e in errors])
        )
    report.problems.sort(key=lambda problem: problem.line)
    for note in getattr(resource, "notes", []):
        report.notes.append(note)
    for row in list(dataset.dict)[:PREVIEW_ROWS]:
        report.sample.append(row)
    return report


def _describe_exception(error) -> str:
    return _("This row could not be saved: %(error)s") % {"error": error}


# --- Stashing an upload between preview and confirm ---------------------------------


def stash_upload(*, user_id: int, kind: str, name: str, content: bytes) -> str:
    token = secrets.token_urlsafe(16)
    cache.set(_stash_key(user_id, kind, token), (name, content), STASH_SECONDS)
    return token


def load_stash(*, user_id: int, kind: str, token: str) -> tuple[str, bytes]:
    stashed = cache.get(_stash_key(user_id, kind, token)) if token else None
    if stashed is None:
        raise ImportFileError("expired")
    return stashed


def drop_stash(*, user_id: int, kind: str, token: str) -> None:
    cache.delete(_stash_key(user_id, kind, token))


def _stash_key(user_id: int, kind: str, token: str) -> str:
    return f"imports:{kind}:{user_id}:{token}"

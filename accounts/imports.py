"""Upload → preview (dry run) → confirm: the import pipeline shared by our import pages.

A file is read into a ``tablib.Dataset`` (CSV in UTF-8, or XLSX), its Thai or English
headers are mapped to the resource's columns, and the resource is run as a dry run inside
a transaction that is rolled back. The preview lists every problem by spreadsheet line.
Confirming runs the same file again for real; if any row fails, the transaction is rolled
back and nothing is saved.

Between preview and confirm the upload waits in the cache (one hour), under a random
token bound to the person who uploaded it.
"""

import csv
import io
import secrets
from dataclasses import dataclass, field

import tablib
from django.core.cache import cache
from django.core.exceptions import NON_FIELD_ERRORS
from django.db import transaction
from django.utils.translation import gettext as _
from import_export.results import RowResult

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
STASH_SECONDS = 3600
PREVIEW_ROWS = 50


class ImportFileError(Exception):
    """The file as a whole cannot be read; ``message`` is Thai."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


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
        raise ImportFileError(_("Upload a .csv or .xlsx file."))
    if uploaded.size > MAX_UPLOAD_BYTES:
        raise ImportFileError(_("The file is larger than 5 MB."))


def read_dataset(uploaded, *, aliases: dict[str, str], required: list[str]) -> tablib.Dataset:
    """The uploaded CSV or XLSX as a Dataset with the resource's column names."""
    check_upload(uploaded)
    name = (getattr(uploaded, "name", "") or "").lower()
    content = uploaded.read()
    return dataset_from_bytes(content, name, aliases=aliases, required=required)


def dataset_from_bytes(
    content: bytes, name: str, *, aliases: dict[str, str], required: list[str]
) -> tablib.Dataset:
    if name.endswith(".xlsx"):
        try:
            dataset = tablib.Dataset().load(io.BytesIO(content), format="xlsx")
        except Exception as error:
            raise ImportFileError(_("This is not an Excel (.xlsx) file we can read.")) from error
    elif name.endswith(".csv"):
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ImportFileError(
                _("The CSV file is not in UTF-8. Save it again as “CSV UTF-8” and retry.")
            ) from error
        rows = list(csv.reader(io.StringIO(text)))
        if not rows:
            raise ImportFileError(_("The file is empty."))
        dataset = tablib.Dataset(headers=rows[0])
        width = len(rows[0])
        for row in rows[1:]:
            if not any(cell.strip() for cell in row):
                continue
            dataset.append((row + [""] * width)[:width])
    else:
        raise ImportFileError(_("Upload a .csv or .xlsx file."))
    return normalise_headers(dataset, aliases=aliases, required=required)


def normalise_headers(
    dataset: tablib.Dataset, *, aliases: dict[str, str], required: list[str]
) -> tablib.Dataset:
    if not dataset.headers:
        raise ImportFileError(_("The file has no header row."))
    lookup = {_header_key(alias): column for alias, column in aliases.items()}
    headers = []
    for header in dataset.headers:
        key = _header_key(str(header or ""))
        headers.append(lookup.get(key, key))
    missing = [column for column in required if column not in headers]
    if missing:
        raise ImportFileError(
            _("These columns are missing: %(columns)s. Use the template's header row.")
            % {"columns": ", ".join(missing)}
        )
    # Drop rows that are completely empty (Excel leaves them behind).
    normalised = tablib.Dataset(headers=headers)
    for row in dataset:
        if any(str(cell).strip() for cell in row if cell is not None):
            normalised.append([_cell(cell) for cell in row])
    if not len(normalised):
        raise ImportFileError(_("The file has a header row but no data."))
    return normalised


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
        raise ImportFileError(
            _("The uploaded file has expired or was already imported. Upload it again.")
        )
    return stashed


def drop_stash(*, user_id: int, kind: str, token: str) -> None:
    cache.delete(_stash_key(user_id, kind, token))


def _stash_key(user_id: int, kind: str, token: str) -> str:
    return f"imports:{kind}:{user_id}:{token}"

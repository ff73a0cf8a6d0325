"""PDPA self-service: what each app contributes to "download my data" and "delete my account".

An app that keeps personal data about a participant registers Wagtail hooks in its
``wagtail_hooks.py``:

    @hooks.register(PERSONAL_DATA_EXPORT_HOOK)
    def my_sections(user):                  # -> list[PersonalDataSection]
        return [PersonalDataSection(key="enrolments", title="...", rows=[{...}, ...])]

    @hooks.register(ACCOUNT_ERASURE_HOOK)
    def forget(user, now):                  # called inside the erasure transaction
        ...                                 # erase or anonymise what the app holds

    @hooks.register(CONSENT_WITHDRAWN_HOOK)
    def stop(user, purpose, now):           # called inside the withdrawal transaction
        ...

Rows are flat dicts of JSON-friendly values (str, int, float, bool, None; dates as ISO
strings), so the same sections give the JSON and the XLSX download. The rule for what is
erased and what is kept is written in ``docs/pdpa.md``.
"""

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import quote, quote_plus

from allauth.account.models import EmailAddress
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connections, transaction
from django.db.models import JSONField, Q, TextField
from django.db.models.functions import Cast
from django.utils.translation import gettext
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from wagtail import hooks
from wagtail.models import ModelLogEntry, PageLogEntry, Revision
from wagtail.users.models import UserProfile

PERSONAL_DATA_EXPORT_HOOK = "register_personal_data_export"
ACCOUNT_ERASURE_HOOK = "register_account_erasure"
CONSENT_WITHDRAWN_HOOK = "register_consent_withdrawn"


@dataclass(frozen=True)
class PersonalDataSection:
    key: str  # stable, e.g. "enrolments": the JSON key and the XLSX sheet name
    title: str  # Thai, for people
    rows: list[dict] = field(default_factory=list)


def exported_sections(user) -> list[PersonalDataSection]:
    sections: list[PersonalDataSection] = []
    for hook in hooks.get_hooks(PERSONAL_DATA_EXPORT_HOOK):
        sections.extend(hook(user) or [])
    return sections


def run_erasure_hooks(user, now) -> None:
    for hook in hooks.get_hooks(ACCOUNT_ERASURE_HOOK):
        hook(user, now)


def run_consent_withdrawn_hooks(user, purpose: str, now) -> None:
    for hook in hooks.get_hooks(CONSENT_WITHDRAWN_HOOK):
        hook(user, purpose, now)


# --- Finding and scrubbing a person's identifiers ------------------------------------
#
# Erasure keeps rows for the statistics and removes what names the person. Most of it is
# in columns an app owns (it blanks or deletes them); the rest is text that merely quotes
# the person: raw BigBlueButton callbacks, trainers' reasons, audit-log labels, queued
# e-mails. Those are scrubbed by replacing every way the name and address may be written
# there: as typed, JSON-escaped (SQLite keeps JSON as ASCII: "\u0e2a..."), URL-encoded
# (form bodies) and both.

ERASED_TEXT = "[erased]"
# A single first or last name is replaced only in the person's own rows: in rows about
# other people it could be someone else's name. Very short ones are never replaced alone.
MIN_PART_LENGTH = 2
MIN_CONTACT_LENGTH = 6  # a phone number's digits, a LINE ID


@dataclass(frozen=True)
class PersonalIdentifiers:
    names: tuple[str, ...]  # whole names (with and without prefix, Thai and English)
    parts: tuple[str, ...]  # single first and last names
    contacts: tuple[str, ...]  # e-mail addresses, phone, LINE ID

    @property
    def whole(self) -> tuple[str, ...]:
        """Safe to replace in any row: they name or reach this person only."""
        return (*self.names, *self.contacts)

    @property
    def every(self) -> tuple[str, ...]:
        """For rows about the person: single names too."""
        return (*self.names, *self.contacts, *self.parts)


def identifiers_of(user, *, extra_names: Iterable[str] = ()) -> PersonalIdentifiers:
    """The strings that identify ``user`` (read before the profile is blanked).

    ``extra_names`` are names the person was known by elsewhere, e.g. the name
    BigBlueButton reported before the profile was edited.
    """
    prefix, first, last = user.prefix.strip(), user.first_name.strip(), user.last_name.strip()
    first_en, last_en = user.first_name_en.strip(), user.last_name_en.strip()
    names = {
        user.full_name_th,
        f"{first} {last}",
        f"{prefix} {first} {last}",
        f"{first_en} {last_en}",
        f"{last_en} {first_en}",
        f"{last_en}, {first_en}",
        *extra_names,
    }
    parts = {first, last, first_en, last_en}
    addresses = EmailAddress.objects.filter(user=user).values_list("email", flat=True)
    contacts = {user.email, *addresses}
    # A short LINE ID could be part of anything: then only the person's own rows lose it.
    line_id = user.line_id.strip()
    (contacts if len(line_id) >= MIN_CONTACT_LENGTH else parts).add(line_id)
    phone_digits = re.sub(r"\D", "", user.phone)
    if len(phone_digits) >= MIN_CONTACT_LENGTH:
        contacts |= {user.phone.strip(), phone_digits}
    names = _clean(names)
    return PersonalIdentifiers(
        names=names, parts=_clean(set(_clean(parts)) - set(names)), contacts=_clean(contacts)
    )


def _clean(values) -> tuple[str, ...]:
    # Longest first, so a whole name is replaced before a part of it.
    found = {" ".join(value.split()) for value in values if value and value.strip()}
    found = {value for value in found if len(value) >= MIN_PART_LENGTH}
    return tuple(sorted(found, key=lambda value: (-len(value), value)))


def encoded_forms(text: str) -> set[str]:
    """``text`` as it may be written inside stored JSON, form bodies and URLs."""
    escaped = json.dumps(text)[1:-1]  # ASCII-only JSON, as SQLite stores JSONField
    return {
        form
        for form in (
            text,
            escaped,
            quote(text, safe=""),
            quote_plus(text),
            quote(escaped, safe=""),
            quote_plus(escaped),
        )
        if form
    }


def _pattern(needles: Iterable[str]) -> re.Pattern | None:
    forms = {form for needle in needles for form in encoded_forms(needle)}
    if not forms:
        return None
    ordered = sorted(forms, key=lambda form: (-len(form), form))
    return re.compile("|".join(re.escape(form) for form in ordered), re.IGNORECASE)


def scrub_value(value, needles: Iterable[str] = (), *, pattern=None):
    """``value`` (text, or JSON-like lists and dicts) with every identifier replaced."""
    pattern = pattern or _pattern(needles)
    if pattern is None:
        return value
    if isinstance(value, str):
        return pattern.sub(ERASED_TEXT, value)
    if isinstance(value, list):
        return [scrub_value(item, pattern=pattern) for item in value]
    if isinstance(value, dict):
        return {
            scrub_value(key, pattern=pattern): scrub_value(item, pattern=pattern)
            for key, item in value.items()
        }
    return value


def scrub_rows(queryset, fields: Iterable[str], needles: Iterable[str], *, raw=False) -> int:
    """Replace the identifiers in these text or JSON columns of the rows; returns how
    many rows changed.

    The database finds the candidate rows with a LIKE per written form, Python rewrites
    them. ``raw`` columns keep text as received (callback bodies, uploaded files): every
    encoding is looked for there. Elsewhere the text is as typed, except JSON on SQLite,
    which stores it ASCII-escaped; fewer forms keep a scan of a large table short.
    """
    fields, needles = list(fields), list(needles)
    pattern = _pattern(needles)
    if pattern is None or not fields:
        return 0
    model = queryset.model
    sqlite = connections[queryset.db].vendor == "sqlite"
    aliases, condition = {}, Q()
    for name in fields:
        lookup, json_field = name, isinstance(model._meta.get_field(name), JSONField)
        if json_field:
            lookup = f"_scrub_{name}"
            aliases[lookup] = Cast(name, TextField())
        for needle in needles:
            if raw:
                forms = encoded_forms(needle)
            elif json_field and sqlite:
                forms = {needle, json.dumps(needle)[1:-1]}
            else:
                forms = {needle}
            for form in forms:
                condition |= Q(**{f"{lookup}__icontains": form})
    limits = {name: getattr(model._meta.get_field(name), "max_length", None) for name in fields}
    changed = 0
    candidates = queryset.alias(**aliases).filter(condition).values("pk", *fields)
    for row in candidates.iterator(chunk_size=500):
        updates = {}
        for name in fields:
            scrubbed = scrub_value(row[name], pattern=pattern)
            if isinstance(scrubbed, str) and limits[name]:
                scrubbed = scrubbed[: limits[name]]
            if scrubbed != row[name]:
                updates[name] = scrubbed
        if updates:
            model._base_manager.filter(pk=row["pk"]).update(**updates)
            changed += 1
    return changed


def scrub_log_entries(queryset, needles: Iterable[str]) -> int:
    """Scrub Wagtail's audit log about the objects of ``queryset`` (label and data)."""
    ids = [str(pk) for pk in queryset.values_list("pk", flat=True)]
    if not ids:
        return 0
    entries = ModelLogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(queryset.model), object_id__in=ids
    )
    return scrub_rows(entries, ["label", "data"], needles)


# --- What the accounts app holds beyond the profile ----------------------------------
#
# E-mails wait for the worker as django-tasks-db rows (recipient and context, e.g. the
# name, in ``args_kwargs``); Wagtail's and Django's audit logs and Wagtail's revisions
# copy ``str(object)`` into labels; Wagtail keeps an avatar per user. These tables belong
# to no app of ours, so accounts, which owns the person, looks after them.

# core's mail task, and its old path that mail queued before the move still carries.
MAIL_TASK_PATHS = ("core.tasks.send_templated_mail", "accounts.tasks.send_templated_mail")
# Runs after every other app's erasure hook, so what they logged meanwhile is scrubbed too.
SHARED_RECORDS_ORDER = 100


def _mail_tasks_to(emails: Iterable[str]):
    """Queued or finished e-mail tasks addressed to any of ``emails``, newest first."""
    emails = [email for email in emails if email]
    if not emails:
        return []
    condition = Q()
    for email in emails:
        condition |= Q(_args__icontains=email)
    candidates = (
        DBTaskResult.objects.filter(task_path__in=MAIL_TASK_PATHS)
        .alias(_args=Cast("args_kwargs", TextField()))
        .filter(condition)
        .order_by("-enqueued_at")
    )
    wanted = {email.lower() for email in emails}
    return [
        task
        for task in candidates
        if wanted & {str(to).lower() for to in (task.args_kwargs.get("kwargs", {}).get("to") or [])}
    ]


def email_personal_data(user) -> list[PersonalDataSection]:
    """The e-mails the platform sent (or is about to send) to the person."""
    rows = [
        {
            "template": task.args_kwargs.get("kwargs", {}).get("template", ""),
            "to": ", ".join(task.args_kwargs.get("kwargs", {}).get("to") or []),
            "status": task.status,
            "queued_at": task.enqueued_at.isoformat() if task.enqueued_at else None,
            "sent_at": task.finished_at.isoformat() if task.finished_at else None,
        }
        for task in _mail_tasks_to([user.email])
    ]
    return [PersonalDataSection(key="emails", title=gettext("E-mails"), rows=rows)]


def erase_shared_records(user, now) -> None:
    """Mail not sent yet is dropped; logs, revisions and task results stop naming the
    person; the Wagtail avatar is deleted."""
    identifiers = identifiers_of(user)
    pending = [
        task.pk
        for task in _mail_tasks_to(identifiers.contacts)
        if task.status == TaskResultStatus.READY
    ]
    DBTaskResult.objects.filter(pk__in=pending).delete()
    scrub_log_entries(type(user)._base_manager.filter(pk=user.pk), identifiers.every)
    # Nothing written before the account existed can name it: the scans start there.
    since = user.date_joined
    for queryset, fields in (
        (
            DBTaskResult.objects.filter(enqueued_at__gte=since),
            ["args_kwargs", "return_value", "traceback"],
        ),
        (ModelLogEntry.objects.filter(timestamp__gte=since), ["label", "data"]),
        (PageLogEntry.objects.filter(timestamp__gte=since), ["label", "data"]),
        (LogEntry.objects.filter(action_time__gte=since), ["object_repr", "change_message"]),
        (Revision.objects.filter(created_at__gte=since), ["object_str", "content"]),
    ):
        scrub_rows(queryset, fields, identifiers.whole)
    profile = UserProfile.objects.filter(user=user).first()
    if profile is not None and profile.avatar:
        storage, name = profile.avatar.storage, profile.avatar.name
        UserProfile.objects.filter(pk=profile.pk).update(avatar="")
        transaction.on_commit(lambda: storage.delete(name))

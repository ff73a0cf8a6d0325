"""Every write to the sandbox: workspaces, figures, GHG activities. Views call these."""

from collections.abc import Mapping
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log

from core.errors import CodedError
from core.thai import whole_number_or_none

from .engine import (
    Assessment,
    CityData,
    assess,
    coerce_value,
    decimal_to_text,
    january_first,
    quantity_field,
    validate_city_data,
)
from .framework import BASE_YEAR_PREFIX, Framework, FrameworkError, Section, get_framework
from .models import Entry, GhgActivity, Workspace
from .sample import load_sample_city
from .selectors import city_data_from, stored_activities, stored_values

START_EMPTY = "empty"
START_SAMPLE = "sample"


class SandboxError(CodedError):
    """A refused sandbox action; ``errors`` maps field keys to Thai messages."""

    MESSAGES = {
        "no_organisation": _(
            "Your profile has no LAO yet. Choose your LAO in your profile, then open a workspace."
        ),
        "year_out_of_range": _("The reporting year must be a Buddhist-Era year from 2500 to 2700."),
        "workspace_exists": _("You already have a workspace for this LAO and year."),
        "unknown_start": _("Choose to start empty or from the sample city."),
        "unknown_section": _("There is no such part of the form."),
        "invalid_figures": _("Nothing was saved: correct the figures marked below."),
        "activity_not_found": _("That activity is no longer in the inventory."),
        "sample_unavailable": _("The sample city cannot be loaded; please tell the trainers."),
    }

    def __init__(self, code: str, errors: dict | None = None):
        super().__init__(code)
        self.errors = errors or {}


# --- Workspaces ------------------------------------------------------------------------


def create_workspace(*, owner, year_be: int, start_from: str = START_EMPTY) -> Workspace:
    """A new workspace for the owner's LAO and a reporting year, empty or from the sample."""
    framework = get_framework()
    if owner.organisation_id is None:
        raise SandboxError("no_organisation")
    if not framework.year_be_min <= year_be <= framework.year_be_max:
        raise SandboxError("year_out_of_range")
    if start_from not in {START_EMPTY, START_SAMPLE}:
        raise SandboxError("unknown_start")
    try:
        with transaction.atomic():
            workspace = Workspace.objects.create(
                owner=owner,
                organisation_id=owner.organisation_id,
                year_be=year_be,
                framework=framework.code,
            )
            if start_from == START_SAMPLE:
                _load_sample(workspace, framework)
            log(
                instance=workspace,
                action="esc.sar.create_workspace",
                user=owner,
                data={"year_be": year_be, "start_from": start_from},
            )
    except IntegrityError:
        raise SandboxError("workspace_exists") from None
    return workspace


def reset_workspace(*, workspace: Workspace, start_from: str, user) -> Workspace:
    """Empty the workspace, or replace its figures with the sample city's."""
    framework = get_framework()
    if start_from not in {START_EMPTY, START_SAMPLE}:
        raise SandboxError("unknown_start")
    with transaction.atomic():
        workspace = Workspace.objects.select_for_update().get(pk=workspace.pk)
        workspace.entries.all().delete()
        workspace.activities.all().delete()
        workspace.contains_sample = False
        workspace.framework = framework.code
        if start_from == START_SAMPLE:
            _load_sample(workspace, framework)
        workspace.save(update_fields=["contains_sample", "framework", "updated_at"])
        log(
            instance=workspace,
            action="esc.sar.reset_workspace",
            user=user,
            data={"start_from": start_from},
        )
    return workspace


def _load_sample(workspace: Workspace, framework: Framework) -> None:
    try:
        sample = load_sample_city(framework)
    except FrameworkError:
        raise SandboxError("sample_unavailable") from None
    note = sample.get("figure_note_th") or sample.get("note_th", "")
    figures = {**sample.get("profile", {}), **sample.get("inputs", {})}
    for key, value in (sample.get("base_year") or {}).items():
        figures[BASE_YEAR_PREFIX + key] = value
    Entry.objects.bulk_create(
        Entry(workspace=workspace, key=key, value=decimal_to_text(value), note=note)
        for key, value in figures.items()
        if value is not None
    )
    GhgActivity.objects.bulk_create(
        GhgActivity(
            workspace=workspace,
            ef_code=item["ef"],
            quantity=decimal_to_text(item["quantity"]),
            month=int(item["month"]) if item.get("month") else None,
            note=note,
        )
        for item in sample.get("activities", [])
    )
    workspace.contains_sample = True
    workspace.save(update_fields=["contains_sample", "updated_at"])


# --- Figures ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SaveResult:
    assessment: Assessment
    saved: int


def save_section(
    *,
    workspace: Workspace,
    section: str,
    values: Mapping[str, str],
    notes: Mapping[str, str],
    user,
) -> SaveResult:
    """Save one data-entry page: all of it, or nothing when any figure is refused.

    ``values`` and ``notes`` are the typed texts by field key; a blank value makes the
    figure missing again. Refusals raise SandboxError("invalid_figures") whose ``errors``
    map field keys to Thai messages.
    """
    framework = get_framework()
    page = framework.section(section)
    if page is None:
        raise SandboxError("unknown_section")
    fields = page.fields
    keys = {f.key for f in fields}
    with transaction.atomic():
        workspace = (
            Workspace.objects.select_for_update()
            .prefetch_related("entries", "activities")
            .get(pk=workspace.pk)
        )
        current = stored_values(workspace, framework)
        errors: dict[str, list[str]] = {}
        for field_def in fields:
            raw = values.get(field_def.key, "")
            value, error = coerce_value(field_def, raw, framework, from_text=True)
            if error:
                errors.setdefault(field_def.key, []).append(error)
            elif value is None and field_def.required:
                errors.setdefault(field_def.key, []).append(str(_("Required.")))
            current[field_def.key] = value
        notes_too_long = [f.key for f in fields if len(notes.get(f.key, "")) > 500]
        for key in notes_too_long:
            errors.setdefault(f"{key}__note", []).append(
                str(_("Keep the note under 500 characters."))
            )
        # Figures refused on their own are left out of the comparisons below, so every
        # problem of the page is reported at once.
        data = city_data_from(
            current,
            stored_activities(workspace, framework),
            year_be=workspace.year_be,
            framework=framework,
        )
        base_year_errors = _base_year_completeness(data, page, framework)
        cross = validate_city_data(data, framework, focus=keys)
        for key, messages in {**cross, **base_year_errors}.items():
            target = key if key in keys else "__all__"
            if target not in errors or target == "__all__":
                errors.setdefault(target, []).extend(messages)
        if errors:
            raise SandboxError("invalid_figures", errors)

        rows = []
        for field_def in fields:
            value = current.get(field_def.key)
            note = notes.get(field_def.key, "").strip()
            rows.append(
                Entry(
                    workspace=workspace,
                    key=field_def.key,
                    value="" if value is None else decimal_to_text(value),
                    note=note,
                    updated_at=timezone.now(),
                )
            )
        keep = [row for row in rows if row.value or row.note]
        drop = [row.key for row in rows if not (row.value or row.note)]
        if drop:
            workspace.entries.filter(key__in=drop).delete()
        Entry.objects.bulk_create(
            keep,
            update_conflicts=True,
            unique_fields=["workspace", "key"],
            update_fields=["value", "note", "updated_at"],
        )
        workspace.save(update_fields=["updated_at"])
    return SaveResult(assessment=assess(data, framework), saved=len(keep))


def _base_year_completeness(data: CityData, page: Section, framework: Framework) -> dict:
    """A base year is all three figures or none (the engine needs each of them)."""
    if not page.holds_inventory or data.base_year is None:
        return {}
    errors = {}
    for f in framework.base_year_fields:
        if getattr(data.base_year, f.key) is None:
            errors[BASE_YEAR_PREFIX + f.key] = [
                str(_("Enter all three base-year figures, or leave all three empty."))
            ]
    return errors


def add_ghg_activity(
    *, workspace: Workspace, ef_code: str, quantity: str, month: str = "", note: str = "", user
) -> GhgActivity:
    """Add one inventory line (an annual quantity, or one month's)."""
    framework = get_framework()
    if framework.inventory_section is None:
        raise SandboxError("unknown_section")
    errors: dict[str, list[str]] = {}
    factor = framework.factor(ef_code or "")
    if factor is None:
        errors["ef"] = [str(_("Choose an emission factor from the list."))]
    value, error = coerce_value(quantity_field(), quantity, framework, from_text=True)
    if error:
        errors["quantity"] = [error]
    elif value is None:
        errors["quantity"] = [str(_("Required."))]
    month_number = None
    if month not in ("", None):
        # Range and length are checked on the text, before any arithmetic (1e1000000).
        month_number = whole_number_or_none(str(month), minimum=1, maximum=12)
        if month_number is None:
            errors["month"] = [str(_("The month must be a whole number from 1 to 12."))]
    if len(note or "") > 500:
        errors["note"] = [str(_("Keep the note under 500 characters."))]
    if factor is not None and factor.version_on(january_first(workspace.year_be)) is None:
        errors["ef"] = [str(_("This emission factor has no version for the reporting year."))]
    if errors:
        raise SandboxError("invalid_figures", errors)
    with transaction.atomic():
        Workspace.objects.select_for_update().filter(pk=workspace.pk).update(
            updated_at=timezone.now()
        )
        return GhgActivity.objects.create(
            workspace=workspace,
            ef_code=factor.code,
            quantity=decimal_to_text(value),
            month=month_number,
            note=(note or "").strip(),
        )


def delete_ghg_activity(*, workspace: Workspace, activity_id: int, user) -> None:
    with transaction.atomic():
        deleted, _rows = GhgActivity.objects.filter(workspace=workspace, pk=activity_id).delete()
        if not deleted:
            raise SandboxError("activity_not_found")
        Workspace.objects.filter(pk=workspace.pk).update(updated_at=timezone.now())

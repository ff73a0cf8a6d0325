"""Reads of the sandbox that views, exports and exercises use: a workspace in the engine's
terms, and what a section page starts from."""

from collections.abc import Mapping
from decimal import Decimal

from core.thai import decimal_or_none

from .engine import Activity, BaseYear, CityData, assess, coerce_value
from .framework import BASE_YEAR_PREFIX, Framework, get_framework
from .models import Workspace
from .prefill import prefills

# --- Reading a workspace into the engine's terms ------------------------------------


def stored_values(workspace: Workspace, framework: Framework) -> dict[str, object]:
    """The workspace's figures, typed (uses prefetched entries when present)."""
    fields = {f.key: f for f in framework.entry_fields}
    values = {}
    for entry in workspace.entries.all():
        field_def = fields.get(entry.key)
        if field_def is None or not entry.value:
            continue  # a field of an earlier framework, or only a note
        value, error = coerce_value(field_def, entry.value, framework, from_text=True)
        if error is None and value is not None:
            values[entry.key] = value
    return values


def stored_activities(workspace: Workspace, framework: Framework) -> list[Activity]:
    activities = []
    for row in workspace.activities.all():
        quantity = decimal_or_none(row.quantity)
        if framework.factor(row.ef_code) is not None and quantity is not None:
            activities.append(Activity(ef=row.ef_code, quantity=quantity, month=row.month))
    return activities


def city_data_from(
    values: Mapping[str, object], activities: list[Activity], *, year_be: int, framework
) -> CityData:
    profile = {f.key: values.get(f.key) for f in framework.profile_fields}
    profile["year_be"] = year_be
    inputs = {f.key: values[f.key] for f in framework.input_fields if values.get(f.key) is not None}
    base = {f.key: values.get(BASE_YEAR_PREFIX + f.key) for f in framework.base_year_fields}
    base_year = None
    if any(value is not None for value in base.values()):
        base_year = BaseYear(
            year_be=int(base["year_be"]) if base.get("year_be") is not None else None,
            total_tco2e=base.get("total_tco2e"),
            population=base.get("population"),
        )
    return CityData(profile=profile, inputs=inputs, activities=activities, base_year=base_year)


def workspace_city_data(workspace: Workspace, framework: Framework | None = None) -> CityData:
    framework = framework or get_framework()
    return city_data_from(
        stored_values(workspace, framework),
        stored_activities(workspace, framework),
        year_be=workspace.year_be,
        framework=framework,
    )


def assess_workspace(workspace: Workspace, framework: Framework | None = None, **options):
    framework = framework or get_framework()
    return assess(workspace_city_data(workspace, framework), framework, **options)


def workspace_document(workspace: Workspace, framework: Framework | None = None) -> dict:
    """The workspace's figures as a `sar_assess` input document (numbers as Decimal)."""
    framework = framework or get_framework()
    data = workspace_city_data(workspace, framework)
    profile = {key: value for key, value in data.profile.items() if value is not None}
    if "year_be" in profile:
        profile["year_be"] = Decimal(profile["year_be"])
    document = {
        "profile": profile,
        "inputs": dict(data.inputs),
        "activities": [
            {"ef": a.ef, "quantity": a.quantity, **({"month": Decimal(a.month)} if a.month else {})}
            for a in data.activities
        ],
    }
    if data.base_year is not None:
        document["base_year"] = {
            "year_be": Decimal(data.base_year.year_be),
            "total_tco2e": data.base_year.total_tco2e,
            "population": data.base_year.population,
        }
    return document


# --- What a section page starts from --------------------------------------------------


def section_initial(fields, workspace: Workspace) -> tuple[dict, dict]:
    """(initial values, prefill notes) of a section's form: the stored figures and notes,
    then the starting values the framework file asks for (the LAO type, GOV-2's trained
    members)."""
    from .forms import note_name  # the forms import the services, which import this module

    entries = {entry.key: entry for entry in workspace.entries.all()}
    initial = {}
    for field_def in fields:
        entry = entries.get(field_def.key)
        if entry is not None:
            initial[field_def.key] = entry.value
            initial[note_name(field_def.key)] = entry.note
    starting = prefills(fields, entries, workspace.organisation)
    initial.update({key: prefill.value for key, prefill in starting.items()})
    return initial, {key: prefill.note for key, prefill in starting.items()}

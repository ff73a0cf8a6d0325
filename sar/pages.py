"""What a data-entry page shows besides its form, all derived from the framework file:
the fieldsets, the indicators the page moves, and where this component's other indicators
take their figures from. No section code is named here."""

from dataclasses import dataclass

from .engine.messages import join_names
from .framework import Framework, Indicator, Section


@dataclass(frozen=True)
class FedElsewhere:
    """Indicators of this page's component whose figures are entered on another page."""

    codes: str  # "ENV-8 และ ENV-9"
    section: Section


def field_groups(framework: Framework, form, prefill_notes: dict, note_name) -> list[dict]:
    """Consecutive fields of one group in one fieldset, in the file's order."""
    groups: list[dict] = []
    for field_def in form.figure_fields:
        if not groups or groups[-1]["code"] != field_def.group:
            group = framework.groups.get(field_def.group)
            groups.append({"code": field_def.group, "group": group, "rows": []})
        groups[-1]["rows"].append(
            {
                "field": field_def,
                "value": form[field_def.key],
                "note": form[note_name(field_def.key)],
                "prefill_note": prefill_notes.get(field_def.key, ""),
            }
        )
    return groups


def page_indicators(section: Section, assessment) -> list:
    """The results of the indicators this page moves: its component's, those reading a
    figure on it, and on the inventory page those computed from the inventory."""
    keys = {f.key for f in section.fields}
    return [
        result
        for result in assessment.indicators
        if (section.component is not None and result.indicator.component == section.component)
        or keys.intersection(result.indicator.inputs)
        or (section.holds_inventory and result.indicator.reads_inventory)
    ]


def feeding_sections(framework: Framework, indicator: Indicator) -> list[Section]:
    """The pages whose figures an indicator is computed from, in page order."""
    codes = {framework.fields_by_key[key].section for key in indicator.inputs}
    inventory = framework.inventory_section
    if indicator.reads_inventory and inventory is not None:
        codes.add(inventory.code)
    return [section for section in framework.sections if section.code in codes]


def fed_elsewhere(framework: Framework, section: Section) -> list[FedElsewhere]:
    """For a component's page: its indicators none of whose figures are on this page,
    grouped by the page that feeds them (sandbox-v1: ENV-8 and ENV-9 from the inventory)."""
    if section.component is None:
        return []
    keys = {f.key for f in section.fields}
    by_section: dict[str, list[str]] = {}
    for indicator in framework.indicators:
        if indicator.component != section.component or keys.intersection(indicator.inputs):
            continue
        feeding = [s for s in feeding_sections(framework, indicator) if s.code != section.code]
        if feeding:
            by_section.setdefault(feeding[-1].code, []).append(indicator.code)
    return [
        FedElsewhere(codes=join_names(codes), section=framework.section(code))
        for code, codes in by_section.items()
    ]


def inventory_indicator_codes(framework: Framework) -> str:
    """The indicators the base year is for ("ENV-8"), for the base-year fieldset's legend."""
    codes = [i.code for i in framework.indicators if i.reads_inventory]
    return join_names(codes) if codes else ""

"""PDPA for the SAR sandbox: the person's workspaces in "download my data", and deleted
with the account (docs/pdpa.md).

A workspace is practice: figures typed for a city-year and free-text source notes, which
may name people. No report of DLA or DCCE counts it (exercises count only towards the
person's own certificate, which keeps its own record), so nothing is kept.
"""

from django.utils.translation import gettext as _

from accounts.personal_data import PersonalDataSection

from .models import Entry, GhgActivity, Workspace


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def sandbox_personal_data(user) -> list[PersonalDataSection]:
    workspaces = list(
        Workspace.objects.owned_by(user).select_related("organisation").order_by("year_be", "pk")
    )
    workspace_rows = [
        {
            "workspace": workspace.pk,
            "lao": workspace.organisation.name_th,
            "year_be": workspace.year_be,
            "framework": workspace.framework,
            "contains_sample": workspace.contains_sample,
            "created_at": _iso(workspace.created_at),
            "updated_at": _iso(workspace.updated_at),
        }
        for workspace in workspaces
    ]
    ids = [workspace.pk for workspace in workspaces]
    figure_rows = [
        {
            "workspace": entry.workspace_id,
            "field": entry.key,
            "value": entry.value,
            "note": entry.note,
            "updated_at": _iso(entry.updated_at),
        }
        for entry in Entry.objects.filter(workspace_id__in=ids).order_by("workspace_id", "key")
    ]
    activity_rows = [
        {
            "workspace": activity.workspace_id,
            "emission_factor": activity.ef_code,
            "quantity": activity.quantity,
            "month": activity.month,
            "note": activity.note,
            "created_at": _iso(activity.created_at),
        }
        for activity in GhgActivity.objects.filter(workspace_id__in=ids).order_by(
            "workspace_id", "created_at", "pk"
        )
    ]
    return [
        PersonalDataSection(
            key="sandbox_workspaces", title=_("Sandbox workspaces"), rows=workspace_rows
        ),
        PersonalDataSection(key="sandbox_figures", title=_("Sandbox figures"), rows=figure_rows),
        PersonalDataSection(
            key="sandbox_ghg_activities",
            title=_("Sandbox greenhouse-gas activities"),
            rows=activity_rows,
        ),
    ]


def erase_sandbox(user, now) -> None:
    # Figures and activities go with their workspace (on_delete CASCADE).
    Workspace.objects.owned_by(user).delete()

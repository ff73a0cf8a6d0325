"""Per-participant sandbox workspaces: the figures a participant enters, kept exactly.

Figures are stored as text ("1234.5", "true", a choice code), never as floats, so what the
web sandbox computes from a workspace is what `sar_assess` computes from the same figures
in a JSON file. The computed assessment is not stored: it is recomputed from the figures
(a few milliseconds), so it always follows the active framework.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation


class WorkspaceQuerySet(models.QuerySet):
    def owned_by(self, user):
        return self.filter(owner=user)

    def for_users(self, user_ids):
        return self.filter(owner_id__in=user_ids)

    def counting_for_exercises(self):
        """Workspaces with the participant's own data (not loaded from the sample city)."""
        return self.filter(contains_sample=False)

    def with_figures(self):
        return self.select_related("organisation").prefetch_related("entries", "activities")


class Workspace(models.Model):
    """One participant's practice copy of a city-year: their LAO and a reporting year."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("participant"),
        on_delete=models.CASCADE,
        related_name="sar_workspaces",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("LAO"),
        on_delete=models.PROTECT,
        related_name="sar_workspaces",
    )
    year_be = models.PositiveSmallIntegerField(_("reporting year (BE)"))
    framework = models.CharField(_("framework"), max_length=64)
    # True while the figures come from the fictitious sample city: such a workspace is for
    # exploring and does not count for the round exercises until it is reset to empty.
    contains_sample = models.BooleanField(_("contains the sample city"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = WorkspaceQuerySet.as_manager()

    class Meta:
        verbose_name = _("sandbox workspace")
        verbose_name_plural = _("sandbox workspaces")
        ordering = ["owner", "-year_be"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "organisation", "year_be"],
                name="workspace_once_per_lao_and_year",
            ),
            models.CheckConstraint(
                condition=models.Q(year_be__gte=2500, year_be__lte=2700),
                name="workspace_year_be_in_range",
            ),
        ]

    def __str__(self):
        return f"{self.organisation} · {self.year_be}"


class Entry(models.Model):
    """One figure of a workspace (a profile field, an input or a base-year field)."""

    workspace = models.ForeignKey(
        Workspace, verbose_name=_("workspace"), on_delete=models.CASCADE, related_name="entries"
    )
    key = models.CharField(_("field"), max_length=64)
    # Canonical text: a decimal without exponent, "true"/"false", or a choice code.
    # Empty when only a note was given (the figure is still missing).
    value = models.CharField(_("value"), max_length=64, blank=True)
    note = models.CharField(_("source or evidence"), max_length=500, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("figure")
        verbose_name_plural = _("figures")
        ordering = ["workspace", "key"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "key"], name="entry_once_per_field"),
            models.CheckConstraint(condition=~models.Q(key=""), name="entry_key_not_empty"),
        ]

    def __str__(self):
        return f"{self.key} = {self.value}"


class GhgActivity(models.Model):
    """One line of the greenhouse-gas inventory: an activity quantity for a factor code."""

    workspace = models.ForeignKey(
        Workspace,
        verbose_name=_("workspace"),
        on_delete=models.CASCADE,
        related_name="activities",
    )
    ef_code = models.CharField(_("emission factor"), max_length=64)
    quantity = models.CharField(_("quantity"), max_length=64)  # canonical decimal text
    month = models.PositiveSmallIntegerField(_("month"), null=True, blank=True)
    note = models.CharField(_("source or evidence"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("greenhouse-gas activity")
        verbose_name_plural = _("greenhouse-gas activities")
        ordering = ["workspace", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(month__isnull=True) | models.Q(month__gte=1, month__lte=12),
                name="ghgactivity_month_1_to_12",
            ),
            models.CheckConstraint(
                condition=~models.Q(ef_code=""), name="ghgactivity_ef_code_not_empty"
            ),
        ]

    def __str__(self):
        return f"{self.ef_code}: {self.quantity}"

"""Summary rows the country-wide round dashboard reads instead of counting every time.

At national scale (7,850 LAOs, 20,000 participants) counting enrolments, attendance,
certificates and pre/post-test results takes about half a second. DLA's page reads these
rows instead: one per (round, province, LAO type), the same cells the live count makes
(``reports.selectors.round_cells`` and ``test_cells``), rebuilt by a task after the
changes that move them (until the first count, the page counts live). The coordinators'
and trainers' pages always count live.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RoundSummary(models.Model):
    """The one row that says when the cells were counted and whether a recount is queued."""

    refreshed_at = models.DateTimeField(_("counted at"), null=True, blank=True)
    refresh_requested_at = models.DateTimeField(_("recount requested at"), null=True, blank=True)
    refresh_pending = models.BooleanField(_("recount queued"), default=False)

    class Meta:
        verbose_name = _("round dashboard summary")
        verbose_name_plural = _("round dashboard summaries")

    def __str__(self):
        return f"round summary ({self.refreshed_at})"


class RoundSummaryCell(models.Model):
    """Country-wide counts of one round for the participants of one province and LAO type."""

    round = models.ForeignKey("courses.Round", on_delete=models.CASCADE, related_name="+")
    # Blank for participants without an LAO (the live count's None).
    province_code = models.CharField(max_length=2, blank=True)
    lao_type = models.CharField(max_length=32, blank=True)
    enrolled = models.PositiveIntegerField(default=0)
    waitlisted = models.PositiveIntegerField(default=0)
    present = models.PositiveIntegerField(default=0)
    partial = models.PositiveIntegerField(default=0)
    absent = models.PositiveIntegerField(default=0)
    excused = models.PositiveIntegerField(default=0)
    certified = models.PositiveIntegerField(default=0)
    pre_sum = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    pre_n = models.PositiveIntegerField(default=0)
    post_sum = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    post_n = models.PositiveIntegerField(default=0)
    gain_sum = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    gain_n = models.PositiveIntegerField(default=0)
    post_passed = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("round dashboard cell")
        verbose_name_plural = _("round dashboard cells")

    def __str__(self):
        return f"{self.round_id} {self.province_code} {self.lao_type}"


MEASURES = [
    "enrolled",
    "waitlisted",
    "present",
    "partial",
    "absent",
    "excused",
    "certified",
    "pre_sum",
    "pre_n",
    "post_sum",
    "post_n",
    "gain_sum",
    "gain_n",
    "post_passed",
]

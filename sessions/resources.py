"""Attendance export (CSV/XLSX) with django-import-export."""

from django.utils.translation import gettext_lazy as _
from import_export import fields, resources

from .models import AttendanceRecord


class AttendanceRecordResource(resources.ModelResource):
    email = fields.Field(attribute="user__email", column_name=_("E-mail"))
    name = fields.Field(column_name=_("Name"))
    lao = fields.Field(column_name=_("LAO"))
    dla_code = fields.Field(column_name=_("DLA code"))
    minutes = fields.Field(attribute="minutes_present", column_name=_("Minutes present"))
    scheduled = fields.Field(attribute="scheduled_minutes", column_name=_("Scheduled minutes"))
    percent = fields.Field(attribute="percent", column_name=_("Percent"))
    status = fields.Field(column_name=_("Status"))
    decided_by = fields.Field(column_name=_("Decided by"))
    overridden = fields.Field(column_name=_("Overridden"))
    override_reason = fields.Field(attribute="override_reason", column_name=_("Reason"))
    co_viewer_of = fields.Field(column_name=_("Watched on the screen of"))

    class Meta:
        model = AttendanceRecord
        fields = (
            "email",
            "name",
            "lao",
            "dla_code",
            "minutes",
            "scheduled",
            "percent",
            "status",
            "decided_by",
            "overridden",
            "override_reason",
            "co_viewer_of",
        )
        export_order = fields

    def dehydrate_name(self, record):
        return record.user.full_name_th

    def dehydrate_lao(self, record):
        return record.user.organisation.name_th if record.user.organisation_id else ""

    def dehydrate_dla_code(self, record):
        return record.user.organisation.dla_code if record.user.organisation_id else ""

    def dehydrate_status(self, record):
        return str(record.get_status_display())

    def dehydrate_decided_by(self, record):
        return str(record.get_decided_by_display()) if record.decided_by else ""

    def dehydrate_overridden(self, record):
        return str(_("yes")) if record.overridden else ""

    def dehydrate_co_viewer_of(self, record):
        return record.co_viewer_of.email if record.co_viewer_of_id else ""

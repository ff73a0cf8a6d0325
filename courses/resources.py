"""The enrolment list of a round as CSV/XLSX (django-import-export, export only)."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from import_export import fields, resources

from accounts.models import LaoType

from .models import Enrolment, EnrolmentStatus


class EnrolmentResource(resources.ModelResource):
    round_number = fields.Field(attribute="round__number", column_name=_("Round"))
    status = fields.Field(column_name=_("Status"))
    queued_at = fields.Field(column_name=_("Registered at"))
    src = fields.Field(attribute="src", column_name=_("Source tag"))
    prefix = fields.Field(attribute="user__prefix", column_name=_("name prefix"))
    first_name = fields.Field(attribute="user__first_name", column_name=_("first name (Thai)"))
    last_name = fields.Field(attribute="user__last_name", column_name=_("last name (Thai)"))
    email = fields.Field(attribute="user__email", column_name=_("e-mail"))
    phone = fields.Field(attribute="user__phone", column_name=_("phone"))
    position = fields.Field(attribute="user__position", column_name=_("position"))
    lao = fields.Field(attribute="user__organisation__name_th", column_name=_("LAO"))
    lao_type = fields.Field(column_name=_("LAO type"))
    dla_code = fields.Field(attribute="user__organisation__dla_code", column_name=_("DLA code"))
    province = fields.Field(column_name=_("Province"))
    district = fields.Field(column_name=_("District"))

    class Meta:
        model = Enrolment
        fields = [
            "round_number",
            "status",
            "queued_at",
            "src",
            "prefix",
            "first_name",
            "last_name",
            "email",
            "phone",
            "position",
            "lao",
            "lao_type",
            "dla_code",
            "province",
            "district",
        ]
        export_order = fields

    def get_export_headers(self, selected_fields=None):
        return [str(header) for header in super().get_export_headers(selected_fields)]

    def dehydrate_status(self, enrolment):
        return str(EnrolmentStatus(enrolment.status).label)

    def dehydrate_queued_at(self, enrolment):
        return timezone.localtime(enrolment.queued_at).strftime("%Y-%m-%d %H:%M")

    def dehydrate_lao_type(self, enrolment):
        organisation = enrolment.user.organisation
        return str(LaoType(organisation.lao_type).label) if organisation else ""

    def dehydrate_province(self, enrolment):
        organisation = enrolment.user.organisation
        return organisation.province_name_th if organisation else ""

    def dehydrate_district(self, enrolment):
        organisation = enrolment.user.organisation
        return organisation.district_name_th if organisation else ""

"""Spreadsheet export of issued certificates (django-import-export), for administrators.

Export only: certificates are issued by the services, never imported. Columns are what
was printed (the snapshot), plus the status; no e-mail addresses or phone numbers.
"""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from import_export import fields, resources

from .models import Certificate


def _local(value):
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


class CertificateResource(resources.ModelResource):
    number = fields.Field(attribute="number", column_name=_("Certificate number"))
    status = fields.Field(column_name=_("Status"))
    name = fields.Field(column_name=_("Name"))
    name_en = fields.Field(attribute="recipient_name_en", column_name=_("Name in English"))
    organisation = fields.Field(attribute="organisation_name", column_name=_("LAO"))
    dla_code = fields.Field(column_name=_("DLA code"))
    province = fields.Field(attribute="province_name", column_name=_("Province"))
    programme = fields.Field(attribute="programme_title", column_name=_("Programme"))
    round = fields.Field(attribute="round_number", column_name=_("Round"))
    issued_at = fields.Field(column_name=_("Issued at"))
    revoked_at = fields.Field(column_name=_("Revoked at"))
    revocation_reason = fields.Field(
        attribute="revocation_reason", column_name=_("Reason for revocation")
    )
    replaces = fields.Field(column_name=_("Replaces"))

    class Meta:
        model = Certificate
        fields = (
            "number",
            "status",
            "name",
            "name_en",
            "organisation",
            "dla_code",
            "province",
            "programme",
            "round",
            "issued_at",
            "revoked_at",
            "revocation_reason",
            "replaces",
        )
        export_order = fields

    def dehydrate_status(self, certificate):
        return str(certificate.get_status_display())

    def dehydrate_name(self, certificate):
        return certificate.recipient_name

    def dehydrate_dla_code(self, certificate):
        return certificate.organisation.dla_code if certificate.organisation else ""

    def dehydrate_issued_at(self, certificate):
        return _local(certificate.issued_at)

    def dehydrate_revoked_at(self, certificate):
        return _local(certificate.revoked_at)

    def dehydrate_replaces(self, certificate):
        return certificate.replaces.number if certificate.replaces else ""

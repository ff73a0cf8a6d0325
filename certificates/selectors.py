"""Reads of certificates that other code uses."""

from django.db.models import Count, F

from .models import Certificate


def trained_members(organisation) -> int:
    """Members of the LAO holding a valid programme certificate (the SAR sandbox's GOV-2)."""
    return (
        Certificate.objects.valid()
        .programme_certificates()
        .filter(user__organisation=organisation)
        .values("user_id")
        .distinct()
        .count()
    )


def valid_certificates():
    return Certificate.objects.valid()


def round_certificate_cells(narrow):
    """Valid round certificates per (round id, province code, LAO type at issue): one query.
    ``narrow(queryset, lao=..., round=...)`` limits them (the reports' scope)."""
    certificates = narrow(
        Certificate.objects.valid().round_certificates(), lao="organisation", round="round"
    )
    return (
        certificates.order_by()
        .values(
            "round_id",
            province=F("organisation__province_code"),
            lao_type=F("organisation__lao_type"),
        )
        .annotate(certified=Count("pk"))
    )

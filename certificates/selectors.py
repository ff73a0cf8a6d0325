"""Reads of certificates that other code uses."""

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

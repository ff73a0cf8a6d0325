"""Object access for certificates, written once and checked on the server."""

from django.shortcuts import get_object_or_404

from .models import Certificate


def get_certificate_for_user(user, pk) -> Certificate:
    """The participant's own valid certificate, or 404 (never another participant's)."""
    return get_object_or_404(
        Certificate.objects.valid().select_related("template_revision", "template_en_revision"),
        pk=pk,
        user=user,
    )

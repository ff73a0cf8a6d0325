"""PDPA for certificates: the person's certificates in "download my data", and what stays
of them after the account is deleted (docs/pdpa.md).

A certificate documents public training and anyone holding the paper may check it, so
the record stays and ``/verify/<code>/`` keeps answering "valid" (or "revoked"). What
named the person goes: the printed name is replaced by its masked form (the one the
verify page always showed: "วิไ••• ศ•••"), the English name likewise, the prefix is
dropped, and the stored PDFs are deleted. A PDF asked for later is rendered again from
the record, so it prints the masked name. Reasons for revocation and the audit log of
the certificates are scrubbed of the name, and pending bulk-issuance items fail.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.personal_data import (
    PersonalDataSection,
    identifiers_of,
    scrub_log_entries,
    scrub_rows,
)

from .codes import mask_part
from .models import Certificate, IssuanceJobItem, ItemStatus
from .rendering import verification_url
from .services import CertificateError
from .storage import certificate_storage


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def certificate_personal_data(user) -> list[PersonalDataSection]:
    certificates = Certificate.objects.for_user(user).order_by("issued_at", "pk")
    rows = [
        {
            "number": certificate.number,
            "verification_code": certificate.display_code,
            "verify_url": verification_url(certificate.verification_code),
            "programme": certificate.programme_title,
            "round": certificate.round_number,
            "round_title": certificate.round_title,
            "name": certificate.recipient_name,
            "name_en": certificate.recipient_name_en,
            "lao": certificate.organisation_name,
            "province": certificate.province_name,
            "issuer": certificate.issuer,
            "issued_at": _iso(certificate.issued_at),
            "status": certificate.status,
            "revoked_at": _iso(certificate.revoked_at),
            "revocation_reason": certificate.revocation_reason,
        }
        for certificate in certificates
    ]
    return [PersonalDataSection(key="certificates", title=_("Certificates"), rows=rows)]


def masked_english_name(name: str) -> str:
    """Each word keeps its first letter: "Wilaiwan Srisuksan" → "W••• S•••"."""
    return " ".join(mask_part(word, 1) for word in name.split())


def erase_certificates(user, now) -> None:
    identifiers = identifiers_of(user)
    certificates = Certificate.objects.for_user(user)
    files = []
    for certificate in certificates:
        files += [name for name in (certificate.pdf.name, certificate.pdf_en.name) if name]
        Certificate.objects.filter(pk=certificate.pk).update(
            recipient_prefix="",
            recipient_first_name=mask_part(certificate.recipient_first_name, 2),
            recipient_last_name=mask_part(certificate.recipient_last_name, 1),
            recipient_name_en=masked_english_name(certificate.recipient_name_en),
            pdf="",
            pdf_en="",
        )
    scrub_rows(certificates, ["revocation_reason"], identifiers.every)
    scrub_log_entries(certificates, identifiers.every)
    IssuanceJobItem.objects.filter(user=user, status=ItemStatus.PENDING).update(
        status=ItemStatus.FAILED, error=CertificateError("no_participant").message[:255]
    )

    def delete_files():
        for name in files:
            certificate_storage.delete(name)

    # After commit: a rolled-back erasure must not lose the PDFs of a valid record.
    transaction.on_commit(delete_files)

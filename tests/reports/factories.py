"""Rows the dashboards read: attendance records and certificates, written as the apps
that own them store them (the reports app only reads)."""

from django.utils import timezone

from certificates.models import Certificate, CertificateStatus, CompletionPolicy
from sessions.models import AttendanceRecord, LiveSession
from tests.certificates.factories import CompletionPolicyFactory


def record_attendance(user, round_, status: str) -> AttendanceRecord:
    session, _ = LiveSession.objects.get_or_create(round=round_)
    return AttendanceRecord.objects.create(
        session=session, user=user, status=status, scheduled_minutes=round_.duration_minutes
    )


def issue_certificate(user, round_, *, revoked: bool = False) -> Certificate:
    policy = CompletionPolicy.objects.filter(round=round_).first() or CompletionPolicyFactory(
        programme=round_.programme, round=round_
    )
    template = policy.template
    now = timezone.now()
    return Certificate.objects.create(
        user=user,
        programme=round_.programme,
        round=round_,
        policy=policy,
        template=template,
        template_revision=template.latest_revision,
        number=f"T-{user.pk}-{round_.pk}-{int(revoked)}",
        verification_code=f"V{user.pk:05d}{round_.pk:04d}{int(revoked)}",
        recipient_first_name=user.first_name,
        organisation=user.organisation,
        organisation_name=user.organisation.name_th if user.organisation else "",
        province_code=user.organisation.province_code if user.organisation else "",
        programme_title=round_.programme.title,
        programme_title_en=round_.programme.title_en,
        round_number=round_.number,
        issued_at=now,
        status=CertificateStatus.REVOKED if revoked else CertificateStatus.VALID,
        revoked_at=now if revoked else None,
        revocation_reason="ทดสอบ" if revoked else "",
    )

"""Every write on certificates: issue, bulk issue, render, revoke, re-issue."""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import DatabaseError, IntegrityError, transaction
from django.dispatch import Signal
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import get_active_log_context, log
from wagtail.log_actions import registry as log_registry

from core.errors import CodedError
from core.mail import queue_templated_mail
from core.thai import buddhist_year

from .codes import new_verification_code
from .eligibility import eligible_user_ids, evaluate_policies
from .models import (
    Certificate,
    CertificateNumberSequence,
    CertificateStatus,
    CertificateTemplate,
    CompletionPolicy,
    IssuanceJob,
    IssuanceJobItem,
    IssuanceJobStatus,
    ItemStatus,
)
from .pinning import pin_revision_images
from .rendering import render_certificate_pdf, render_certificate_pdfs, verification_url
from .signals import certificate_changed, certificate_issued, certificate_revoked

logger = logging.getLogger(__name__)

# Bulk issuance renders this many certificates as one WeasyPrint batch (pdf.render_pdfs).
RENDER_BATCH = 50


class CertificateError(CodedError):
    """A refused action on certificates, policies or bulk issuance."""

    MESSAGES = {
        "policy_inactive": _("This completion policy is not active."),
        "not_eligible": _("The participant does not meet the completion policy yet."),
        "no_participant": _("The participant's account no longer exists."),
        "nobody_to_issue": _("Nobody is waiting for a certificate under this policy."),
        "already_revoked": _("This certificate is already revoked."),
        "already_reissued": _("This certificate has already been replaced."),
        "holds_another": _("The participant already holds a valid certificate for this."),
        "reason_required": _("Please give the reason for the revocation."),
        "no_english": _("This certificate has no English version."),
        "job_finished": _("This bulk issuance has already finished."),
    }


@dataclass(frozen=True)
class IssueResult:
    certificate: Certificate
    created: bool


def _pinned_revision(template: CertificateTemplate | None):
    """The template's current revision, made now if the template has none yet, with the
    images it prints copied (once per revision, see certificates.pinning)."""
    if template is None:
        return None
    if template.latest_revision_id is None:
        template.save_revision(log_action=False)
    revision = template.latest_revision
    # A bulk job reuses one template object (and so one revision object) for every
    # certificate: ask the database about the pins once, not twice per certificate.
    if not getattr(revision, "_images_pinned", False):
        pin_revision_images(revision)
        revision._images_pinned = True
    return revision


def _lock_number_sequence(*, policy: CompletionPolicy, year: int) -> CertificateNumberSequence:
    """The programme's number sequence for the year, locked until the transaction ends.

    Every issuer of the programme waits here in turn, so no two take the same number, a
    rolled-back issue leaves no gap, and the "already holds one" check made after the
    lock sees what the previous issuer committed.
    """
    sequences = CertificateNumberSequence.objects.select_for_update()
    sequence = sequences.filter(programme_id=policy.programme_id, year=year).first()
    if sequence is None:  # the first certificate of the year: create the row, then lock it
        sequence, _created = CertificateNumberSequence.objects.get_or_create(
            programme_id=policy.programme_id, year=year
        )
        sequence = sequences.get(pk=sequence.pk)
    return sequence


def _take_number(sequence: CertificateNumberSequence, prefix: str, *, save: bool = True) -> str:
    sequence.last_value += 1
    if save:
        sequence.save(update_fields=["last_value"])
    return f"{prefix}-{sequence.year}-{sequence.last_value:06d}"


def _valid_certificate(*, policy: CompletionPolicy, user_id: int) -> Certificate | None:
    return Certificate.objects.for_policy(policy).filter(user_id=user_id).first()


def _rounds_covered(policy: CompletionPolicy) -> list[dict]:
    """A programme certificate that asks for every round names them all; one that asks
    for some (``min_rounds``) names none (which ones is the participant's own story)."""
    if not policy.is_programme_policy or policy.min_rounds:
        return []
    return [
        {"number": number, "title": title, "title_en": title_en}
        for number, title, title_en in policy.programme.rounds.order_by("number").values_list(
            "number", "title", "title_en"
        )
    ]


def _snapshot(user, policy: CompletionPolicy) -> dict:
    organisation = user.organisation
    province = organisation.province if organisation else None
    programme = policy.programme
    round_ = policy.round
    return {
        "recipient_prefix": user.prefix,
        "recipient_first_name": user.first_name,
        "recipient_last_name": user.last_name,
        "recipient_name_en": user.full_name_en,
        "organisation": organisation,
        "organisation_name": organisation.name_th if organisation else "",
        "organisation_name_en": organisation.name_en if organisation else "",
        "province_code": organisation.province_code if organisation else "",
        "province_name": province.name_th if province else "",
        "province_name_en": province.name_en if province else "",
        "programme_title": programme.title,
        "programme_title_en": programme.title_en,
        "round_number": round_.number if round_ else None,
        "round_title": round_.title if round_ else "",
        "round_title_en": round_.title_en if round_ else "",
        "rounds_covered": _rounds_covered(policy),
        "circular_number": programme.circular_number,
        "issuer": policy.template.issuer,
    }


def _refuse_unless_issuable(policy: CompletionPolicy, user) -> None:
    """Raise the CertificateError that stops ``user`` getting a certificate now, if any."""
    if not policy.is_active:
        raise CertificateError("policy_inactive")
    if user.erased_at is not None:  # deleted (PDPA): nothing left to print
        raise CertificateError("no_participant")


def _new_certificate(*, policy, user, issued_by, number, issued_at, replaces=None) -> Certificate:
    """The certificate, not yet saved: its number, code, pinned revisions and snapshot."""
    return Certificate(
        user=user,
        programme_id=policy.programme_id,
        round_id=policy.round_id,
        policy=policy,
        template=policy.template,
        template_revision=_pinned_revision(policy.template),
        template_en=policy.template_en,
        template_en_revision=_pinned_revision(policy.template_en),
        number=number,
        verification_code=new_verification_code(),
        issued_at=issued_at,
        issued_by=issued_by,
        replaces=replaces,
        **_snapshot(user, policy),
    )


def _create_certificate(*, policy, user, issued_by, replaces=None, sequence=None) -> Certificate:
    now = timezone.now()
    sequence = sequence or _lock_number_sequence(policy=policy, year=buddhist_year(now))
    certificate = _new_certificate(
        policy=policy,
        user=user,
        issued_by=issued_by,
        number=_take_number(sequence, policy.number_prefix),
        issued_at=now,
        replaces=replaces,
    )
    certificate.save(force_insert=True)
    return certificate


def _notify(certificate: Certificate, user) -> None:
    if not user.email:
        return
    with translation.override("th"):
        download_path = reverse("certificates:download", kwargs={"pk": certificate.pk})
        mine_path = reverse("certificates:mine")
    queue_templated_mail(
        template="certificates/email/certificate_ready",
        context={
            "name": certificate.recipient_name,
            "course": certificate.course_title,
            "programme": certificate.programme_title,
            "number": certificate.number,
            "download_url": f"{settings.SITE_URL}{download_path}",
            "certificates_url": f"{settings.SITE_URL}{mine_path}",
            "verify_url": verification_url(certificate.verification_code),
        },
        to=[user.email],
    )


def issue_certificate(
    *,
    policy: CompletionPolicy,
    user,
    issued_by=None,
    check_eligibility: bool = True,
    notify: bool = True,
    render: bool = True,
) -> IssueResult:
    """Issue ``user`` their certificate under ``policy``, once.

    Idempotent: when the participant already holds a valid certificate for the round or
    programme, that one is returned with ``created=False`` (also under concurrency: the
    number sequence is locked first, and a database constraint allows one valid
    certificate per participant and round or programme). The PDF is rendered and the
    "certificate ready" e-mail sent after commit.
    """
    _refuse_unless_issuable(policy, user)
    if check_eligibility:
        eligibility = evaluate_policies([policy], [user.pk])[(policy.pk, user.pk)]
        if not eligibility.eligible:
            existing = _valid_certificate(policy=policy, user_id=user.pk)
            if existing is not None:
                return IssueResult(existing, created=False)
            raise CertificateError("not_eligible")
    try:
        with transaction.atomic():
            # Lock the number sequence first: it serialises issuers, so the check below
            # sees a certificate another transaction has just committed.
            sequence = _lock_number_sequence(policy=policy, year=buddhist_year(timezone.now()))
            existing = _valid_certificate(policy=policy, user_id=user.pk)
            if existing is not None:
                return IssueResult(existing, created=False)
            certificate = _create_certificate(
                policy=policy, user=user, issued_by=issued_by, sequence=sequence
            )
            log(
                instance=certificate,
                action="esc.certificates.issue",
                user=issued_by,
                data={"number": certificate.number, "user_id": user.pk},
            )
            if notify:
                _notify(certificate, user)
            _announce(certificate.pk, certificate_issued)
            if render:
                _render_after_commit([certificate.pk])
    except IntegrityError:
        existing = _valid_certificate(policy=policy, user_id=user.pk)
        if existing is None:
            raise
        return IssueResult(existing, created=False)
    return IssueResult(certificate, created=True)


def _announce(certificate_id: int, signal: Signal | None = None) -> None:
    """Tell listeners once the transaction has committed: ``signal`` (issued, revoked) for
    those that care which (LINE), and ``certificate_changed`` always (reports recount)."""

    def send():
        if signal is not None:
            signal.send(sender=Certificate, certificate_id=certificate_id)
        certificate_changed.send(sender=Certificate, certificate_id=certificate_id)

    transaction.on_commit(send)


def _render_after_commit(certificate_ids: list[int]) -> None:
    from .tasks import render_certificate_pdfs

    transaction.on_commit(lambda: render_certificate_pdfs.enqueue(certificate_ids=certificate_ids))


# --- PDFs ------------------------------------------------------------------------------


def store_certificate_pdf(
    *, certificate: Certificate, language: str = "th", prepared_cache: dict | None = None
) -> str:
    """Render the PDF from the pinned data and keep it; returns the stored file's name.

    Rendering the same certificate twice gives the same content, so a second run (a
    resumed job, two downloads at once) only replaces the file with an equal one.
    """
    if language == "en" and not certificate.has_english:
        raise CertificateError("no_english")
    data = render_certificate_pdf(certificate, language, prepared_cache=prepared_cache)
    return _keep_pdf(certificate, language, data)


def _keep_pdf(certificate: Certificate, language: str, data: bytes) -> str:
    field_name = "pdf_en" if language == "en" else "pdf"
    suffix = "-en" if language == "en" else ""
    file = getattr(certificate, field_name)
    old_name = file.name
    file.save(f"{certificate.number}{suffix}.pdf", ContentFile(data), save=False)
    Certificate.objects.filter(pk=certificate.pk).update(**{field_name: file.name})
    if old_name and old_name != file.name:
        file.storage.delete(old_name)
    return file.name


def store_certificate_pdfs(
    *, certificates: list[Certificate], prepared_cache: dict | None = None
) -> int:
    """Render the Thai PDFs of many certificates as one batch and keep them; returns how
    many were stored. A batch that fails is rendered again one certificate at a time, so
    one bad certificate costs only its own PDF (rendered again on download)."""
    prepared_cache = {} if prepared_cache is None else prepared_cache
    if len(certificates) > 1:
        try:
            pdfs = render_certificate_pdfs(certificates, prepared_cache=prepared_cache)
        except Exception:  # whatever broke the batch (logged), try each on its own
            logger.exception("Batch of %s certificate PDFs failed; one by one", len(certificates))
        else:
            for certificate, data in zip(certificates, pdfs, strict=True):
                _keep_pdf(certificate, "th", data)
            return len(certificates)
    stored = 0
    for certificate in certificates:
        try:
            store_certificate_pdf(certificate=certificate, prepared_cache=prepared_cache)
            stored += 1
        except (OSError, ValueError):
            # The certificate stands; its PDF is rendered again on download.
            logger.exception("PDF of certificate %s failed", certificate.pk)
    return stored


def render_missing_pdfs(certificate_ids: list[int]) -> int:
    """Store the Thai PDF of each certificate that has none yet (in batches); returns how
    many."""
    prepared_cache: dict = {}
    certificates = list(
        Certificate.objects.filter(pk__in=certificate_ids, pdf="")
        .select_related("template_revision", "template_en_revision")
        .order_by("pk")
    )
    rendered = 0
    for start in range(0, len(certificates), RENDER_BATCH):
        batch = certificates[start : start + RENDER_BATCH]
        rendered += store_certificate_pdfs(certificates=batch, prepared_cache=prepared_cache)
    return rendered


def certificate_pdf_bytes(*, certificate: Certificate, language: str = "th") -> bytes:
    """The stored PDF, rendered (and stored) first if it is missing."""
    field_name = "pdf_en" if language == "en" else "pdf"
    file = getattr(certificate, field_name)
    if file.name:
        try:
            with file.storage.open(file.name, "rb") as handle:
                return handle.read()
        except FileNotFoundError:
            logger.warning("Certificate PDF %s missing; rendering it again", file.name)
    name = store_certificate_pdf(certificate=certificate, language=language)
    with file.storage.open(name, "rb") as handle:
        return handle.read()


# --- Bulk issuance ----------------------------------------------------------------------


@transaction.atomic
def start_bulk_issuance(
    *, policy: CompletionPolicy, requested_by, parallel: int = 1
) -> IssuanceJob:
    """Queue certificates for everyone eligible now who has none yet; returns the job.

    ``parallel`` tasks are queued for the job; with as many worker processes they share
    the items (each claims the next pending one), which PostgreSQL runs side by side.
    """
    if not policy.is_active:
        raise CertificateError("policy_inactive")
    holders = Certificate.objects.for_policy(policy)
    already = set(holders.values_list("user_id", flat=True))
    user_ids = [uid for uid in eligible_user_ids(policy) if uid not in already]
    if not user_ids:
        raise CertificateError("nobody_to_issue")
    job = IssuanceJob.objects.create(policy=policy, requested_by=requested_by, total=len(user_ids))
    IssuanceJobItem.objects.bulk_create(
        [IssuanceJobItem(job=job, user_id=uid) for uid in user_ids], batch_size=1000
    )
    log(
        instance=policy,
        action="esc.certificates.bulk_issue",
        user=requested_by,
        data={"job_id": job.pk, "participants": len(user_ids)},
    )
    _enqueue_job(job, parallel=parallel)
    return job


def _enqueue_job(job: IssuanceJob, *, parallel: int = 1) -> None:
    from .tasks import run_issuance_job_task

    def enqueue():
        for _number in range(max(1, parallel)):
            run_issuance_job_task.enqueue(job_id=job.pk)

    transaction.on_commit(enqueue)


@transaction.atomic
def resume_issuance_job(*, job: IssuanceJob, requested_by) -> IssuanceJob:
    """Run a job again after its worker stopped: it issues only what is still pending."""
    job = IssuanceJob.objects.select_for_update().get(pk=job.pk)
    unrendered = Certificate.objects.filter(
        pk__in=job.items.filter(status=ItemStatus.ISSUED).values("certificate_id"), pdf=""
    )
    if not job.items.filter(status=ItemStatus.PENDING).exists() and not unrendered.exists():
        raise CertificateError("job_finished")
    job.status = IssuanceJobStatus.QUEUED
    job.finished_at = None
    job.save(update_fields=["status", "finished_at"])
    log(instance=job.policy, action="esc.certificates.bulk_resume", user=requested_by)
    _enqueue_job(job)
    return job


def _issue_item(job: IssuanceJob, item: IssuanceJobItem) -> None:
    """Issue one claimed item through ``issue_certificate`` (its own savepoint, so after an
    error the batch's transaction is still usable to record it)."""
    try:
        result = issue_certificate(
            policy=job.policy,
            user=item.user,
            issued_by=job.requested_by,
            check_eligibility=False,
            render=False,
        )
        item.status, item.certificate, item.error = ItemStatus.ISSUED, result.certificate, ""
    except CertificateError as error:
        item.status, item.error = ItemStatus.FAILED, error.message[:255]
    except DatabaseError:
        logger.exception("Bulk issuance %s: participant %s failed", job.pk, item.user_id)
        item.status, item.error = ItemStatus.FAILED, str(_("Unexpected database error."))


def _log_issued(certificates: list[Certificate], issued_by) -> None:
    """The audit entries ``log()`` writes for each issue, written in one INSERT (Wagtail's
    ``log_action`` creates one row at a time)."""
    model = log_registry.get_log_model_for_instance(certificates[0])
    if model is None:
        return
    context = get_active_log_context()
    content_type = ContentType.objects.get_for_model(Certificate, for_concrete_model=False)
    now = timezone.now()
    model.objects.bulk_create(
        model(
            content_type=content_type,
            label=model.objects.get_instance_title(certificate),
            action="esc.certificates.issue",
            timestamp=now,
            data={"number": certificate.number, "user_id": certificate.user_id},
            user=issued_by or context.user,
            uuid=context.uuid,
            object_id=str(certificate.pk),
        )
        for certificate in certificates
    )


def _issue_items_together(job: IssuanceJob, items: list[IssuanceJobItem]) -> None:
    """What ``issue_certificate`` does for each item, done for the claimed items at once:
    the number sequence locked once and moved by the batch, the certificates and their
    audit entries inserted in one statement each. Same numbers, same rows, same e-mails
    and announcements as one at a time (tests/certificates/test_issuance.py)."""
    policy = job.policy
    now = timezone.now()
    sequence = _lock_number_sequence(policy=policy, year=buddhist_year(now))
    held = {
        certificate.user_id: certificate
        for certificate in Certificate.objects.for_policy(policy).filter(
            user_id__in=[item.user_id for item in items]
        )
    }
    new = []
    for item in items:
        try:
            _refuse_unless_issuable(policy, item.user)
        except CertificateError as error:
            item.status, item.error = ItemStatus.FAILED, error.message[:255]
            continue
        item.status, item.error = ItemStatus.ISSUED, ""
        item.certificate = held.get(item.user_id)
        if item.certificate is None:
            item.certificate = _new_certificate(
                policy=policy,
                user=item.user,
                issued_by=job.requested_by,
                number=_take_number(sequence, policy.number_prefix, save=False),
                issued_at=now,
            )
            new.append(item)
    if not new:
        return
    sequence.save(update_fields=["last_value"])
    certificates = Certificate.objects.bulk_create([item.certificate for item in new])
    _log_issued(certificates, job.requested_by)
    for item in new:
        _notify(item.certificate, item.user)
        _announce(item.certificate.pk, certificate_issued)


def _issue_next_items(job: IssuanceJob, limit: int) -> list[IssuanceJobItem]:
    """Claim up to ``limit`` pending items and issue them in one transaction; an empty list
    when nothing is pending.

    The item rows are locked (and skipped by other workers) until the transaction ends, so
    a worker that dies mid-way leaves its items pending and nothing half-done. A batch
    the database refuses (a constraint, say) is issued again one item at a time, so one
    bad item fails alone.
    """
    with transaction.atomic():
        items = list(
            job.items.filter(status=ItemStatus.PENDING)
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("user__organisation")
            .order_by("pk")[:limit]
        )
        if not items:
            return []
        try:
            with transaction.atomic():
                _issue_items_together(job, items)
        except DatabaseError:
            logger.exception("Bulk issuance %s: a batch failed; one by one", job.pk)
            for item in items:
                item.certificate = None
                _issue_item(job, item)
        IssuanceJobItem.objects.bulk_update(items, ["status", "certificate", "error"])
    return items


def run_issuance_job(job_id: int) -> dict:
    """Work through a job: issue the pending items, storing their PDFs in batches of
    ``RENDER_BATCH``.

    Safe to run again and by several workers at once: pending items are claimed with
    row locks, certificates are idempotent, and certificates issued without a PDF (a
    worker killed before its batch was rendered) get theirs at the end.
    """
    job = IssuanceJob.objects.select_related(
        "policy__programme", "policy__round", "policy__template", "policy__template_en"
    ).get(pk=job_id)
    IssuanceJob.objects.filter(pk=job.pk).update(
        status=IssuanceJobStatus.RUNNING, started_at=job.started_at or timezone.now()
    )
    prepared_cache: dict = {}
    issued = 0
    while items := _issue_next_items(job, RENDER_BATCH):
        to_render = []
        for item in items:
            if item.status == ItemStatus.ISSUED:
                issued += 1
                logger.info("Bulk issuance %s: issued %s", job.pk, item.certificate.number)
                if not item.certificate.pdf:
                    to_render.append(item.certificate)
        if to_render:
            store_certificate_pdfs(certificates=to_render, prepared_cache=prepared_cache)
    rendered = render_missing_pdfs(
        list(
            job.items.filter(status=ItemStatus.ISSUED)
            .exclude(certificate=None)
            .values_list("certificate_id", flat=True)
        )
    )
    if not job.items.filter(status=ItemStatus.PENDING).exists():
        IssuanceJob.objects.filter(pk=job.pk).update(
            status=IssuanceJobStatus.FINISHED, finished_at=timezone.now()
        )
    return {"issued": issued, "rendered_later": rendered}


# --- Revocation -----------------------------------------------------------------------


def _notify_revoked(certificate: Certificate) -> None:
    """Tell the participant, in Thai, that their certificate was revoked and why."""
    user = certificate.user
    if user is None or not user.email or user.erased_at is not None:
        return
    with translation.override("th"):
        mine_path = reverse("certificates:mine")
    queue_templated_mail(
        template="certificates/email/certificate_revoked",
        context={
            "name": certificate.recipient_name,
            "course": certificate.course_title,
            "number": certificate.number,
            "reason": certificate.revocation_reason,
            "certificates_url": f"{settings.SITE_URL}{mine_path}",
            "verify_url": verification_url(certificate.verification_code),
        },
        to=[user.email],
    )


@transaction.atomic
def revoke_certificate(
    *, certificate: Certificate, reason: str, revoked_by, notify: bool = True
) -> Certificate:
    """Mark a certificate revoked, with the reason, in the audit log; it stays on record.
    The participant is e-mailed the reason (``notify``; a re-issue tells them of the
    replacement instead)."""
    reason = (reason or "").strip()
    if not reason:
        raise CertificateError("reason_required")
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if certificate.status == CertificateStatus.REVOKED:
        raise CertificateError("already_revoked")
    certificate.status = CertificateStatus.REVOKED
    certificate.revoked_at = timezone.now()
    certificate.revoked_by = revoked_by
    certificate.revocation_reason = reason
    certificate.save(update_fields=["status", "revoked_at", "revoked_by", "revocation_reason"])
    log(
        instance=certificate,
        action="esc.certificates.revoke",
        user=revoked_by,
        data={"number": certificate.number, "reason": reason},
    )
    if notify:
        _notify_revoked(certificate)
    _announce(certificate.pk, certificate_revoked)
    return certificate


@transaction.atomic
def reissue_certificate(*, certificate: Certificate, reason: str, issued_by) -> Certificate:
    """Revoke (if still valid) and issue a replacement with a new number and code.

    The replacement takes the participant's current name and LAO and the policy's current
    template; the old code keeps answering "revoked" and leads nowhere else.
    """
    reason = (reason or "").strip()
    if not reason:
        raise CertificateError("reason_required")
    certificate = Certificate.objects.select_related("user__organisation", "policy").get(
        pk=certificate.pk
    )
    if certificate.user is None or certificate.user.erased_at is not None:
        raise CertificateError("no_participant")
    if hasattr(certificate, "replaced_by"):
        raise CertificateError("already_reissued")
    if certificate.status == CertificateStatus.VALID:
        certificate = revoke_certificate(
            certificate=certificate, reason=reason, revoked_by=issued_by, notify=False
        )
    policy = CompletionPolicy.objects.select_related("programme", "round").get(
        pk=certificate.policy_id
    )
    sequence = _lock_number_sequence(policy=policy, year=buddhist_year(timezone.now()))
    if _valid_certificate(policy=policy, user_id=certificate.user_id) is not None:
        raise CertificateError("holds_another")
    replacement = _create_certificate(
        policy=policy,
        user=certificate.user,
        issued_by=issued_by,
        replaces=certificate,
        sequence=sequence,
    )
    log(
        instance=replacement,
        action="esc.certificates.reissue",
        user=issued_by,
        data={"number": replacement.number, "replaces": certificate.number, "reason": reason},
    )
    _notify(replacement, certificate.user)
    _render_after_commit([replacement.pk])
    _announce(replacement.pk, certificate_issued)
    return replacement

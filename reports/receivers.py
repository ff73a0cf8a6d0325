"""The domain's announcements that move the country-wide round counts (connected in
``ReportsConfig.ready``). The domain apps declare and send these signals after commit and
know nothing of reports; each one only asks for a (debounced) recount."""

from assessments.signals import attempt_submitted
from certificates.signals import certificate_changed
from courses.signals import enrolment_changed
from sessions.signals import attendance_reconciled

from .services import request_summary_refresh


def recount_round_summary(**kwargs) -> None:
    request_summary_refresh()


SIGNALS = {
    "enrolment_changed": enrolment_changed,
    "attendance_reconciled": attendance_reconciled,
    "attempt_submitted": attempt_submitted,
    "certificate_changed": certificate_changed,
}


def connect() -> None:
    for name, signal in SIGNALS.items():
        signal.connect(recount_round_summary, dispatch_uid=f"reports.recount.{name}")

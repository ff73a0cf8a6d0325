"""PDPA for courses: the person's enrolments and the e-mails sent about them, in "download
my data" (registered in ``courses.wagtail_hooks``, which also cancels upcoming enrolments on
deletion). A notice record holds no name or address (an enrolment, a
kind and a time), so it stays after deletion: a re-run task must not mail again.
"""

from django.utils.translation import gettext as _

from accounts.personal_data import PersonalDataSection

from .models import Enrolment, EnrolmentNotice


def enrolment_personal_data(user) -> list[PersonalDataSection]:
    enrolments = Enrolment.objects.for_user(user).select_related("round__programme")
    rows = [
        {
            "programme": enrolment.round.programme.title,
            "round": enrolment.round.number,
            "round_title": enrolment.round.title,
            "round_starts_at": enrolment.round.starts_at.isoformat(),
            "status": enrolment.status,
            "src": enrolment.src,
            "enrolled_at": enrolment.created_at.isoformat(),
            "queued_at": enrolment.queued_at.isoformat(),
            "status_changed_at": enrolment.status_changed_at.isoformat(),
        }
        for enrolment in enrolments.order_by("round__starts_at")
    ]
    return [PersonalDataSection(key="enrolments", title=str(_("Enrolments")), rows=rows)]


def notice_personal_data(user) -> list[PersonalDataSection]:
    notices = (
        EnrolmentNotice.objects.filter(enrolment__user=user)
        .select_related("enrolment__round")
        .order_by("sent_at", "pk")
    )
    rows = [
        {
            "round": notice.enrolment.round.number,
            "round_title": notice.enrolment.round.title,
            "kind": notice.kind,
            "kind_label": str(notice.get_kind_display()),
            "sent_at": notice.sent_at.isoformat(),
        }
        for notice in notices
    ]
    return [PersonalDataSection(key="notices", title=_("Notices sent"), rows=rows)]

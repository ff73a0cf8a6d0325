"""PDPA for courses: the e-mails sent about the person's enrolments, in "download my data".

Enrolments themselves are exported and, on deletion, cancelled when upcoming (see
``courses.wagtail_hooks``). A notice record holds no name or address (an enrolment, a
kind and a time), so it stays after deletion: a re-run task must not mail again.
"""

from django.utils.translation import gettext as _

from accounts.personal_data import PersonalDataSection

from .models import EnrolmentNotice


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

"""How long until something happens, said the way people say it ("อีก 2 วัน 3 ชั่วโมง")."""

import datetime

from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def describe_time_until(target: datetime.datetime, now: datetime.datetime) -> str:
    seconds = int((target - now).total_seconds())
    if seconds <= 0:
        return ""
    minutes = max(1, (seconds + 59) // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    parts = []
    if days:
        parts.append(ngettext("%(count)s day", "%(count)s days", days) % {"count": days})
    if hours:
        parts.append(ngettext("%(count)s hour", "%(count)s hours", hours) % {"count": hours})
    if not days and minutes:
        parts.append(
            ngettext("%(count)s minute", "%(count)s minutes", minutes) % {"count": minutes}
        )
    return _("in %(time)s") % {"time": " ".join(parts)}

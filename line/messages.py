"""What each LINE notice says: a Thai Flex bubble and its plain-text fallback.

Every builder returns a ``Notice`` with the Flex message (its ``altText`` is the plain-text
fallback LINE shows in the chat list, in push notifications and on clients without Flex)
and ``text``, the same content as plain text for the e-mail fallback. Built in Thai
whatever language is active.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.thai import format_thai_date, format_thai_time

GREEN = "#06C755"
RED = "#B42318"


@dataclass(frozen=True)
class Notice:
    title: str
    lines: list[str]
    buttons: list[tuple[str, str]]  # (label, absolute URL)
    colour: str = GREEN

    @property
    def alt_text(self) -> str:
        return " · ".join([self.title, *self.lines])[:400]

    @property
    def text(self) -> str:
        """Plain text: the e-mail fallback's body."""
        links = [f"{label}: {url}" for label, url in self.buttons]
        return "\n".join([self.title, "", *self.lines, "", *links])

    def line_messages(self) -> list[dict]:
        body = [
            {
                "type": "text",
                "text": self.title,
                "weight": "bold",
                "size": "lg",
                "wrap": True,
                "color": self.colour,
            },
            *({"type": "text", "text": line, "wrap": True, "size": "sm"} for line in self.lines),
        ]
        bubble = {
            "type": "bubble",
            "body": {"type": "box", "layout": "vertical", "spacing": "sm", "contents": body},
        }
        if self.buttons:
            bubble["footer"] = {
                "type": "box",
                "layout": "vertical",
                "spacing": "sm",
                "contents": [
                    {
                        "type": "button",
                        "style": "primary" if index == 0 else "secondary",
                        "color": self.colour if index == 0 else None,
                        "action": {"type": "uri", "label": label[:40], "uri": url},
                    }
                    for index, (label, url) in enumerate(self.buttons)
                ],
            }
            for button in bubble["footer"]["contents"]:
                if button["color"] is None:
                    del button["color"]
        return [{"type": "flex", "altText": self.alt_text, "contents": bubble}]


def _url(name: str, **kwargs) -> str:
    with translation.override("th"):
        return settings.SITE_URL + reverse(name, kwargs=kwargs)


def _when(round_) -> str:
    return _("%(date)s, %(start)s–%(end)s") % {
        "date": format_thai_date(round_.starts_at, "long", language="th"),
        "start": timezone.localtime(round_.starts_at).strftime("%H:%M"),
        "end": format_thai_time(round_.ends_at),
    }


def _round_line(round_) -> str:
    return round_.numbered_title


def my_training_url() -> str:
    return settings.SITE_URL + "/my-training/"


def calendar_url(round_) -> str:
    return _url("line:round_calendar", round_id=round_.pk)


def enrolment_confirmed(round_) -> Notice:
    with translation.override("th"):
        return Notice(
            title=_("Your seat is confirmed"),
            lines=[_round_line(round_), _when(round_)],
            buttons=[
                (_("Add to calendar"), calendar_url(round_)),
                (_("My training"), my_training_url()),
            ],
        )


def waitlisted(round_) -> Notice:
    with translation.override("th"):
        return Notice(
            title=_("You are on the waiting list"),
            lines=[
                _round_line(round_),
                _when(round_),
                _("We will tell you here if a seat frees up."),
            ],
            buttons=[(_("My training"), my_training_url())],
        )


def promoted(round_) -> Notice:
    with translation.override("th"):
        return Notice(
            title=_("A seat has freed up: you are enrolled"),
            lines=[_round_line(round_), _when(round_)],
            buttons=[
                (_("Add to calendar"), calendar_url(round_)),
                (_("My training"), my_training_url()),
            ],
        )


def reminder(round_, kind: str) -> Notice:
    with translation.override("th"):
        title = (
            _("Tomorrow: online training")
            if kind == "reminder_day"
            else _("In one hour: online training")
        )
        return Notice(
            title=title,
            lines=[
                _round_line(round_),
                _when(round_),
                _("The room opens at %(time)s") % {"time": format_thai_time(round_.join_opens_at)},
            ],
            buttons=[(_("My training"), my_training_url())],
        )


def room_open(round_) -> Notice:
    with translation.override("th"):
        return Notice(
            title=_("The room is open: join now"),
            lines=[_round_line(round_), _when(round_)],
            buttons=[(_("Join"), _url("training_sessions:join", round_id=round_.pk))],
        )


def post_test_open(round_, quiz) -> Notice:
    with translation.override("th"):
        lines = [_round_line(round_), quiz.title]
        if quiz.closes_at:
            lines.append(
                _("Open until %(date)s %(time)s")
                % {
                    "date": format_thai_date(quiz.closes_at, "long", language="th"),
                    "time": format_thai_time(quiz.closes_at),
                }
            )
        return Notice(
            title=_("The post-test is open"),
            lines=lines,
            buttons=[(_("Take the post-test"), _url("assessments:quiz", pk=quiz.pk))],
        )


def certificate_issued(certificate, verify_url: str) -> Notice:
    with translation.override("th"):
        return Notice(
            title=_("Your certificate has been issued"),
            lines=[
                certificate.course_title,
                _("Certificate number %(number)s") % {"number": certificate.number},
            ],
            buttons=[
                (_("My certificates"), _url("certificates:mine")),
                (_("Verify"), verify_url),
            ],
        )


def certificate_revoked(certificate, verify_url: str) -> Notice:
    with translation.override("th"):
        return Notice(
            title=_("Your certificate has been revoked"),
            lines=[
                certificate.course_title,
                _("Certificate number %(number)s") % {"number": certificate.number},
                _("Contact the organisers if you think this is a mistake."),
            ],
            buttons=[(_("Verify"), verify_url)],
            colour=RED,
        )


def link_confirmed() -> Notice:
    with translation.override("th"):
        return Notice(
            title=_("LINE is linked"),
            lines=[_("You will receive training notices here.")],
            buttons=[],
        )


def expected_due(starts_at: datetime.datetime, kind: str) -> datetime.datetime:
    return starts_at - (
        datetime.timedelta(days=1) if kind == "reminder_day" else datetime.timedelta(hours=1)
    )

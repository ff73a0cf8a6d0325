"""A round and its web page link to each other in the admin: the round's dates, seats and
trainers are edited on the round (Training › Rounds); the page's text on the page."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.widgets.button import Button

from .models import RoundPage


def round_page_buttons(round_):
    """The round's edit view: "Edit web page" for each page that shows the round."""
    pages = RoundPage.objects.filter(round=round_).order_by("pk").only("pk", "title")
    return [
        Button(
            _("Edit web page: %(title)s") % {"title": page.title},
            url=reverse("wagtailadmin_pages:edit", args=[page.pk]),
            icon_name="doc-empty",
            priority=17,
        )
        for page in pages
    ]


def round_settings_button(page, user, view_name, next_url=None):
    """A round page's edit view: "Round dates and seats" opens the round it shows."""
    round_id = getattr(page.specific_deferred, "round_id", None)
    if round_id is None or view_name != "edit":
        return
    yield Button(
        _("Round dates, seats and trainers"),
        url=reverse("rounds:edit", args=[round_id]),
        icon_name="date",
        priority=12,
    )

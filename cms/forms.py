"""Page forms: a round page takes its title from its round (the one source of a round's
title, ``courses.Round.title_in``), so the admin's page tree and the public page agree."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm


class RoundPageForm(WagtailAdminPageForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        title = self.fields.get("title")
        if title is not None:
            title.required = False
            title.help_text = _(
                "Taken from the round when the page is saved: edit the title on the round."
            )

    def clean(self):
        cleaned = super().clean()
        round_ = cleaned.get("round")
        if round_ is not None:
            language = self.instance.locale.language_code if self.instance.locale_id else None
            cleaned["title"] = round_.title_in(language)
        elif not cleaned.get("title"):
            self.add_error("title", _("Choose the round: the page takes its title from it."))
        return cleaned

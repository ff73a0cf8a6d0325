"""A list of checkboxes with a search box above it, for pickers of a few dozen people.

Wagtail's choosers pick one object; a round has several trainers. The list stays a plain
``CheckboxSelectMultiple`` (it works without JavaScript); ``static/js/searchable_checkboxes.js``
hides the rows whose text does not contain what is typed, so a name or an e-mail finds
its row at once.
"""

from django import forms
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _


class SearchableCheckboxSelectMultiple(forms.CheckboxSelectMultiple):
    """Checkboxes filtered as one types; ``label_for`` words each row (default: ``str``)."""

    search_label = _("Search by name or e-mail")
    empty_text = _("Nobody matches.")

    def __init__(self, *args, label_for=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.label_for = label_for

    class Media:
        js = ["js/searchable_checkboxes.js"]

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        instance = getattr(value, "instance", None)
        if self.label_for is not None and instance is not None:
            label = self.label_for(instance)
        return super().create_option(name, value, label, selected, index, subindex, attrs)

    def render(self, name, value, attrs=None, renderer=None):
        checkboxes = super().render(name, value, attrs, renderer)
        return format_html(
            '<div class="searchable-checkboxes" data-searchable-checkboxes>'
            '<label class="w-field__label">{label}'
            '<input type="search" data-search autocomplete="off"></label>'
            "{checkboxes}<p data-none hidden>{empty}</p></div>",
            label=self.search_label,
            checkboxes=checkboxes,
            empty=self.empty_text,
        )

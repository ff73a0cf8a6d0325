"""Dates typed with a Buddhist-Era year are refused, in every form of the site.

Thai officers write 2569 for 2026 out of habit. The date pickers of Django's and Wagtail's
admin (and our own forms) take Christian-Era years, so "2569-12-30" was accepted and saved
as the year 2569 (shown as พ.ศ. 3112). No date this platform keeps is after 2400 CE, so a
year above that is a Buddhist-Era year typed by mistake: refused with a hint in Thai.
"""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .thai import BUDDHIST_ERA_OFFSET

LATEST_CE_YEAR = 2400


def not_a_buddhist_era_year(value: datetime.date | datetime.datetime | None) -> None:
    if value is not None and value.year > LATEST_CE_YEAR:
        raise ValidationError(
            _(
                "The year %(year)s looks like a Buddhist-Era year. Please type the year in "
                "the Christian Era: %(ce_year)s."
            ),
            code="buddhist_era_year",
            params={"year": value.year, "ce_year": value.year - BUDDHIST_ERA_OFFSET},
        )


def refuse_buddhist_era_years() -> None:
    """Every date and date-time form field (ours, the admins', Wagtail's) checks the year.

    Set on the field classes once at start-up: a validator per model field would miss the
    forms without a model and need a migration for each field.
    """
    for field_class in (forms.DateField, forms.DateTimeField):
        if not_a_buddhist_era_year not in field_class.default_validators:
            field_class.default_validators = [
                *field_class.default_validators,
                not_a_buddhist_era_year,
            ]

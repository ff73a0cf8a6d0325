"""A date typed with a Buddhist-Era year is refused with a Thai hint, in every form."""

import pytest
from django import forms
from django.apps import apps
from django.db import models
from django.utils import translation

OUR_APPS = {
    "accounts", "courses", "training_sessions", "assessments", "sar", "certificates",
    "reports", "cms", "line_notices", "config", "core",
}  # fmt: skip
HINT = "ปี 2569 เป็นปีพุทธศักราช"


def our_date_fields():
    for model in apps.get_models():
        if model._meta.app_label not in OUR_APPS:
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, models.DateField) and field.editable:  # DateTimeField too
                yield pytest.param(field, id=f"{model._meta.label}.{field.name}")


@pytest.mark.parametrize("field", list(our_date_fields()))
def test_every_date_field_of_our_models_refuses_a_buddhist_era_year(field):
    form_field = field.formfield()
    typed = "2569-12-30" if isinstance(form_field, forms.DateField) else "2569-12-30 09:00"
    with translation.override("th"), pytest.raises(forms.ValidationError) as error:
        form_field.clean(typed)
    assert HINT in str(error.value.messages[0])
    assert "2026" in error.value.messages[0]
    # The same date in the Christian Era is fine.
    assert form_field.clean(typed.replace("2569", "2026")).year == 2026


@pytest.mark.parametrize(
    "form_field, typed",
    [
        (forms.DateField(), "2569-12-30"),
        (forms.DateTimeField(), "2569-12-30 09:00"),
        (forms.SplitDateTimeField(), ["2569-12-30", "09:00"]),
    ],
)
def test_form_fields_without_a_model_refuse_it_too(form_field, typed):
    with translation.override("th"), pytest.raises(forms.ValidationError) as error:
        form_field.clean(typed)
    assert HINT in str(error.value.messages[0])


def test_the_walk_found_the_date_fields_people_type():
    names = {param.id for param in our_date_fields()}
    assert {"courses.Round.starts_at", "courses.Round.registration_closes_at"} <= names

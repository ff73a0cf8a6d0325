"""Forms of the sandbox. They only carry typed text: ``sar.services`` validates it."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.thai import NumberTextError, current_year_be, parse_year_be

from .framework import Field, Framework, localized
from .services import START_EMPTY, START_SAMPLE

NOTE_SUFFIX = "__note"


def note_name(key: str) -> str:
    return key + NOTE_SUFFIX


class SectionForm(forms.Form):
    """One data-entry page: a value and a source/evidence note per figure.

    Numbers are text inputs with a decimal keypad: what a person types (commas, Thai
    digits, or a mistake) comes back to the server untouched and is judged there.
    """

    def __init__(self, *args, fields: tuple[Field, ...], read_only: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.figure_fields = fields
        for field_def in fields:
            self.fields[field_def.key] = self._value_field(field_def)
            self.fields[note_name(field_def.key)] = forms.CharField(
                label=_("Source or evidence"),
                required=False,
                strip=False,
                widget=forms.TextInput(
                    attrs={"class": "sar-note", "autocomplete": "off", "maxlength": "500"}
                ),
            )
        if read_only:
            for form_field in self.fields.values():
                form_field.disabled = True

    def _value_field(self, field_def: Field) -> forms.Field:
        label = field_def.name
        if field_def.type == "boolean":
            choices = [("", _("— not answered —")), ("true", _("Yes")), ("false", _("No"))]
            return forms.CharField(
                label=label, required=False, widget=forms.Select(choices=choices)
            )
        if field_def.type == "choice":
            choices = [("", _("— not answered —"))] + [
                (code, localized(item, "name")) for code, item in field_def.choices
            ]
            # Unknown codes come back as they are, so the service can name the mistake.
            return forms.CharField(
                label=label, required=False, widget=forms.Select(choices=choices)
            )
        mode = "numeric" if field_def.type == "integer" else "decimal"
        return forms.CharField(
            label=label,
            required=False,
            strip=False,
            widget=forms.TextInput(
                attrs={"inputmode": mode, "autocomplete": "off", "class": "sar-number"}
            ),
        )

    def typed_values(self) -> dict[str, str]:
        return {f.key: self.data.get(self.add_prefix(f.key), "") for f in self.figure_fields}

    def typed_notes(self) -> dict[str, str]:
        return {
            f.key: self.data.get(self.add_prefix(note_name(f.key)), "") for f in self.figure_fields
        }

    def add_service_errors(self, errors: dict[str, list[str]]) -> None:
        for key, messages in errors.items():
            target = key if key in self.fields else None
            for message in messages:
                self.add_error(target, message)


class WorkspaceCreateForm(forms.Form):
    year_be = forms.CharField(
        label=_("Reporting year (BE)"),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        help_text=_(
            "The year the figures are about, e.g. 2568 for the fiscal or calendar year 2568."
        ),
    )
    start_from = forms.ChoiceField(
        label=_("Start"),
        widget=forms.RadioSelect,
        choices=[
            (START_EMPTY, _("Empty: enter my LAO's own figures (counts for the exercises)")),
            (START_SAMPLE, _("From the fictitious sample city, to explore (does not count)")),
        ],
        initial=START_EMPTY,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year_be"].initial = current_year_be()

    def clean_year_be(self):
        try:
            return parse_year_be(self.cleaned_data["year_be"], minimum=2500, maximum=2700)
        except NumberTextError:
            raise forms.ValidationError(
                _("Enter a Buddhist-Era year from 2500 to 2700, e.g. 2569.")
            ) from None


class ResetForm(forms.Form):
    start_from = forms.ChoiceField(
        label=_("Reset to"),
        widget=forms.RadioSelect,
        choices=[
            (START_EMPTY, _("Empty")),
            (START_SAMPLE, _("The fictitious sample city")),
        ],
    )
    confirm = forms.BooleanField(
        label=_("I understand that every figure and activity of this workspace is replaced."),
        required=True,
    )


class ActivityForm(forms.Form):
    """One line of the GHG inventory."""

    ef = forms.CharField(label=_("Activity (emission factor)"), required=False)
    quantity = forms.CharField(
        label=_("Quantity"),
        required=False,
        strip=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    month = forms.CharField(label=_("Period"), required=False)
    note = forms.CharField(
        label=_("Source or evidence"),
        required=False,
        widget=forms.TextInput(attrs={"maxlength": "500", "autocomplete": "off"}),
    )

    def __init__(self, *args, framework: Framework, **kwargs):
        super().__init__(*args, **kwargs)
        groups = []
        for sector in framework.sectors:
            options = [
                (factor.code, f"{factor.name} ({factor.unit})")
                for factor in framework.factors
                if factor.sector == sector["code"]
            ]
            groups.append((localized(sector, "name"), options))
        self.fields["ef"].widget = forms.Select(choices=[("", _("— choose —")), *groups])
        months = [("", _("The whole year"))] + [
            (str(number), name) for number, name in enumerate(MONTH_NAMES, start=1)
        ]
        self.fields["month"].widget = forms.Select(choices=months)

    def add_service_errors(self, errors: dict[str, list[str]]) -> None:
        for key, messages in errors.items():
            for message in messages:
                self.add_error(key if key in self.fields else None, message)


MONTH_NAMES = [
    _("January"),
    _("February"),
    _("March"),
    _("April"),
    _("May"),
    _("June"),
    _("July"),
    _("August"),
    _("September"),
    _("October"),
    _("November"),
    _("December"),
]

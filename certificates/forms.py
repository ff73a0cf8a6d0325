import copy

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from courses.completion import completion_conditions

from .codes import normalise_code


class VerifyForm(forms.Form):
    code = forms.CharField(
        label=_("Verification code"),
        max_length=40,
        help_text=_("16 letters and digits printed under the QR code, e.g. 7KQ3-M9XD-2FHT-RB6W"),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )

    def clean_code(self):
        code = normalise_code(self.cleaned_data["code"])
        if code is None:
            raise forms.ValidationError(
                _("A verification code has 16 letters and digits. Please check and try again."),
                code="malformed",
            )
        return code


class PolicyConditionForm(WagtailAdminModelForm):
    """A policy's condition in the admin: its kind and scope, and the parameter fields the
    providing apps declare (one field per name; a kind reads only its own). The values
    become the condition's JSON ``params``, checked by the provider in the model's
    ``clean``."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.param_field_names = []
        params = self.instance.params or {}
        for condition in completion_conditions().values():
            for name, field in condition.param_fields().items():
                if name in self.fields:
                    continue
                self.fields[name] = copy.deepcopy(field)
                self.param_field_names.append(name)
                if name in params:
                    self.initial.setdefault(name, params[name])

    def clean(self):
        cleaned = super().clean()
        condition = completion_conditions().get(cleaned.get("kind"))
        if condition is not None:
            self.instance.params = {name: cleaned.get(name) for name in condition.param_fields()}
        return cleaned

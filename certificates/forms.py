from django import forms
from django.utils.translation import gettext_lazy as _

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

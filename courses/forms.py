from django import forms
from django.utils.translation import gettext_lazy as _

from .models import EnrolmentStatus
from .services import EnrolmentError


class EnrolForm(forms.Form):
    """The rounds to enrol in; only rounds of this programme open to this person are valid,
    so a tampered round id gets a Thai message instead of an enrolment."""

    rounds = forms.ModelMultipleChoiceField(
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        label=_("Rounds"),
        error_messages={
            "required": EnrolmentError.MESSAGES["no_round_chosen"],
            "invalid_choice": EnrolmentError.MESSAGES["round_not_in_programme"],
            "invalid_pk_value": EnrolmentError.MESSAGES["round_not_in_programme"],
        },
    )
    src = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)

    def __init__(self, *args, rounds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rounds"].queryset = rounds


class EnrolmentFilterForm(forms.Form):
    """Filters of the trainer's enrolment list; every field optional."""

    province = forms.ChoiceField(label=_("Province"), required=False)
    lao_type = forms.ChoiceField(label=_("LAO type"), required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), *EnrolmentStatus.choices],
    )
    src = forms.CharField(label=_("Source tag"), required=False, max_length=64)
    q = forms.CharField(label=_("Name or e-mail"), required=False, max_length=100)

    def __init__(self, *args, province_choices, lao_type_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["province"].choices = [("", _("All")), *province_choices]
        self.fields["lao_type"].choices = [("", _("All")), *lao_type_choices]


class QRCodeForm(forms.Form):
    src = forms.SlugField(
        label=_("Source tag"),
        max_length=64,
        help_text=_(
            "Added to the address as ?src=… so DLA can count who came through this QR code, "
            "e.g. circular-1114 or poster-chiangmai."
        ),
    )


def trainer_label(user) -> str:
    """A row of the round's trainer picker: the Thai name and the e-mail, both searchable."""
    name = user.full_name_th
    return f"{name} · {user.email}" if name else user.email

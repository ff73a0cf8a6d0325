"""Sign-up with the profile in one page, the profile form, the LAO picker, consent boxes.

The LAO picker is province → district → LAO. Without JavaScript it works with the
"show districts" / "show LAOs" buttons, which post the form back (nothing is saved, no
errors are shown) so the next list is filled in; ``static/js/accounts.js`` fills the lists
in place and adds a type-ahead search by name or DLA code.
"""

import geothai
from django import forms
from django.contrib.auth import password_validation
from django.core.validators import slug_re
from django.forms.utils import ErrorDict
from django.utils.translation import gettext_lazy as _

from core.thai import thai_sort_key

from .consent import CONSENT_STATEMENTS, OPTIONAL_PURPOSES, REQUIRED_PURPOSES
from .models import STANDARD_PREFIXES, ConsentPurpose, Organisation, User
from .profile import (
    LINE_ID,
    PROFILE_FIELDS,
    PROFILE_TEXT_FIELDS,
    is_english_name,
    is_thai_name,
    is_thai_phone,
    normalise_phone,
    single_spaced,
)

OTHER_PREFIX = "other"
PREFIX_CHOICES = [
    *((prefix, prefix) for prefix in STANDARD_PREFIXES),
    (OTHER_PREFIX, _("Other (type it below)")),
]
KNOWN_PREFIXES = {value for value, _label in PREFIX_CHOICES if value != OTHER_PREFIX}


# Which submit button asked for the next list of the LAO picker (no JavaScript).
LAO_REFRESH_FIELD = "lao_refresh"


def province_choices():
    provinces = sorted(geothai.provinces(), key=lambda p: thai_sort_key(p.name_th))
    return [("", _("— choose a province —"))] + [(p.code, p.name_th) for p in provinces]


def district_choices(province_code: str):
    if not province_code:
        return [("", _("— choose the province first —"))]
    districts = sorted(geothai.districts(province_code), key=lambda d: thai_sort_key(d.name_th))
    return [("", _("— choose a district —"))] + [(d.code, d.name_th) for d in districts]


class LaoPickerMixin:
    """Province → district → LAO; the LAO lands in ``cleaned_data["organisation"]``."""

    def init_lao_picker(self, *, organisation: Organisation | None = None):
        self.fields["province"] = forms.ChoiceField(
            label=_("Province"), choices=province_choices(), required=False
        )
        self.fields["district"] = forms.ChoiceField(
            label=_("District"), choices=[("", "")], required=False
        )
        self.fields["organisation"] = forms.ModelChoiceField(
            label=_("Your LAO"),
            queryset=Organisation.objects.none(),
            required=False,
            empty_label=_("— choose your LAO —"),
            error_messages={
                "invalid_choice": _("The LAO you chose is not in the chosen district.")
            },
        )
        if organisation is not None and not self.is_bound:
            self.initial.setdefault("province", organisation.province_code)
            self.initial.setdefault("district", organisation.district_code)
            self.initial.setdefault("organisation", organisation.pk)
        province = self._picker_value("province")
        district = self._picker_value("district")
        if district and not district.startswith(province or "-"):
            district = ""
        self.fields["district"].choices = district_choices(province)
        if district:
            organisations = Organisation.objects.in_district(district)
            self.fields["organisation"].queryset = organisations
            # The options in dictionary order; the queryset still checks what is posted.
            self.fields["organisation"].choices = [
                ("", self.fields["organisation"].empty_label)
            ] + [
                (o.pk, o.name_th)
                for o in sorted(
                    organisations.only("pk", "name_th"), key=lambda o: thai_sort_key(o.name_th)
                )
            ]
        else:
            self.fields["organisation"].empty_label = _("— choose the district first —")
        self.lao_refresh = bool(self.is_bound and self.data.get(LAO_REFRESH_FIELD))

    def _picker_value(self, name: str) -> str:
        if self.is_bound:
            return (self.data.get(self.add_prefix(name)) or "").strip()
        return str(self.initial.get(name) or "")

    def clean_lao(self, cleaned_data):
        organisation = cleaned_data.get("organisation")
        if organisation is None and "organisation" not in self.errors:
            self.add_error(
                "organisation",
                _("Choose your LAO: first the province, then the district, then the LAO."),
            )
        return cleaned_data

    def full_clean(self):
        # The "show districts" / "show LAOs" buttons only fill the next list.
        if getattr(self, "lao_refresh", False):
            self._errors = ErrorDict()
            self.cleaned_data = {}
            return
        super().full_clean()

    def is_valid(self):
        return not getattr(self, "lao_refresh", False) and super().is_valid()


class ProfileFieldsMixin:
    """Name, position and contact fields shared by the sign-up and profile forms."""

    def init_profile_fields(self, *, user: User | None = None):
        self.fields["prefix"] = forms.ChoiceField(
            label=_("Name prefix"), choices=[("", "—"), *PREFIX_CHOICES]
        )
        self.fields["prefix_other"] = forms.CharField(
            label=_("Other prefix"),
            required=False,
            max_length=50,
            help_text=_("Only when you chose “Other”, e.g. พ.ต.อ. or นายแพทย์."),
        )
        self.fields["first_name"] = forms.CharField(label=_("First name (Thai)"), max_length=150)
        self.fields["last_name"] = forms.CharField(label=_("Last name (Thai)"), max_length=150)
        self.fields["first_name_en"] = forms.CharField(
            label=_("First name (English)"),
            max_length=150,
            required=False,
            help_text=_("For certificates in English."),
        )
        self.fields["last_name_en"] = forms.CharField(
            label=_("Last name (English)"), max_length=150, required=False
        )
        self.fields["position"] = forms.CharField(
            label=_("Position"),
            max_length=200,
            help_text=_("e.g. นักวิชาการสิ่งแวดล้อมปฏิบัติการ"),
        )
        self.fields["phone"] = forms.CharField(
            label=_("Mobile phone"),
            max_length=30,
            widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        )
        self.fields["line_id"] = forms.CharField(label=_("LINE ID"), max_length=50, required=False)
        if user is not None and not self.is_bound:
            prefix = user.prefix
            if prefix and prefix not in KNOWN_PREFIXES:
                self.initial.setdefault("prefix", OTHER_PREFIX)
                self.initial.setdefault("prefix_other", prefix)
            else:
                self.initial.setdefault("prefix", prefix)
            for name in PROFILE_TEXT_FIELDS:
                if name != "prefix":
                    self.initial.setdefault(name, getattr(user, name))
        for name in ("first_name", "last_name"):
            self.fields[name].widget.attrs["autocomplete"] = (
                "given-name" if name == "first_name" else "family-name"
            )

    def clean_first_name(self):
        return self._thai_name("first_name")

    def clean_last_name(self):
        return self._thai_name("last_name")

    def _thai_name(self, name):
        value = single_spaced(self.cleaned_data.get(name))
        if not is_thai_name(value):
            raise forms.ValidationError(_("Write your name in Thai letters."))
        return value

    def clean_first_name_en(self):
        return self._english_name("first_name_en")

    def clean_last_name_en(self):
        return self._english_name("last_name_en")

    def _english_name(self, name):
        value = single_spaced(self.cleaned_data.get(name))
        if value and not is_english_name(value):
            raise forms.ValidationError(_("Write the English name in Latin letters only."))
        return value

    def clean_phone(self):
        phone = normalise_phone(self.cleaned_data.get("phone", ""))
        if not is_thai_phone(phone):
            raise forms.ValidationError(
                _("Enter a Thai phone number of 9 or 10 digits starting with 0, e.g. 081 234 5678.")
            )
        return phone

    def clean_line_id(self):
        value = self.cleaned_data.get("line_id", "").strip()
        if value and not LINE_ID.match(value):
            raise forms.ValidationError(
                _("A LINE ID has 3 to 30 letters, digits, dots, dashes or underscores.")
            )
        return value

    def clean_profile(self, cleaned_data):
        prefix = cleaned_data.get("prefix")
        other = " ".join((cleaned_data.get("prefix_other") or "").split())
        if prefix == OTHER_PREFIX:
            if not other:
                self.add_error("prefix_other", _("Type your prefix, or choose one from the list."))
            cleaned_data["prefix"] = other
        return cleaned_data

    def profile_data(self) -> dict:
        return {name: self.cleaned_data.get(name, "") for name in PROFILE_FIELDS}


class ConsentFieldsMixin:
    """The PDPA consent: one required box, each optional use its own unticked box."""

    def init_consent_fields(self):
        for purpose in REQUIRED_PURPOSES:
            self.fields[f"consent_{purpose}"] = forms.BooleanField(
                label=CONSENT_STATEMENTS[purpose],
                required=True,
                error_messages={
                    "required": _("Please tick the consent box: without it we cannot register you.")
                },
            )
        for purpose in OPTIONAL_PURPOSES:
            self.fields[f"consent_{purpose}"] = forms.BooleanField(
                label=CONSENT_STATEMENTS[purpose], required=False, initial=False
            )

    def consent_purposes(self) -> set[str]:
        return {
            purpose
            for purpose in ConsentPurpose.values
            if self.cleaned_data.get(f"consent_{purpose}")
        }


class SignupForm(LaoPickerMixin, ProfileFieldsMixin, ConsentFieldsMixin, forms.Form):
    """Extra fields for allauth's sign-up form (``ACCOUNT_SIGNUP_FORM_CLASS``).

    allauth builds its form on top of this one; ``accounts.adapter`` saves the profile and
    the consents together with the account.
    """

    src = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)

    field_order = [
        "province",
        "district",
        "organisation",
        "prefix",
        "prefix_other",
        *PROFILE_TEXT_FIELDS[1:],  # first_name ... line_id
        "email",
        "password1",
        "password2",
        "consent_training",
        "consent_news",
        "consent_survey",
        "src",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.init_lao_picker()
        self.init_profile_fields()
        self.init_consent_fields()
        self.order_fields(self.field_order)

    def clean(self):
        cleaned_data = super().clean()
        self.clean_profile(cleaned_data)
        self.clean_lao(cleaned_data)
        return cleaned_data

    def clean_src(self):
        # The tag comes from a link courses built (courses.links.clean_src); anything that
        # is not such a tag (letters, digits, - and _, at most 64) is not kept.
        value = self.cleaned_data["src"].strip()
        return value if len(value) <= 64 and slug_re.fullmatch(value) else ""

    def signup(self, request, user):
        """Called by allauth after saving; ``accounts.adapter`` has saved everything."""


class ProfileForm(LaoPickerMixin, ProfileFieldsMixin, forms.Form):
    """The participant's own profile, edited later ("ข้อมูลของฉัน")."""

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.init_lao_picker(organisation=user.organisation)
        self.init_profile_fields(user=user)
        self.order_fields(SignupForm.field_order)

    def clean(self):
        cleaned_data = super().clean()
        self.clean_profile(cleaned_data)
        self.clean_lao(cleaned_data)
        return cleaned_data


class InvitationForm(ConsentFieldsMixin, forms.Form):
    """A nominated officer accepts the invitation: sets a password and gives consent."""

    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Password (again)"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.init_consent_fields()

    def clean(self):
        cleaned_data = super().clean()
        first, second = cleaned_data.get("password1"), cleaned_data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords are not the same."))
        elif first:
            try:
                password_validation.validate_password(first, self.user)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned_data


class ConsentChangeForm(forms.Form):
    """Give or withdraw one consent from the privacy page."""

    purpose = forms.ChoiceField(choices=ConsentPurpose.choices)
    action = forms.ChoiceField(choices=[("give", "give"), ("withdraw", "withdraw")])


class EraseAccountForm(forms.Form):
    confirm = forms.CharField(
        label=_("Type your e-mail address to confirm"),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_confirm(self):
        value = self.cleaned_data["confirm"].strip()
        if value.lower() != self.user.email.lower():
            raise forms.ValidationError(_("This is not the e-mail address of your account."))
        return value

"""django-import-export resources: the LAO directory and nominated participants.

Each row is checked here with a Thai message per problem (unknown province or district
code, duplicate DLA code, unknown type, missing name...). ``core.imports`` runs them
as preview and confirm. Database checks that would cost a query per row (uniqueness,
check constraints) are done here against data loaded once, so 7,850 rows stay quick.
"""

import geothai
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models.functions import Lower
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, widgets
from import_export.instance_loaders import CachedInstanceLoader

from core.imports import RowProblem, dataset_from_bytes
from core.resources import ThaiCheckedResource

from .models import LaoType, Organisation, User
from .place_names import district_code_for, province_code_for
from .profile import (
    PROFILE_TEXT_FIELDS,
    is_english_name,
    is_thai_name,
    is_thai_phone,
    normalise_phone,
    single_spaced,
)
from .services import AccountError, invite_participant

# Thai names and abbreviations DLA's lists use for each LAO type.
LAO_TYPE_ALIASES = {
    LaoType.PAO: ["อบจ.", "อบจ", "องค์การบริหารส่วนจังหวัด", "pao"],
    LaoType.CITY_MUNICIPALITY: ["ทน.", "ทน", "เทศบาลนคร", "city municipality"],
    LaoType.TOWN_MUNICIPALITY: ["ทม.", "ทม", "เทศบาลเมือง", "town municipality"],
    LaoType.SUBDISTRICT_MUNICIPALITY: [
        "ทต.",
        "ทต",
        "เทศบาลตำบล",
        "subdistrict municipality",
    ],
    LaoType.SAO: ["อบต.", "อบต", "องค์การบริหารส่วนตำบล", "sao"],
    LaoType.SPECIAL: ["พิเศษ", "อปท. รูปแบบพิเศษ", "กรุงเทพมหานคร", "เมืองพัทยา", "special"],
}


def _lao_type_lookup() -> dict[str, str]:
    lookup = {}
    for lao_type, aliases in LAO_TYPE_ALIASES.items():
        lookup[lao_type.value] = lao_type.value
        lookup[str(lao_type.label).lower()] = lao_type.value
        for alias in aliases:
            lookup[alias.lower()] = lao_type.value
    return lookup


class CodeWidget(widgets.CharWidget):
    """Codes typed as numbers in Excel come back as 50 or 50.0: keep them as "50"."""

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return "" if value is None else str(value).strip()


class LaoTypeWidget(widgets.CharWidget):
    """Accepts the code (``sao``), the Thai name (องค์การบริหารส่วนตำบล) or DLA's
    abbreviation (อบต.); unknown values are kept as typed so the row check names them."""

    def clean(self, value, row=None, **kwargs):
        text = " ".join(str(value or "").split())
        return _lao_type_lookup().get(text.lower(), text)

    def render(self, value, obj=None, **kwargs):
        """DLA's abbreviation (อบต.), which the import reads back."""
        aliases = LAO_TYPE_ALIASES.get(value)
        return aliases[0] if aliases else (value or "")


class OrganisationResource(ThaiCheckedResource):
    dla_code = fields.Field(attribute="dla_code", column_name="dla_code", widget=CodeWidget())
    lao_type = fields.Field(attribute="lao_type", column_name="lao_type", widget=LaoTypeWidget())
    name_th = fields.Field(attribute="name_th", column_name="name_th")
    name_en = fields.Field(attribute="name_en", column_name="name_en")
    province_code = fields.Field(
        attribute="province_code", column_name="province_code", widget=CodeWidget()
    )
    district_code = fields.Field(
        attribute="district_code", column_name="district_code", widget=CodeWidget()
    )
    phone = fields.Field(attribute="phone", column_name="phone")
    email = fields.Field(attribute="email", column_name="email")
    # Read-only columns for people reading the export; ignored on import.
    province_name = fields.Field(
        attribute="province_name_th", column_name="province_name", readonly=True
    )
    district_name = fields.Field(
        attribute="district_name_th", column_name="district_name", readonly=True
    )

    # DLA's own list has the LAO's code, name, type, and its province and district by name:
    # a code or a name is enough for the province and the district.
    REQUIRED_COLUMNS = [
        "dla_code",
        "lao_type",
        "name_th",
        ("province_code", "province_name"),
        ("district_code", "district_name"),
    ]
    # The header of each column in the export (which is also the import's template), as
    # DLA's list names them.
    THAI_HEADERS = {
        "dla_code": "รหัส อปท.",
        "lao_type": "ประเภท",
        "name_th": "ชื่อ อปท.",
        "name_en": "ชื่อภาษาอังกฤษ",
        "province_code": "รหัสจังหวัด",
        "district_code": "รหัสอำเภอ",
        "phone": "โทรศัพท์",
        "email": "อีเมล",
        "province_name": "จังหวัด",
        "district_name": "อำเภอ",
    }
    HEADER_ALIASES = {
        "รหัส อปท.": "dla_code",
        "รหัส อปท": "dla_code",
        "รหัสองค์กรปกครองส่วนท้องถิ่น": "dla_code",
        "ประเภท": "lao_type",
        "ประเภท อปท.": "lao_type",
        "ชื่อ อปท.": "name_th",
        "ชื่อ อปท": "name_th",
        "ชื่อภาษาไทย": "name_th",
        "ชื่อภาษาอังกฤษ": "name_en",
        "รหัสจังหวัด": "province_code",
        "รหัสอำเภอ": "district_code",
        "โทรศัพท์": "phone",
        "อีเมล": "email",
        "จังหวัด": "province_name",
        "ชื่อจังหวัด": "province_name",
        "อำเภอ": "district_name",
        "อำเภอ/เขต": "district_name",
        "เขต": "district_name",
        "ชื่ออำเภอ": "district_name",
    }
    column_labels = {
        "dla_code": gettext_lazy("DLA code"),
        "lao_type": gettext_lazy("LAO type"),
        "name_th": gettext_lazy("name in Thai"),
        "name_en": gettext_lazy("name in English"),
        "province_code": gettext_lazy("province code"),
        "district_code": gettext_lazy("district code"),
        "phone": gettext_lazy("phone"),
        "email": gettext_lazy("e-mail"),
    }

    @classmethod
    def read_file(cls, name: str, content: bytes):
        """The uploaded file as the import's Dataset (``ImportFileError`` if unreadable)."""
        return dataset_from_bytes(
            content,
            name,
            aliases=cls.HEADER_ALIASES,
            required=cls.REQUIRED_COLUMNS,
            labels=cls.THAI_HEADERS,
        )

    class Meta:
        model = Organisation
        import_id_fields = ["dla_code"]
        fields = [
            "dla_code",
            "lao_type",
            "name_th",
            "name_en",
            "province_code",
            "district_code",
            "phone",
            "email",
            "province_name",
            "district_name",
        ]
        export_order = fields
        instance_loader_class = CachedInstanceLoader
        skip_unchanged = True
        report_skipped = False
        skip_html_diff = True
        use_bulk = True
        batch_size = 1000

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.seen_codes: dict[str, int] = {}

    def get_export_headers(self, selected_fields=None):
        return [
            self.THAI_HEADERS.get(field.column_name, field.column_name)
            for field in self.get_export_fields(selected_fields)
            if field
        ]

    def before_import(self, dataset, **kwargs):
        # A file with names only (DLA's list) gets the code columns, filled row by row.
        for column in ("province_code", "district_code"):
            if column not in dataset.headers:
                dataset.append_col([""] * len(dataset), header=column)
        super().before_import(dataset, **kwargs)

    def before_import_row(self, row, **kwargs):
        """Codes from the names where the codes are missing."""
        if not str(row.get("province_code") or "").strip() and row.get("province_name"):
            row["province_code"] = province_code_for(row["province_name"]) or ""
        province_code = CodeWidget().clean(row.get("province_code"))
        if not str(row.get("district_code") or "").strip() and row.get("district_name"):
            row["district_code"] = district_code_for(province_code, row["district_name"]) or ""
        super().before_import_row(row, **kwargs)

    def get_bulk_update_fields(self):
        return [
            "lao_type",
            "name_th",
            "name_en",
            "province_code",
            "district_code",
            "phone",
            "email",
        ]

    def check_row(self, instance, row, row_number):
        line = row_number + 1
        errors: dict[str, list[str]] = {}
        code = instance.dla_code
        if not code:
            errors["dla_code"] = [_("The DLA code is missing.")]
        elif code in self.seen_codes:
            errors["dla_code"] = [
                _("DLA code %(code)s is already on line %(line)s of this file.")
                % {"code": code, "line": self.seen_codes[code]}
            ]
        else:
            self.seen_codes[code] = line
        if instance.lao_type not in LaoType.values:
            errors["lao_type"] = [
                _("Unknown LAO type “%(value)s”. Use one of: %(allowed)s.")
                % {"value": instance.lao_type, "allowed": "อบจ., ทน., ทม., ทต., อบต., พิเศษ"}
            ]
        if not (instance.name_th or "").strip():
            errors["name_th"] = [_("The Thai name of the LAO is missing.")]
        province = geothai.province(instance.province_code or "")
        province_name = str(row.get("province_name") or "").strip()
        district_name = str(row.get("district_name") or "").strip()
        if province is None and not instance.province_code and province_name:
            errors["province_code"] = [
                _("Unknown province “%(name)s”. Write its name as in the list of provinces.")
                % {"name": province_name}
            ]
        elif province is None and not instance.province_code:
            errors["province_code"] = [_("The province is missing.")]
        elif province is None:
            errors["province_code"] = [
                _("Unknown province code “%(code)s” (DOPA codes have 2 digits, e.g. 50).")
                % {"code": instance.province_code}
            ]
        district = geothai.district(instance.district_code or "")
        if district is None and not instance.district_code and district_name:
            if province is not None:
                errors["district_code"] = [
                    _("No district “%(name)s” in the province of %(province)s.")
                    % {"name": district_name, "province": province.name_th}
                ]
        elif district is None and not instance.district_code:
            errors["district_code"] = [_("The district is missing.")]
        elif district is None:
            errors["district_code"] = [
                _("Unknown district code “%(code)s” (DOPA codes have 4 digits, e.g. 5001).")
                % {"code": instance.district_code}
            ]
        elif province is not None and district.province_code != province.code:
            errors["district_code"] = [
                _("District %(district)s (%(code)s) is not in the province of %(province)s.")
                % {
                    "district": district.name_th,
                    "code": district.code,
                    "province": province.name_th,
                }
            ]
        return errors


# The profile's columns in a provincial office's list (no LINE ID; the LAO by its code).
LIST_PROFILE_FIELDS = tuple(name for name in PROFILE_TEXT_FIELDS if name != "line_id")


class NominatedParticipantResource(ThaiCheckedResource):
    """Officers nominated by a provincial office: one row per person, keyed by e-mail."""

    email = fields.Field(attribute="email", column_name="email")
    prefix = fields.Field(attribute="prefix", column_name="prefix")
    first_name = fields.Field(attribute="first_name", column_name="first_name")
    last_name = fields.Field(attribute="last_name", column_name="last_name")
    first_name_en = fields.Field(attribute="first_name_en", column_name="first_name_en")
    last_name_en = fields.Field(attribute="last_name_en", column_name="last_name_en")
    position = fields.Field(attribute="position", column_name="position")
    phone = fields.Field(attribute="phone", column_name="phone", widget=CodeWidget())
    # Looked up in check_row against the LAOs loaded once in before_import.
    lao_dla_code = fields.Field(column_name="lao_dla_code", readonly=True)

    REQUIRED_COLUMNS = ["email", "first_name", "last_name", "lao_dla_code"]
    clean_exclude = ["password"]
    HEADER_ALIASES = {
        "อีเมล": "email",
        "e-mail": "email",
        "คำนำหน้า": "prefix",
        "คำนำหน้าชื่อ": "prefix",
        "ชื่อ": "first_name",
        "นามสกุล": "last_name",
        "ชื่อภาษาอังกฤษ": "first_name_en",
        "นามสกุลภาษาอังกฤษ": "last_name_en",
        "ตำแหน่ง": "position",
        "โทรศัพท์": "phone",
        "โทรศัพท์มือถือ": "phone",
        "รหัส อปท.": "lao_dla_code",
        "รหัส อปท": "lao_dla_code",
    }
    column_labels = {
        "email": gettext_lazy("e-mail"),
        "prefix": gettext_lazy("name prefix"),
        "first_name": gettext_lazy("first name (Thai)"),
        "last_name": gettext_lazy("last name (Thai)"),
        "first_name_en": gettext_lazy("first name (English)"),
        "last_name_en": gettext_lazy("last name (English)"),
        "position": gettext_lazy("position"),
        "phone": gettext_lazy("phone"),
        "organisation": gettext_lazy("DLA code of the LAO"),
    }

    class Meta:
        model = User
        import_id_fields = ["email"]
        fields = [
            "email",
            *LIST_PROFILE_FIELDS,
            "lao_dla_code",
        ]
        skip_diff = True
        report_skipped = True

    def __init__(self, *, invited_by=None, **kwargs):
        super().__init__(**kwargs)
        self.invited_by = invited_by
        self.seen_emails: dict[str, int] = {}
        self.existing_emails: set[str] = set()
        self.organisations: dict[str, Organisation] = {}
        self._line = 0

    def before_import(self, dataset, **kwargs):
        emails = {str(e).strip().lower() for e in dataset["email"] if e}
        # Matched whatever the case the address was registered in ("Somsri@...").
        self.existing_emails = set(
            User.objects.annotate(email_lower=Lower("email"))
            .filter(email_lower__in=emails)
            .values_list("email_lower", flat=True)
        )
        codes = {CodeWidget().clean(code) for code in dataset["lao_dla_code"]}
        self.organisations = {
            organisation.dla_code: organisation
            for organisation in Organisation.objects.filter(dla_code__in=codes)
        }

    def get_instance(self, instance_loader, row):
        # Existing accounts are never changed by an import: they are skipped below.
        return None

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if import_validation_errors:
            return False
        email = (instance.email or "").lower()
        line = self._line
        if email in self.existing_emails:
            self.notes.append(
                RowProblem(
                    line=line,
                    messages=[_("%(email)s already has an account: skipped.") % {"email": email}],
                )
            )
            return True
        if self.seen_emails.get(email, line) != line:
            self.notes.append(
                RowProblem(
                    line=line,
                    messages=[
                        _("%(email)s is already on line %(other)s: skipped.")
                        % {"email": email, "other": self.seen_emails[email]}
                    ],
                )
            )
            return True
        return False

    def check_row(self, instance, row, row_number):
        self._line = line = row_number + 1
        errors: dict[str, list[str]] = {}
        email = str(row.get("email") or "").strip().lower()
        instance.email = email
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = [_("“%(value)s” is not a valid e-mail address.") % {"value": email}]
        else:
            self.seen_emails.setdefault(email, line)
        for name in ("first_name", "last_name"):
            value = single_spaced(getattr(instance, name))
            setattr(instance, name, value)
            if not value:
                errors[name] = [_("This is required.")]
            elif not is_thai_name(value):
                errors[name] = [_("Write the name in Thai letters.")]
        for name in ("first_name_en", "last_name_en"):
            value = single_spaced(getattr(instance, name))
            setattr(instance, name, value)
            if value and not is_english_name(value):
                errors[name] = [_("Write the English name in Latin letters only.")]
        phone = normalise_phone(instance.phone or "")
        instance.phone = phone
        if phone and not is_thai_phone(phone):
            errors["phone"] = [
                _("“%(value)s” is not a Thai phone number.") % {"value": row.get("phone")}
            ]
        code = CodeWidget().clean(row.get("lao_dla_code"))
        instance.organisation = self.organisations.get(code)
        if instance.organisation is None:
            errors["organisation"] = [
                _("No LAO has the DLA code “%(code)s”.") % {"code": code}
                if code
                else _("The DLA code of the LAO is missing.")
            ]
        return errors

    def save_instance(self, instance, is_create, row, **kwargs):
        try:
            invite_participant(
                email=instance.email,
                profile={
                    **{
                        name: (getattr(instance, name) or "").strip()
                        for name in LIST_PROFILE_FIELDS
                    },
                    "organisation": instance.organisation,
                },
                invited_by=self.invited_by,
            )
        except AccountError as error:
            raise ValidationError({"email": [str(error.message)]}) from error

    def save_m2m(self, instance, row, **kwargs):
        return None

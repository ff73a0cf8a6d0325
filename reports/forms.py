import geothai
from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import LaoType
from core.thai import thai_sort_key


def province_name(code: str | None) -> str:
    province = geothai.province(code or "")
    return province.name_th if province else "—"


def district_name(code: str | None) -> str:
    district = geothai.district(code or "")
    return district.name_th if district else "—"


class RoundChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        # "ครั้งที่ 1: <title>", as the rest of the site names a round.
        return obj.numbered_title


class ReportFilterForm(forms.Form):
    """Round, province, district and LAO type; the province is fixed for coordinators."""

    round = RoundChoiceField(label=_("Round"), queryset=None, required=False)
    province = forms.ChoiceField(label=_("Province"), required=False)
    district = forms.ChoiceField(label=_("District"), required=False)
    lao_type = forms.ChoiceField(label=_("LAO type"), required=False)

    def __init__(self, data, *, rounds, fixed_province: str | None, with_district: bool):
        super().__init__(data)
        self.fields["round"].queryset = rounds.select_related("programme").order_by(
            "programme", "number"
        )
        self.fields["round"].empty_label = _("All rounds")
        provinces = sorted(geothai.provinces(), key=lambda p: thai_sort_key(p.name_th))
        self.fields["province"].choices = [
            ("", _("All provinces")),
            *[(p.code, p.name_th) for p in provinces],
        ]
        self.fixed_province = fixed_province
        if fixed_province:
            del self.fields["province"]
        self.fields["lao_type"].choices = [("", _("All types")), *LaoType.choices]
        province = fixed_province or (data or {}).get("province")
        if with_district and province and geothai.province(province):
            districts = sorted(geothai.districts(province), key=lambda d: thai_sort_key(d.name_th))
            self.fields["district"].choices = [
                ("", _("All districts")),
                *[(d.code, d.name_th) for d in districts],
            ]
        else:
            del self.fields["district"]

    def filters(self) -> dict:
        """The valid filters (empty when the form is not valid)."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return {
            "round": data.get("round"),
            "province": self.fixed_province or data.get("province") or None,
            "district": data.get("district") or None,
            "lao_type": data.get("lao_type") or None,
        }

"""Wagtail's user screens with the role and the coordinated province.

The two fields are not saved by the model form: ``change_role`` writes them and records
the change in Wagtail's history ("esc.accounts.role_changed"). Only DLA administrators may
change a role; for anyone else the fields are shown read-only.
"""

import geothai
from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.users.forms import UserCreationForm, UserEditForm
from wagtail.users.views import users as wagtail_users

from core.thai import thai_sort_key

from .access import is_dla_admin
from .models import Role
from .services import AccountError, change_role


class RoleFieldsMixin(forms.Form):
    role = forms.ChoiceField(label=_("role"), choices=Role.choices, initial=Role.PARTICIPANT)
    coordinated_province_code = forms.ChoiceField(
        label=_("coordinated province"),
        required=False,
        help_text=_("Provincial coordinators only: the province whose LAOs they follow."),
    )

    def setup_role_fields(self, *, may_change_role: bool):
        provinces = sorted(geothai.provinces(), key=lambda p: thai_sort_key(p.name_th))
        self.fields["coordinated_province_code"].choices = [
            ("", "—"),
            *[(p.code, p.name_th) for p in provinces],
        ]
        if self.instance.pk:
            self.fields["role"].initial = self.instance.role
            self.fields[
                "coordinated_province_code"
            ].initial = self.instance.coordinated_province_code
        if not may_change_role:
            self.fields["role"].disabled = True
            self.fields["coordinated_province_code"].disabled = True

    def clean(self):
        cleaned = super().clean()
        role = cleaned.get("role")
        if role == Role.PROVINCIAL_COORDINATOR and not cleaned.get("coordinated_province_code"):
            self.add_error(
                "coordinated_province_code",
                AccountError.MESSAGES["province_required"],
            )
        return cleaned


class AccountsUserEditForm(RoleFieldsMixin, UserEditForm):
    def __init__(self, *args, may_change_role=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_role_fields(may_change_role=may_change_role)


class AccountsUserCreationForm(RoleFieldsMixin, UserCreationForm):
    def __init__(self, *args, may_change_role=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_role_fields(may_change_role=may_change_role)


class RoleSavingMixin:
    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "may_change_role": is_dla_admin(self.request.user)}

    def save_instance(self):
        instance = super().save_instance()
        if is_dla_admin(self.request.user):
            change_role(
                user=instance,
                role=self.form.cleaned_data["role"],
                coordinated_province_code=self.form.cleaned_data["coordinated_province_code"],
                changed_by=self.request.user,
            )
        return instance


class CreateView(RoleSavingMixin, wagtail_users.CreateView):
    pass


class EditView(RoleSavingMixin, wagtail_users.EditView):
    pass


class UserViewSet(wagtail_users.UserViewSet):
    add_view_class = CreateView
    edit_view_class = EditView

    def get_form_class(self, for_update=False):
        return AccountsUserEditForm if for_update else AccountsUserCreationForm

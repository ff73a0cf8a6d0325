"""Admin panels of a completion policy's conditions: the fields of each condition's
parameters come from the app that provides the kind (``courses.completion``), so this app
names none of them."""

from wagtail.admin.panels import InlinePanel, Panel


class ConditionsPanel(InlinePanel):
    """The policy's conditions, each edited with ``forms.PolicyConditionForm``."""

    def get_form_options(self):
        from .forms import PolicyConditionForm  # the admin's forms load after the models

        options = super().get_form_options()
        options["formsets"][self.relation_name]["form"] = PolicyConditionForm
        return options


class ConditionParamsPanel(Panel):
    """The parameter fields every provided kind declares (``param_fields``), in a row."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "certificates/admin/condition_params_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            names = getattr(self.form, "param_field_names", [])
            context["fields"] = [self.form[name] for name in names]
            return context

        def is_shown(self):
            return bool(getattr(self.form, "param_field_names", None))

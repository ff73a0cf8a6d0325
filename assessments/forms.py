"""Admin forms: a trainer picks only the rounds and quizzes they manage."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from accounts.access import is_dla_admin
from courses.access import rounds_managed_by


class QuizForm(WagtailAdminModelForm):
    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        if for_user is not None and not is_dla_admin(for_user):
            rounds = rounds_managed_by(for_user)
            self.fields["round"].queryset = rounds
            self.fields["round"].required = True
            self.fields["round"].help_text = _("The round this test belongs to.")
            self.fields["programme"].queryset = self.fields["programme"].queryset.filter(
                pk__in=rounds.values("programme_id")
            )


class QuestionForm(WagtailAdminModelForm):
    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        if for_user is not None:
            from .access import quizzes_managed_by

            self.fields["quiz"].queryset = quizzes_managed_by(for_user)

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        forms = [
            form
            for form in self.formsets["choices"].forms
            if form.has_changed() or form.instance.pk
        ]
        live = [f for f in forms if not f.cleaned_data.get("DELETE") and f.cleaned_data]
        correct = sum(1 for f in live if f.cleaned_data.get("is_correct"))
        if live and correct == 0:
            self.add_error(None, _("Mark at least one choice as correct."))
        elif kind and kind != "multiple" and correct > 1:
            self.add_error("kind", _("This kind of question has exactly one correct choice."))
        return cleaned

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from courses.models import Enrolment, EnrolmentStatus

from .evidence import DashboardFileError, parse_learning_dashboard
from .models import AttendanceStatus, LiveSession


class ParticipantField(forms.CharField):
    """An enrolled participant of the round, typed as their e-mail address."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"list": "participant-emails"}))
        super().__init__(*args, **kwargs)


class _SessionForm(forms.Form):
    def __init__(self, *args, session: LiveSession, **kwargs):
        self.session = session
        super().__init__(*args, **kwargs)

    def _participant(self, field: str):
        email = self.cleaned_data.get(field, "").strip()
        user = get_user_model().objects.filter(email__iexact=email).first()
        if (
            user is None
            or not Enrolment.objects.filter(
                round_id=self.session.round_id, user=user, status=EnrolmentStatus.ENROLLED
            ).exists()
        ):
            raise forms.ValidationError(_("No enrolled participant has this e-mail address."))
        return user


class MarkForm(_SessionForm):
    participant = ParticipantField(label=_("Participant (e-mail)"))
    status = forms.ChoiceField(
        label=_("Attendance"),
        choices=[("", _("As the evidence shows")), *AttendanceStatus.choices],
        required=False,
    )
    reason = forms.CharField(label=_("Reason"), max_length=500)

    def clean_participant(self):
        return self._participant("participant")


class CoViewerForm(_SessionForm):
    participant = ParticipantField(label=_("Participant who watched (e-mail)"))
    host = ParticipantField(label=_("On the screen of (e-mail)"))
    reason = forms.CharField(
        label=_("Reason"), max_length=500, initial=_("Watched together in the LAO office")
    )

    def clean_participant(self):
        return self._participant("participant")

    def clean_host(self):
        return self._participant("host")


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Learning Dashboard CSV file"),
        help_text=_('In BigBlueButton\'s Learning Dashboard, choose "Download session data".'),
    )

    MAX_BYTES = 5 * 1024 * 1024

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        raw = upload.read()
        for encoding in ("utf-8-sig", "cp874"):
            try:
                self.cleaned_data["content"] = raw.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise forms.ValidationError(_("The file is not a UTF-8 CSV file."))
        content = self.cleaned_data["content"]
        try:
            if "\x00" in content:  # no text file has one; PostgreSQL would refuse to keep it
                raise DashboardFileError("NUL")
            parse_learning_dashboard(content)
        except DashboardFileError as error:
            raise forms.ValidationError(_("The file is not a UTF-8 CSV file.")) from error
        return upload

"""The upload form of every import page."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .imports import ImportFileError, check_upload


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("File (.csv in UTF-8 or .xlsx)"),
        help_text=_("The first row holds the column names."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            check_upload(upload)
        except ImportFileError as error:
            raise forms.ValidationError(error.message) from error
        return upload

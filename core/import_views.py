"""Upload → preview → confirm, shared by every spreadsheet import (the LAO directory,
nominated participants, a test's questions).

The upload is read and imported as a dry run: the page lists each row's problems in Thai.
When nothing is wrong the file waits in a short-lived stash and the page offers to confirm;
confirming imports the stashed file for real, every row or none.
"""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from .forms import UploadForm
from .imports import (
    ImportFileError,
    dataset_from_bytes,
    drop_stash,
    load_stash,
    run_import,
    stash_upload,
)


class PreviewedImportMixin:
    """For a ``FormView``. Subclasses give ``make_resource()``, ``stash_kind`` and
    ``imported(report, name)`` (audit, message, redirect)."""

    form_class = UploadForm
    stash_kind = ""

    def make_resource(self):
        raise NotImplementedError

    def imported(self, report, name: str):
        raise NotImplementedError

    def get_stash_kind(self) -> str:
        return self.stash_kind

    def can_confirm(self, report) -> bool:
        return not report.has_errors

    def read_dataset(self, resource, name: str, content: bytes):
        return dataset_from_bytes(
            content, name, aliases=resource.HEADER_ALIASES, required=resource.REQUIRED_COLUMNS
        )

    def post(self, request, *args, **kwargs):
        if "token" in request.POST:
            return self.confirm(request)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        uploaded = form.cleaned_data["file"]
        name, content = uploaded.name.lower(), uploaded.read()
        resource = self.make_resource()
        try:
            dataset = self.read_dataset(resource, name, content)
        except ImportFileError as error:
            form.add_error("file", error.message)
            return self.form_invalid(form)
        report = run_import(resource, dataset, dry_run=True)
        token = ""
        if self.can_confirm(report):
            token = stash_upload(
                user_id=self.request.user.pk, kind=self.get_stash_kind(), name=name, content=content
            )
        return self.render_to_response(
            self.get_context_data(form=form, report=report, token=token, filename=uploaded.name)
        )

    def confirm(self, request):
        token = request.POST.get("token", "")
        kind = self.get_stash_kind()
        resource = self.make_resource()
        try:
            name, content = load_stash(user_id=request.user.pk, kind=kind, token=token)
            dataset = self.read_dataset(resource, name, content)
        except ImportFileError as error:
            messages.error(request, error.message)
            return redirect(request.path)
        report = run_import(resource, dataset, dry_run=False)
        if report.has_errors:
            messages.error(request, _("Nothing was imported: some rows have problems."))
            return self.render_to_response(
                self.get_context_data(form=self.get_form_class()(), report=report, token="")
            )
        drop_stash(user_id=request.user.pk, kind=kind, token=token)
        return self.imported(report, name)

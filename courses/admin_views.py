"""Wagtail admin: QR codes (SVG, PNG) and the A4 poster for a programme or a round."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.generic import TemplateView, View
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from core.downloads import file_response

from .forms import QRCodeForm
from .links import clean_src, default_src, programme_url, round_url
from .models import Programme, Round
from .poster import render_poster
from .qr import qr_png, qr_svg


def _target(kind: str, pk) -> tuple[Programme, Round | None]:
    if kind == "programme":
        return get_object_or_404(Programme, pk=pk), None
    round_ = get_object_or_404(Round.objects.select_related("programme"), pk=pk)
    return round_.programme, round_


def _check(user, kind: str) -> None:
    model = "programme" if kind == "programme" else "round"
    if not (user.has_perm(f"courses.change_{model}") or user.has_perm(f"courses.view_{model}")):
        raise PermissionDenied


class QRCodeView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "courses/admin/qr_code.html"
    header_icon = "image"
    kind = "programme"

    def dispatch(self, request, *args, **kwargs):
        _check(request.user, self.kind)
        self.programme, self.round = _target(self.kind, kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("QR code")

    def get_page_subtitle(self):
        return str(self.round or self.programme)

    def get_breadcrumbs_items(self):
        index = "rounds:index" if self.round else "programmes:index"
        return [
            *self.breadcrumbs_items,
            {"url": reverse(index), "label": _("Rounds") if self.round else _("Programmes")},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = QRCodeForm(self.request.GET or None, initial={"src": default_src(self.programme)})
        src = default_src(self.programme)
        if form.is_bound and form.is_valid():
            src = form.cleaned_data["src"]
        url = (
            round_url(self.round, src=src) if self.round else programme_url(self.programme, src=src)
        )
        name = "rounds" if self.round else "programmes"
        pk = (self.round or self.programme).pk
        query = "?" + urlencode({"src": src})
        context.update(
            form=form,
            src=src,
            target_url=url,
            svg_url=reverse(f"{name}:qr_download", args=[pk, "svg"]) + query,
            png_url=reverse(f"{name}:qr_download", args=[pk, "png"]) + query,
            poster_url=reverse(f"{name}:qr_download", args=[pk, "pdf"]) + query,
            programme=self.programme,
            round=self.round,
        )
        return context


class RoundQRCodeView(QRCodeView):
    kind = "round"


class QRDownloadView(View):
    kind = "programme"

    def get(self, request, pk, fmt):
        _check(request.user, self.kind)
        programme, round_ = _target(self.kind, pk)
        src = clean_src(request.GET.get("src")) or default_src(programme)
        url = round_url(round_, src=src) if round_ else programme_url(programme, src=src)
        stem = f"esc-{programme.code}" + (f"-round-{round_.number}" if round_ else "") + f"-{src}"
        if fmt == "svg":
            content, content_type = qr_svg(url), "image/svg+xml"
        elif fmt == "png":
            content, content_type = qr_png(url, box_size=20), "image/png"
        elif fmt == "pdf":
            rounds = [round_] if round_ else list(programme.rounds.order_by("number"))
            content = render_poster(programme=programme, rounds=rounds, src=src, round_=round_)
            content_type = "application/pdf"
            stem += "-poster"
        else:
            raise Http404
        return file_response(
            content,
            filename=f"{stem}.{fmt}",
            content_type=content_type,
            inline=bool(request.GET.get("inline")),
        )


class RoundQRDownloadView(QRDownloadView):
    kind = "round"

import geothai
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from accounts.access import is_dla_admin, is_trainer
from accounts.models import LaoType
from accounts.selectors import missing_for_enrolment
from core.downloads import SPREADSHEET_TYPES, spreadsheet_response
from core.thai import thai_sort_key

from . import selectors
from .access import get_enrolment_for_user, rounds_managed_by
from .forms import EnrolForm, EnrolmentFilterForm
from .links import clean_src
from .models import EnrolmentStatus, Programme, Round
from .resources import EnrolmentResource
from .services import EnrolmentError, cancel_enrolment, enrol_in_rounds

# --- Short links printed on circulars and posters ---------------------------------------


class ShortLinkView(View):
    """/p/<code>/ and /p/<code>/<n>/: to the programme's or round's page, keeping ?src=."""

    def get(self, request, code, number=None):
        programme = get_object_or_404(Programme, code=code)
        target = programme
        if number is not None:
            target = get_object_or_404(Round, programme=programme, number=number)
        url = _page_url(target) or "/"
        src = clean_src(request.GET.get("src"))
        if src:
            url = f"{url}?{urlencode({'src': src})}"
        return HttpResponseRedirect(url)


def _page_url(target) -> str:
    """The live page about a programme or round, in the current language if it exists.

    Pages point at ``courses`` (``ProgrammePage.programme``, ``RoundPage.round``, both with
    ``related_name="pages"``); we follow that relation without importing ``cms``.
    """
    pages = getattr(target, "pages", None)
    if pages is None:
        return ""
    live = pages.live()
    page = live.filter(locale__language_code=get_language()).first() or live.first()
    return page.url if page else ""


# --- Enrolment ---------------------------------------------------------------------------


class EnrolView(LoginRequiredMixin, FormView):
    """Choose rounds of a programme (all ticked unless the link asks for one) and enrol."""

    template_name = "courses/enrol.html"
    form_class = EnrolForm

    def dispatch(self, request, *args, **kwargs):
        self.programme = get_object_or_404(Programme, code=kwargs["code"])
        return super().dispatch(request, *args, **kwargs)

    def _rounds(self):
        return list(self.programme.rounds.order_by("number"))

    @cached_property
    def rows(self):
        """Each round with the person's place in it, seats left and whether it is open."""
        now = timezone.now()
        rounds = self._rounds()
        mine = selectors.enrolments_by_round(self.request.user, self.programme)
        taken = selectors.seats_taken(self.programme)
        rows = []
        for round_ in rounds:
            enrolment = mine.get(round_.pk)
            holding = enrolment is not None and enrolment.status != EnrolmentStatus.CANCELLED
            rows.append(
                {
                    "round": round_,
                    "enrolment": enrolment if holding else None,
                    "open": round_.is_registration_open(now),
                    "not_yet": now < round_.registration_opens_at,
                    "seats_left": max(round_.capacity - taken.get(round_.pk, 0), 0),
                    "choosable": round_.is_registration_open(now) and not holding,
                }
            )
        return rows

    def get_form_kwargs(self):
        # Any round of this programme passes the form; the service then says precisely why
        # one cannot be taken (already enrolled, registration closed...). Other ids fail here.
        kwargs = super().get_form_kwargs()
        kwargs["rounds"] = self.programme.rounds.order_by("number")
        return kwargs

    def get_initial(self):
        wanted = self.request.GET.get("round")
        return {
            "src": clean_src(self.request.GET.get("src")) or self.request.user.signup_src,
            "rounds": [
                row["round"].pk
                for row in self.rows
                if row["choosable"] and (not wanted or str(row["round"].number) == wanted)
            ],
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["programme"] = self.programme
        context["rows"] = self.rows
        context["missing"] = missing_for_enrolment(self.request.user)
        context["selected"] = [str(value) for value in context["form"]["rounds"].value() or []]
        context["any_choosable"] = any(row["choosable"] for row in self.rows)
        context["profile_url"] = (
            reverse("accounts:profile") + "?" + urlencode({"next": self.request.get_full_path()})
        )
        return context

    def form_valid(self, form):
        src = clean_src(form.cleaned_data.get("src")) or self.request.user.signup_src
        try:
            enrolments = enrol_in_rounds(
                user=self.request.user, rounds=list(form.cleaned_data["rounds"]), src=src
            )
        except EnrolmentError as error:
            form.add_error(None, _enrolment_error_text(error))
            return self.form_invalid(form)
        enrolled = [e.round.number for e in enrolments if e.status == EnrolmentStatus.ENROLLED]
        waiting = [e.round.number for e in enrolments if e.status == EnrolmentStatus.WAITLISTED]
        if enrolled:
            messages.success(
                self.request,
                _("You are enrolled in round(s) %(rounds)s. A confirmation e-mail is on its way.")
                % {"rounds": ", ".join(map(str, enrolled))},
            )
        if waiting:
            messages.warning(
                self.request,
                _(
                    "Round(s) %(rounds)s are full: you are on the waiting list and will get "
                    "the seat automatically when one frees up."
                )
                % {"rounds": ", ".join(map(str, waiting))},
            )
        return redirect("cms:my_training")


def _enrolment_error_text(error: EnrolmentError) -> str:
    if error.round is not None:
        return _("Round %(number)s: %(message)s") % {
            "number": error.round.number,
            "message": error.message,
        }
    return str(error.message)


class CancelEnrolmentView(LoginRequiredMixin, TemplateView):
    """Confirm, then cancel one's own enrolment (seat or waiting-list place)."""

    template_name = "courses/cancel_enrolment.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["enrolment"] = get_enrolment_for_user(self.request.user, kwargs["pk"])
        return context

    def post(self, request, pk):
        enrolment = get_enrolment_for_user(request.user, pk)
        try:
            cancel_enrolment(enrolment=enrolment)
        except EnrolmentError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("Your enrolment in round %(number)s is cancelled.")
                % {"number": enrolment.round.number},
            )
        return redirect("cms:my_training")


# --- For trainers and DLA: enrolment lists ------------------------------------------------


class StaffRequiredMixin(LoginRequiredMixin):
    """Trainers and DLA administrators; which rounds they see is ``rounds_managed_by``."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not (is_dla_admin(request.user) or is_trainer(request.user)):
            raise PermissionDenied
        self.setup_for_staff(request, *args, **kwargs)
        return super().dispatch(request, *args, **kwargs)

    def setup_for_staff(self, request, *args, **kwargs):
        pass


class ManagedRoundListView(StaffRequiredMixin, TemplateView):
    template_name = "courses/manage_rounds.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["rounds"] = selectors.with_enrolment_counts(
            rounds_managed_by(self.request.user).select_related("programme")
        ).order_by("programme", "number")
        return context


class RoundEnrolmentListView(StaffRequiredMixin, TemplateView):
    """One round's enrolments with filters; ``?export=xlsx`` or ``csv`` downloads them."""

    template_name = "courses/round_enrolments.html"
    page_size = 50

    def setup_for_staff(self, request, *args, **kwargs):
        self.round = get_object_or_404(
            rounds_managed_by(request.user).select_related("programme"), pk=kwargs["pk"]
        )

    def get_filter_form(self):
        provinces = sorted(geothai.provinces(), key=lambda p: thai_sort_key(p.name_th))
        return EnrolmentFilterForm(
            self.request.GET or None,
            province_choices=[(p.code, p.name_th) for p in provinces],
            lao_type_choices=LaoType.choices,
        )

    def get_queryset(self, form):
        filters = form.cleaned_data if form.is_bound and form.is_valid() else None
        return selectors.round_enrolments(self.round, filters)

    def get(self, request, *args, **kwargs):
        form = self.get_filter_form()
        enrolments = self.get_queryset(form)
        export = request.GET.get("export")
        if export in SPREADSHEET_TYPES:
            return self.export(enrolments, export)
        page = Paginator(enrolments, self.page_size).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        query.pop("export", None)
        counts = selectors.status_counts(self.round)
        return self.render_to_response(
            self.get_context_data(
                round=self.round,
                form=form,
                page=page,
                query=query.urlencode(),
                counts=counts,
            )
        )

    def export(self, enrolments, fmt):
        dataset = EnrolmentResource().export(enrolments)
        name = f"enrolments-{self.round.programme.code}-round-{self.round.number}"
        return spreadsheet_response(dataset, fmt, name, dated=False)

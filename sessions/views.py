import logging

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.cache import cache
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from accounts.access import is_dla_admin, is_trainer
from core.downloads import SPREADSHEET_TYPES, spreadsheet_response
from courses.access import can_manage_round
from courses.models import Enrolment, EnrolmentStatus
from courses.progress import join_blockers

from . import bbb, join_facts, services
from .access import get_live_session_for_user, get_round_for_join
from .forms import CoViewerForm, ImportForm, MarkForm
from .join_errors import read_bbb_errors
from .models import (
    AttendanceImport,
    AttendanceRecord,
    AttendanceStatus,
    LiveSessionStatus,
)
from .resources import AttendanceRecordResource
from .selectors import roster

logger = logging.getLogger(__name__)

STATUS_CACHE_SECONDS = 5
ROSTER_CACHE_SECONDS = 5


def bbb_error_response(request, *, round_, error: bbb.BBBError, retry_url: str, status=503):
    """BigBlueButton failed: a Thai page with a retry button, logged, never a 500."""
    logger.warning("BigBlueButton error for round %s: %s", round_.pk, error)
    return render(
        request,
        "training_sessions/bbb_error.html",
        {"round": round_, "retry_url": retry_url, "error_key": error.message_key},
        status=status,
    )


class SessionDetailView(LoginRequiredMixin, View):
    """The round's live-session page: where BBB's Leave button brings people back."""

    def get(self, request, round_id):
        session = get_live_session_for_user(request.user, round_id)
        round_ = session.round
        bbb_errors = read_bbb_errors(request, session)
        manager = can_manage_round(request.user, round_)
        enrolment = Enrolment.objects.filter(user=request.user, round=round_).first()
        enrolled = enrolment is not None and enrolment.status == EnrolmentStatus.ENROLLED
        record = AttendanceRecord.objects.filter(session=session, user=request.user).first()
        recordings = list(session.recordings.published()) if (enrolled or manager) else []
        return render(
            request,
            "training_sessions/detail.html",
            {
                "round": round_,
                "session": session,
                "manager": manager,
                "enrolment": enrolment,
                "record": record,
                "recordings": recordings,
                "bbb_errors": bbb_errors,
                "now": timezone.now(),
            },
        )


class JoinView(LoginRequiredMixin, View):
    facts_generation = None

    def dispatch(self, request, *args, **kwargs):
        # An enrolled participant into a running meeting: from the facts cached in Redis,
        # without SQL, not even for the user (sessions.join_facts); else the database path.
        if request.method == "POST":
            url, self.facts_generation = join_facts.fast_join_url(
                session=request.session, round_id=kwargs["round_id"]
            )
            if url is not None:
                return HttpResponseRedirect(url)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, round_id):
        generation = join_facts.current_generation()
        round_ = get_round_for_join(round_id)
        session = services.get_or_create_live_session(round_=round_)
        bbb_errors = read_bbb_errors(request, session)
        enrolment = Enrolment.objects.filter(user=request.user, round=round_).first()
        blockers = join_blockers(request.user, round_)
        join_facts.remember(
            generation=generation,
            user=request.user,
            enrolment=enrolment,
            round_=round_,
            session=session,
            blocked=bool(blockers),
        )
        return render(
            request,
            "training_sessions/join.html",
            {
                "round": round_,
                "session": session,
                "enrolment": enrolment,
                "manager": can_manage_round(request.user, round_),
                "blockers": blockers,
                "bbb_errors": bbb_errors,
                "now": timezone.now(),
            },
        )

    def post(self, request, round_id):
        # Participants (the 09:00 crowd): one query gives enrolment, round and session.
        enrolment = None
        if not (is_trainer(request.user) or is_dla_admin(request.user)):
            enrolment = services.find_enrolment_for_join(user=request.user, round_id=round_id)
        round_ = enrolment.round if enrolment is not None else get_round_for_join(round_id)
        retry_url = reverse("training_sessions:join", kwargs={"round_id": round_.pk})
        try:
            decision = services.join_live_session(
                user=request.user,
                round_=round_,
                **({"enrolment": enrolment} if enrolment is not None else {}),
            )
        except services.SessionError as error:
            return render(
                request,
                "training_sessions/join_refused.html",
                {"round": round_, "message": error.message, "code": error.code},
                status=error.status,
            )
        except bbb.BBBError as error:
            return bbb_error_response(request, round_=round_, error=error, retry_url=retry_url)
        if decision.action == "redirect":
            if enrolment is not None:
                join_facts.remember(
                    generation=self.facts_generation,
                    user=enrolment.user,
                    enrolment=enrolment,
                    round_=round_,
                    session=round_.live_session,
                    blocked=False,
                )
            return HttpResponseRedirect(decision.url)
        if decision.action == "blocked":
            return render(
                request,
                "training_sessions/join_refused.html",
                {"round": round_, "blockers": decision.blockers, "code": "blocked"},
            )
        return render(request, "training_sessions/waiting.html", {"round": round_})


class StatusView(LoginRequiredMixin, View):
    """Polled by the waiting page: is the meeting running yet?"""

    def get(self, request, round_id):
        round_ = get_round_for_join(round_id)
        session = services.get_or_create_live_session(round_=round_)
        now = timezone.now()
        key = f"training_sessions:running:{session.meeting_id}"
        running = cache.get(key)
        problem = False
        if session.status == LiveSessionStatus.ENDED:
            running = False
        elif running is None:
            try:
                running = services.meeting_is_running(session=session, now=now)
            except bbb.BBBError as error:
                logger.warning("Status check failed for round %s: %s", round_.pk, error)
                running, problem = False, True
            cache.set(key, running, STATUS_CACHE_SECONDS)
        return JsonResponse(
            {
                "running": bool(running),
                "ended": session.status == LiveSessionStatus.ENDED,
                "problem": problem,
            }
        )


# --- Trainer console --------------------------------------------------------------------------


class ConsoleMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.session = get_live_session_for_user(request.user, kwargs["round_id"], manage=True)
        self.round = self.session.round
        return super().dispatch(request, *args, **kwargs)

    def console_url(self) -> str:
        return reverse("training_sessions:console", kwargs={"round_id": self.round.pk})


class ConsoleView(ConsoleMixin, View):
    def get(self, request, round_id):
        return self.render_console()

    def render_console(self, *, row_errors=None, row_reasons=None, status=200):
        """The console; ``row_errors`` ({user id: message}) are shown beside their rows."""
        data = roster(self.session, info=None)
        row_errors = dict(row_errors or {})
        for person in data["participants"]:
            person["error"] = row_errors.pop(person["id"], "")
            person["reason"] = (row_reasons or {}).get(person["id"], "")
        for message in row_errors.values():  # no longer on the roster: at the top instead
            messages.error(self.request, message)
        ended = self.session.status == LiveSessionStatus.ENDED
        return render(
            self.request,
            "training_sessions/console.html",
            {
                "round": self.round,
                "session": self.session,
                "roster": data,
                "analytics_received": ended and services.analytics_received(self.session),
                "mark_form": MarkForm(session=self.session),
                "co_viewer_form": CoViewerForm(session=self.session),
                "import_form": ImportForm(),
            },
            status=status,
        )


class RosterMarkView(ConsoleView):
    """One tap on a roster row: "มาเรียน" or "ไม่มา", with an optional reason. A refusal is
    shown beside the row (the console again, HTTP 400), not at the top of the page."""

    http_method_names = ["post"]

    def post(self, request, round_id, user_id):
        reason = request.POST.get("reason", "")[:500]
        participant = get_user_model().objects.filter(pk=user_id).first()
        try:
            if participant is None:
                raise services.SessionError("not_a_participant")
            services.mark_from_roster(
                session=self.session,
                user=participant,
                status=request.POST.get("status", ""),
                reason=reason,
                by=request.user,
            )
        except services.SessionError as error:
            return self.render_console(
                row_errors={user_id: error.message}, row_reasons={user_id: reason}, status=400
            )
        messages.success(
            request,
            _("Saved: %(name)s, %(status)s.")
            % {
                "name": participant.full_name_th or participant.email,
                "status": AttendanceStatus(request.POST["status"]).label,
            },
        )
        return redirect(f"{self.console_url()}#participant-{user_id}")


class RosterView(ConsoleMixin, View):
    """JSON for the console's live roster (polled by static/js/training_sessions.js)."""

    def get(self, request, round_id):
        session = self.session
        problem = ""
        info = None
        if session.status in (LiveSessionStatus.CREATED, LiveSessionStatus.RUNNING):
            key = f"training_sessions:roster-info:{session.meeting_id}"
            info = cache.get(key)
            if info is None:
                try:
                    info = services.fetch_meeting_info(session=session)
                    services.apply_meeting_info(session=session, info=info, now=timezone.now())
                    cache.set(key, info, ROSTER_CACHE_SECONDS)
                except bbb.BBBError as error:
                    logger.warning("Roster: BBB failed for round %s: %s", self.round.pk, error)
                    problem = _("BigBlueButton is not answering; the roster may be out of date.")
        data = roster(session, info=info)
        data["status_label"] = session.get_status_display()
        data["problem"] = problem
        data["checked_at"] = timezone.localtime().strftime("%H:%M:%S")
        return JsonResponse(data)


class EndView(ConsoleMixin, View):
    def post(self, request, round_id):
        try:
            services.end_live_session(session=self.session, by=request.user)
        except bbb.BBBError as error:
            return bbb_error_response(
                request, round_=self.round, error=error, retry_url=self.console_url()
            )
        messages.success(request, _("The meeting has ended for everyone."))
        return redirect(self.console_url())


class ReconcileView(ConsoleMixin, View):
    def post(self, request, round_id):
        count = services.reconcile_attendance(session=self.session)
        messages.success(
            request, _("Attendance recalculated (%(count)s changed).") % {"count": count}
        )
        return redirect(self.console_url())


class RecordingsRefreshView(ConsoleMixin, View):
    def post(self, request, round_id):
        try:
            services.sync_recordings(session=self.session)
        except bbb.BBBError as error:
            return bbb_error_response(
                request, round_=self.round, error=error, retry_url=self.console_url()
            )
        messages.success(request, _("Recordings updated."))
        return redirect(self.console_url())


class _MarkBase(ConsoleMixin, View):
    form_class = MarkForm

    def post(self, request, round_id):
        form = self.form_class(request.POST, session=self.session)
        if form.is_valid():
            try:
                self.apply(form)
            except services.SessionError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _("Attendance saved."))
            return redirect(self.console_url())
        for field_errors in form.errors.values():
            for error in field_errors:
                messages.error(request, error)
        return redirect(self.console_url())


class MarkView(_MarkBase):
    form_class = MarkForm

    def apply(self, form):
        services.mark_attendance(
            session=self.session,
            user=form.cleaned_data["participant"],
            status=form.cleaned_data["status"],
            reason=form.cleaned_data["reason"],
            by=self.request.user,
        )


class CoViewerView(_MarkBase):
    form_class = CoViewerForm

    def apply(self, form):
        services.mark_co_viewer(
            session=self.session,
            user=form.cleaned_data["participant"],
            host=form.cleaned_data["host"],
            reason=form.cleaned_data["reason"],
            by=self.request.user,
        )


class ExportView(ConsoleMixin, View):
    def get(self, request, round_id, fmt):
        if fmt not in SPREADSHEET_TYPES:
            raise Http404
        queryset = (
            AttendanceRecord.objects.filter(session=self.session)
            .select_related("user__organisation", "co_viewer_of")
            .order_by("user__first_name", "user__last_name")
        )
        dataset = AttendanceRecordResource().export(queryset)
        name = f"attendance-round-{self.round.number}-{self.round.pk}"
        return spreadsheet_response(dataset, fmt, name, dated=False)


class ImportUploadView(ConsoleMixin, View):
    def post(self, request, round_id):
        form = ImportForm(request.POST, request.FILES)
        if not form.is_valid():
            for field_errors in form.errors.values():
                for error in field_errors:
                    messages.error(request, error)
            return redirect(self.console_url())
        attendance_import = services.upload_dashboard_import(
            session=self.session,
            filename=form.cleaned_data["file"].name,
            content=form.cleaned_data["content"],
            by=request.user,
        )
        return redirect(
            "training_sessions:import_preview",
            round_id=self.round.pk,
            import_id=attendance_import.pk,
        )


class ImportPreviewView(ConsoleMixin, View):
    def _import(self, import_id) -> AttendanceImport:
        return get_object_or_404(AttendanceImport, pk=import_id, session=self.session)

    def get(self, request, round_id, import_id):
        return self._preview(request, self._import(import_id), choices={})

    def post(self, request, round_id, import_id):
        attendance_import = self._import(import_id)
        choices = self._choices(request)
        try:
            count = services.apply_dashboard_import(
                attendance_import=attendance_import, by=request.user, choices=choices
            )
        except services.SessionError as error:
            messages.error(request, error.message)
            # The trainer's choices stay on the page (a redirect would lose them).
            return self._preview(request, attendance_import, choices=choices)
        messages.success(request, _("Imported %(count)s rows.") % {"count": count})
        return redirect(self.console_url())

    def _choices(self, request) -> dict[int, str]:
        """``line-<n>`` = a participant's id or "skip", for the lines the trainer settled."""
        choices = {}
        for key, value in request.POST.items():
            number = key.removeprefix("line-")
            if key.startswith("line-") and number.isascii() and number.isdigit():
                if len(number) <= 9:
                    choices[int(number)] = value[:20]
        return choices

    def _preview(self, request, attendance_import, *, choices):
        rows = services.preview_dashboard_import(
            session=self.session, content=attendance_import.content, choices=choices
        )
        for row in rows:
            row.error_message = services.IMPORT_ERRORS.get(row.error, "")
        return render(
            request,
            "training_sessions/import_preview.html",
            {
                "round": self.round,
                "session": self.session,
                "attendance_import": attendance_import,
                "rows": rows,
                "skip": services.SKIP,
                "error_count": sum(1 for row in rows if row.error and not row.to_resolve),
                "resolve_count": sum(1 for row in rows if row.to_resolve),
                "apply_count": sum(1 for row in rows if not row.error and not row.skipped),
            },
        )

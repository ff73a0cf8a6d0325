from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import get_language
from django.views.generic import TemplateView
from wagtail.views import serve as wagtail_serve

from accounts.access import is_dla_admin, is_trainer
from accounts.selectors import (
    missing_for_enrolment,
    missing_from_flags,
    readiness_annotations,
    reminders_for,
)
from courses.access import rounds_managed_by
from courses.models import Enrolment, EnrolmentStatus
from courses.progress import programme_items, round_items
from courses.timing import describe_time_until

# Bumped when any page is published or unpublished or a round is saved (``cms.apps``), so
# cached pages go stale at once.
PAGE_CACHE_GENERATION_KEY = "cms:page-generation"


def bump_page_cache_generation(**kwargs) -> None:
    try:
        cache.incr(PAGE_CACHE_GENERATION_KEY)
    except ValueError:
        cache.set(PAGE_CACHE_GENERATION_KEY, 1, timeout=None)


def _is_cacheable(request) -> bool:
    return (
        settings.ANONYMOUS_PAGE_CACHE_SECONDS > 0
        and request.method in ("GET", "HEAD")
        and not request.user.is_authenticated
        and not messages.get_messages(request)
    )


def serve_page(request, path):
    """Wagtail's page view, with whole responses cached for anonymous visitors.

    The QR landing pages are hit by thousands of phones after a circular goes out;
    for visitors without a login the page is the same for everyone of a language.
    """
    if not _is_cacheable(request):
        return wagtail_serve(request, path)
    key = f"cms:page:{get_language()}:{request.get_host()}:{request.get_full_path()}"
    # One round trip to the cache for both the generation and the page (bench/registration.py).
    found = cache.get_many([PAGE_CACHE_GENERATION_KEY, key])
    generation = found.get(PAGE_CACHE_GENERATION_KEY)
    if generation is None:
        cache.add(PAGE_CACHE_GENERATION_KEY, 1, timeout=None)
        generation = cache.get(PAGE_CACHE_GENERATION_KEY, 1)
    cached = found.get(key)
    if cached is not None and cached[0] == generation:
        return cached[1]
    response = wagtail_serve(request, path)
    if hasattr(response, "render"):
        response.render()
    # A page holding a CSRF token or a session cookie belongs to one visitor only.
    personal = request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or response.cookies
    if response.status_code == 200 and not personal:
        cache.set(key, (generation, response), settings.ANONYMOUS_PAGE_CACHE_SECONDS)
    return response


def _round_phase(round_, now) -> str:
    """upcoming (join window not open), open (window open, not started), live, ended."""
    if now >= round_.ends_at:
        return "ended"
    if now >= round_.starts_at:
        return "live"
    if now >= round_.join_opens_at:
        return "open"
    return "upcoming"


class MyTrainingView(LoginRequiredMixin, TemplateView):
    """การอบรมของฉัน: the participant's rounds, each with what every app contributes."""

    template_name = "cms/my_training.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        now = timezone.now()
        enrolments = list(
            Enrolment.objects.for_user(user)
            .active()
            .with_queue_position()
            .annotate(**readiness_annotations(user))
            .select_related("round__programme")
            .order_by("round__starts_at")
        )
        rounds = [enrolment.round for enrolment in enrolments]
        items = round_items(user, rounds)
        programmes = list({round_.programme_id: round_.programme for round_ in rounds}.values())
        context["cards"] = [
            {
                "enrolment": enrolment,
                "round": enrolment.round,
                "items": items[enrolment.round_id],
                "phase": _round_phase(enrolment.round, now),
                "time_left": describe_time_until(enrolment.round.join_opens_at, now),
                "waitlisted": enrolment.status == EnrolmentStatus.WAITLISTED,
                "can_cancel": now < enrolment.round.starts_at,
            }
            for enrolment in enrolments
        ]
        # The readiness flags came with the enrolments; without any, ask separately.
        context["missing"] = reminders_for(
            user,
            missing_from_flags(
                user,
                email_verified=enrolments[0].email_verified,
                consent_given=enrolments[0].consent_given,
            )
            if enrolments
            else missing_for_enrolment(user),
        )
        context["programmes"] = [
            {"programme": programme, "items": programme_items(user, programme)}
            for programme in programmes
        ]
        context["now"] = timezone.now()
        return context


class MyRoundsView(LoginRequiredMixin, TemplateView):
    """The trainer's rounds (every round for DLA administrators): today's first, each with
    "เริ่ม/เข้าห้อง" (the live-session console) and its enrolment list."""

    template_name = "cms/my_rounds.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not (
            is_trainer(request.user) or is_dla_admin(request.user)
        ):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        today = timezone.localdate(now)
        rounds = list(
            rounds_managed_by(self.request.user)
            .select_related("programme")
            .order_by("starts_at", "pk")
        )
        rows = [{"round": round_, "phase": _round_phase(round_, now)} for round_ in rounds]
        context["today"] = [
            row
            for row in rows
            if timezone.localdate(row["round"].starts_at) == today or row["phase"] == "live"
        ]
        rest = [row for row in rows if row not in context["today"]]
        context["upcoming"] = [row for row in rest if row["phase"] != "ended"]
        # The most recent first: yesterday's round is the one whose attendance is checked.
        context["ended"] = [row for row in reversed(rest) if row["phase"] == "ended"]
        return context

"""The participant's LINE page, the webhook LINE calls, a round's calendar file, and DLA's
view of the quota. Thin: each calls one service."""

from __future__ import annotations

import json
import logging

from allauth.socialaccount.adapter import get_adapter as get_social_adapter
from django.conf import settings
from django.contrib import messages as flash
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404, HttpResponse, HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import translation
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import TemplateView
from linebot.v3.webhook import SignatureValidator

from accounts.access import is_dla_admin
from accounts.consent import CONSENT_STATEMENTS
from accounts.models import ConsentPurpose
from accounts.selectors import has_active_consent
from accounts.services import give_consent
from courses.ics import round_calendar
from courses.links import round_url
from courses.models import Round

from . import client
from .delivery import read_and_keep_quota
from .login import login_available
from .models import BatchStatus, Channels, LineBatch, LineLink, LineNotice, QuotaReading
from .services import LineError, new_link_code, set_channels, store_webhook_events, unlink_line

logger = logging.getLogger(__name__)


class LineSettingsView(LoginRequiredMixin, TemplateView):
    """Link, choose the channels, unlink: from the profile (and after signing up)."""

    template_name = "line/settings.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        link = LineLink.objects.filter(user=user).first()
        return {
            **super().get_context_data(**kwargs),
            "enabled": client.is_enabled(),
            "login_available": login_available(self.request),
            "link": link,
            "consent_given": has_active_consent(user, ConsentPurpose.LINE),
            "consent_statement": CONSENT_STATEMENTS[ConsentPurpose.LINE],
            "channel_choices": Channels.choices,
            "add_friend_url": settings.LINE_ADD_FRIEND_URL,
        }

    def post(self, request):
        action = request.POST.get("action", "")
        user = request.user
        try:
            if action in ("login", "code"):
                if not client.is_enabled():
                    raise LineError("line_off")
                if request.POST.get("consent") == "on":
                    give_consent(user=user, purpose=ConsentPurpose.LINE)
                if not has_active_consent(user, ConsentPurpose.LINE):
                    raise LineError("consent_missing")
                if action == "code":
                    new_link_code(user=user)
                    return redirect("line:settings")
                if not login_available(request):
                    raise LineError("line_off")
                provider = get_social_adapter(request).get_provider(request, "line")
                return provider.redirect(
                    request, process="connect", next_url=reverse("line:settings")
                )
            if action == "channels":
                set_channels(user=user, channels=request.POST.get("channels", ""))
                flash.success(request, _("Your choice has been saved."))
            elif action == "unlink":
                unlink_line(user=user)
                flash.success(request, _("LINE is unlinked. Your notices come by e-mail again."))
        except LineError as error:
            flash.error(request, error.message)
        return redirect("line:settings")


@method_decorator(csrf_exempt, name="dispatch")
class WebhookView(View):
    """LINE's webhook. The signature is checked against the raw body before anything is
    read or stored; the events are kept (once each) and handled by the worker."""

    http_method_names = ["post"]

    def post(self, request):
        if not client.is_enabled():
            raise Http404
        signature = request.headers.get("X-Line-Signature", "")
        body = request.body
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            return HttpResponseForbidden()
        if not signature or not SignatureValidator(settings.LINE_CHANNEL_SECRET).validate(
            text, signature
        ):
            logger.warning("LINE webhook with a bad signature refused")
            return HttpResponseForbidden()
        try:
            payload = json.loads(text)
        except ValueError:
            return HttpResponse(status=400)
        events = payload.get("events") if isinstance(payload, dict) else None
        if not isinstance(events, list):
            return HttpResponse(status=400)
        from .tasks import process_line_webhook_event

        with transaction.atomic():
            # The task rows are written with the events: both are kept, or neither.
            for event_id in store_webhook_events(events):
                process_line_webhook_event.enqueue(event_id=event_id)
        return HttpResponse(status=200)


class RoundCalendarView(View):
    """The "add to calendar" link of the LINE messages: the round as an .ics file."""

    def get(self, request, round_id):
        round_ = get_object_or_404(Round.objects.select_related("programme"), pk=round_id)
        with translation.override("th"):
            title = round_.numbered_title
            content = round_calendar(
                uid=f"esc-round-{round_.pk}",
                title=title,
                starts_at=round_.starts_at,
                ends_at=round_.ends_at,
                url=round_url(round_),
                description=f"{round_.programme.title}\n{round_url(round_)}",
                location=_("Online"),
            )
        response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="esc-round-{round_.number}.ics"'
        return response


class QuotaView(LoginRequiredMixin, TemplateView):
    """DLA's view: the month's quota as last read from LINE, links and recent batches."""

    template_name = "line/quota.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not is_dla_admin(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        links = LineLink.objects.aggregate(
            linked=Count("pk", filter=Q(line_user_id__isnull=False)),
            reachable=Count(
                "pk",
                filter=Q(
                    line_user_id__isnull=False,
                    following=True,
                    channels__in=[Channels.LINE, Channels.BOTH],
                ),
            ),
            blocked=Count("pk", filter=Q(line_user_id__isnull=False, following=False)),
        )
        return {
            **super().get_context_data(**kwargs),
            "enabled": client.is_enabled(),
            "reading": QuotaReading.objects.first(),
            "links": links,
            "batches": LineBatch.objects.annotate(people=Count("notices")).order_by("-pk")[:20],
            "pending": LineBatch.objects.filter(status=BatchStatus.PENDING).count(),
            "fallbacks": LineNotice.objects.filter(channel="email").count(),
        }

    def post(self, request):
        if client.is_enabled() and read_and_keep_quota() is None:
            flash.error(request, _("LINE did not answer. Try again later."))
        return redirect("line:quota")

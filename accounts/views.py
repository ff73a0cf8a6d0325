import geothai
from django.contrib import messages
from django.contrib.auth import get_user_model, login, logout
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.encoding import force_str
from django.utils.http import url_has_allowed_host_and_scheme, urlsafe_base64_decode
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import cache_control
from django.views.generic import FormView, TemplateView
from wagtail.log_actions import log

from core.downloads import JSON_TYPE, XLSX_TYPE, file_response
from core.import_views import PreviewedImportMixin
from core.thai import thai_sort_key

from .access import is_dla_admin, is_trainer
from .consent import CONSENT_STATEMENTS, OPTIONAL_PURPOSES, PRIVACY_NOTICE_VERSION
from .exports import nominated_template_xlsx, personal_data_json, personal_data_xlsx
from .forms import (
    ConsentChangeForm,
    EraseAccountForm,
    InvitationForm,
    ProfileForm,
    district_choices,
)
from .models import ConsentPurpose, ConsentRecord, Organisation
from .resources import NominatedParticipantResource
from .selectors import missing_for_enrolment, reminders_for
from .services import (
    AccountError,
    accept_invitation,
    erase_account,
    give_consent,
    invitation_tokens,
    update_profile,
    withdraw_consent,
)
from .verification import resend_verification_email

SEARCH_LIMIT = 15


# --- The LAO picker's little JSON API (public: the directory is public information) ----


@method_decorator(cache_control(public=True, max_age=300), name="dispatch")
class DistrictOptionsView(View):
    def get(self, request):
        province = request.GET.get("province", "")
        return JsonResponse(
            {
                "options": [
                    {"value": value, "label": str(label)}
                    for value, label in district_choices(province)
                ]
            }
        )


@method_decorator(cache_control(public=True, max_age=300), name="dispatch")
class OrganisationOptionsView(View):
    def get(self, request):
        district = request.GET.get("district", "")
        organisations = (
            sorted(
                Organisation.objects.in_district(district).only("pk", "name_th"),
                key=lambda o: thai_sort_key(o.name_th),
            )
            if district
            else []
        )
        return JsonResponse(
            {"options": [{"value": str(o.pk), "label": o.name_th} for o in organisations]}
        )


@method_decorator(cache_control(public=True, max_age=300), name="dispatch")
class OrganisationSearchView(View):
    """Type-ahead: LAOs whose Thai or English name contains the words, or whose DLA code
    starts with the digits typed."""

    def get(self, request):
        query = " ".join(request.GET.get("q", "").split())[:60]
        if len(query) < 2:
            return JsonResponse({"results": []})
        if query.isdigit():
            found = Organisation.objects.filter(dla_code__startswith=query)
        else:
            condition = Q()
            for word in query.split(" "):
                condition &= Q(name_th__icontains=word) | Q(name_en__icontains=word)
            found = Organisation.objects.filter(condition)
        results = []
        shown = sorted(
            found.order_by("name_th")[:SEARCH_LIMIT], key=lambda o: thai_sort_key(o.name_th)
        )
        for organisation in shown:
            province = geothai.province(organisation.province_code)
            district = geothai.district(organisation.district_code)
            results.append(
                {
                    "id": organisation.pk,
                    "name": organisation.name_th,
                    "dla_code": organisation.dla_code,
                    "province_code": organisation.province_code,
                    "province": province.name_th if province else "",
                    "district_code": organisation.district_code,
                    "district": district.name_th if district else "",
                }
            )
        return JsonResponse({"results": results})


# --- Profile -----------------------------------------------------------------------


class ProfileView(LoginRequiredMixin, FormView):
    template_name = "accounts/profile.html"
    form_class = ProfileForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["missing"] = reminders_for(
            self.request.user, missing_for_enrolment(self.request.user)
        )
        context["next"] = _safe_next(self.request)
        return context

    def form_valid(self, form):
        update_profile(user=self.request.user, profile=form.profile_data())
        messages.success(self.request, _("Your profile has been saved."))
        return redirect(_safe_next(self.request) or reverse("accounts:profile"))


def _safe_next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


# --- Privacy: consents, download my data, delete my account --------------------------


class PrivacyNoticeView(TemplateView):
    template_name = "accounts/privacy_notice.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "notice_version": PRIVACY_NOTICE_VERSION}


class PrivacyView(LoginRequiredMixin, TemplateView):
    template_name = "accounts/privacy.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        records = list(ConsentRecord.objects.for_user(user).order_by("-given_at", "-pk"))
        active = {record.purpose: record for record in records if record.is_active}
        context["consents"] = [
            {
                "purpose": purpose,
                "label": ConsentPurpose(purpose).label,
                "statement": CONSENT_STATEMENTS[purpose],
                "record": active.get(purpose),
                "optional": purpose in OPTIONAL_PURPOSES,
            }
            for purpose in ConsentPurpose.values
        ]
        context["history"] = records
        context["notice_version"] = PRIVACY_NOTICE_VERSION
        return context

    def post(self, request):
        form = ConsentChangeForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Unknown consent purpose."))
            return redirect("accounts:privacy")
        purpose, action = form.cleaned_data["purpose"], form.cleaned_data["action"]
        try:
            if action == "give":
                give_consent(user=request.user, purpose=purpose)
                messages.success(request, _("Your consent has been recorded."))
            else:
                withdraw_consent(user=request.user, purpose=purpose)
                messages.success(request, _("Your consent has been withdrawn."))
        except AccountError as error:
            messages.error(request, error.message)
        return redirect("accounts:privacy")


class PersonalDataDownloadView(LoginRequiredMixin, View):
    def get(self, request, fmt):
        stamp = timezone.localdate().isoformat()
        if fmt == "json":
            content, content_type = personal_data_json(request.user), JSON_TYPE
        elif fmt == "xlsx":
            content, content_type = personal_data_xlsx(request.user), XLSX_TYPE
        else:
            raise Http404
        return file_response(content, filename=f"my-data-{stamp}.{fmt}", content_type=content_type)


class EraseAccountView(LoginRequiredMixin, FormView):
    template_name = "accounts/erase_account.html"
    form_class = EraseAccountForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        try:
            erase_account(user=self.request.user)
        except AccountError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        logout(self.request)
        messages.success(
            self.request,
            _(
                "Your account has been deleted and your personal data erased. "
                "Thank you for taking part."
            ),
        )
        return redirect("/")


# --- Invitations for nominated participants ------------------------------------------


class AcceptInvitationView(FormView):
    template_name = "accounts/accept_invitation.html"
    form_class = InvitationForm

    def dispatch(self, request, *args, **kwargs):
        self.invited = self._invited_user(kwargs["uidb64"], kwargs["token"])
        return super().dispatch(request, *args, **kwargs)

    def _invited_user(self, uidb64, token):
        try:
            pk = force_str(urlsafe_base64_decode(uidb64))
            user = get_user_model().objects.get(pk=pk)
        except (ValueError, TypeError, OverflowError, get_user_model().DoesNotExist):
            return None
        if user.is_active or user.erased_at or not invitation_tokens.check_token(user, token):
            return None
        return user

    def get(self, request, *args, **kwargs):
        if self.invited is None:
            return self.render_to_response({"invalid": AccountError("invitation_invalid").message})
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if self.invited is None:
            return self.render_to_response({"invalid": AccountError("invitation_invalid").message})
        return super().post(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.invited}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "invited": self.invited}

    def form_valid(self, form):
        try:
            user = accept_invitation(
                user=self.invited,
                token=self.kwargs["token"],
                password=form.cleaned_data["password1"],
                consents=form.consent_purposes(),
            )
        except AccountError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        login(self.request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(self.request, _("Welcome! Your account is ready."))
        return redirect("cms:my_training")


# --- Nominated participants (trainers and DLA) ---------------------------------------


class NominatedImportView(LoginRequiredMixin, PreviewedImportMixin, FormView):
    """A provincial office's list of nominated officers: upload → preview → confirm.

    Each new e-mail gets an inactive account and an invitation to set a password and give
    consent; e-mails already registered or repeated in the file are skipped.
    """

    template_name = "accounts/nominated_import.html"
    stash_kind = "nominated"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not (
            is_dla_admin(request.user) or is_trainer(request.user)
        ):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def make_resource(self):
        return NominatedParticipantResource(invited_by=self.request.user)

    def can_confirm(self, report):
        return not report.has_errors and report.new

    def imported(self, report, name):
        log(
            instance=self.request.user,
            action="esc.accounts.participants_imported",
            user=self.request.user,
            title=self.request.user.email,
            data={"file": name, "invited": report.new, "skipped": report.skipped},
        )
        messages.success(
            self.request,
            _("%(count)s invitations are on their way; %(skipped)s rows were skipped.")
            % {"count": report.new, "skipped": report.skipped},
        )
        return redirect("accounts:nominated_import")


class NominatedTemplateView(LoginRequiredMixin, View):
    """An empty workbook with the expected Thai headers and one example row."""

    def get(self, request):
        if not (is_dla_admin(request.user) or is_trainer(request.user)):
            raise PermissionDenied
        return file_response(
            nominated_template_xlsx(),
            filename="nominated-participants.xlsx",
            content_type=XLSX_TYPE,
        )


class ResendVerificationView(View):
    """The button on "check your e-mail": the confirmation link, sent again."""

    def post(self, request):
        email = request.POST.get("email", "")
        outcome = resend_verification_email(request, email)
        if outcome == "sent":
            # allauth adds its own "confirmation sent" message; nothing more to say.
            pass
        elif outcome == "wait":
            messages.info(
                request,
                _(
                    "We sent the link to %(email)s only a moment ago. It still works: look in "
                    "your inbox and junk mail folder, or ask again in 3 minutes."
                )
                % {"email": email},
            )
        elif outcome == "verified":
            messages.info(request, _("This e-mail address is already confirmed. Please log in."))
            return redirect("account_login")
        else:
            messages.error(
                request,
                _("No account waits for a confirmation of this e-mail address. Sign up first."),
            )
        return redirect("account_email_verification_sent")

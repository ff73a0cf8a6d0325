from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.admin.views.generic import CreateView, EditView, IndexView
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import Button
from wagtail.admin.widgets.button import MenuItem as ButtonMenuItem

from accounts.access import is_dla_admin, is_trainer
from accounts.models import ConsentPurpose
from accounts.personal_data import (
    ACCOUNT_ERASURE_HOOK,
    CONSENT_WITHDRAWN_HOOK,
    PERSONAL_DATA_EXPORT_HOOK,
)
from core.widgets import SearchableCheckboxSelectMultiple

from .admin_views import QRCodeView, QRDownloadView, RoundQRCodeView, RoundQRDownloadView
from .forms import trainer_label
from .links import ROUND_ADMIN_BUTTONS_HOOK, round_path
from .models import Programme, Round
from .personal_data import enrolment_personal_data, notice_personal_data
from .services import (
    announce_programme_changed,
    announce_round_changed,
    cancel_upcoming_enrolments,
    schedule_round_reminders,
)


def _qr_menu_item(viewset_name, instance):
    return ButtonMenuItem(
        _("QR code and poster"),
        url=reverse(f"{viewset_name}:qr", args=[instance.pk]),
        icon_name="image",
        priority=15,
    )


class ProgrammeIndexView(IndexView):
    def get_list_more_buttons(self, instance):
        return [*super().get_list_more_buttons(instance), _qr_menu_item("programmes", instance)]


class RoundIndexView(IndexView):
    def get_list_more_buttons(self, instance):
        return [*super().get_list_more_buttons(instance), _qr_menu_item("rounds", instance)]


class QRHeaderMixin:
    qr_viewset_name = ""

    @cached_property
    def header_more_buttons(self):
        return [
            *super().header_more_buttons,
            Button(
                _("QR code and poster"),
                url=reverse(f"{self.qr_viewset_name}:qr", args=[self.object.pk]),
                icon_name="image",
                priority=15,
            ),
        ]


class ProgrammeEditView(QRHeaderMixin, EditView):
    qr_viewset_name = "programmes"

    def save_instance(self):
        instance = super().save_instance()
        announce_programme_changed(programme=instance)
        return instance


class RoundEditView(QRHeaderMixin, EditView):
    qr_viewset_name = "rounds"

    @cached_property
    def header_more_buttons(self):
        # The round's web page, both to read and to edit (cms gives the edit link).
        return [
            *super().header_more_buttons,
            Button(
                _("Public page"),
                url=round_path(self.object),
                icon_name="link-external",
                priority=16,
                attrs={"target": "_blank", "rel": "noopener"},
            ),
            *(
                button
                for hook in hooks.get_hooks(ROUND_ADMIN_BUTTONS_HOOK)
                for button in hook(self.object)
            ),
        ]

    def save_instance(self):
        starts_at_before = Round.objects.filter(pk=self.object.pk).values_list(
            "starts_at", flat=True
        )[0]
        instance = super().save_instance()
        if instance.starts_at != starts_at_before:
            # Reminders follow the round: the old ones find the start changed and skip.
            schedule_round_reminders(round_=instance)
        announce_round_changed(round_=instance)
        return instance


class RoundCreateView(CreateView):
    def save_instance(self):
        instance = super().save_instance()
        announce_round_changed(round_=instance)
        return instance


class ProgrammeViewSet(ModelViewSet):
    model = Programme
    icon = "calendar"
    menu_label = _("Programmes")
    index_view_class = ProgrammeIndexView
    edit_view_class = ProgrammeEditView
    list_display = ["title", "code", "circular_number"]
    search_fields = ["title", "code"]
    panels = [
        FieldPanel("title"),
        FieldPanel("title_en"),
        FieldPanel("code"),
        FieldPanel("circular_number"),
    ]

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("qr/<int:pk>/", QRCodeView.as_view(kind="programme"), name="qr"),
            path(
                "qr/<int:pk>/<str:fmt>/",
                QRDownloadView.as_view(kind="programme"),
                name="qr_download",
            ),
        ]


class RoundViewSet(ModelViewSet):
    model = Round
    icon = "date"
    menu_label = _("Rounds")
    index_view_class = RoundIndexView
    edit_view_class = RoundEditView
    add_view_class = RoundCreateView
    list_display = ["title", "programme", "number", "starts_at", "capacity"]
    list_filter = ["programme"]
    search_fields = ["title"]
    panels = [
        FieldRowPanel([FieldPanel("programme"), FieldPanel("number")]),
        FieldPanel("title"),
        FieldPanel("title_en"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")]),
                FieldPanel("join_window_minutes"),
            ],
            heading=_("Schedule"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("capacity"), FieldPanel("lao_quota")]),
                FieldRowPanel(
                    [FieldPanel("registration_opens_at"), FieldPanel("registration_closes_at")]
                ),
            ],
            heading=_("Registration"),
        ),
        FieldPanel(
            "trainers",
            widget=SearchableCheckboxSelectMultiple(label_for=trainer_label),
            help_text=_("Active accounts with the trainer role only; type a name or an e-mail."),
        ),
    ]

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("qr/<int:pk>/", RoundQRCodeView.as_view(), name="qr"),
            path("qr/<int:pk>/<str:fmt>/", RoundQRDownloadView.as_view(), name="qr_download"),
        ]


class TrainingViewSetGroup(ViewSetGroup):
    menu_label = _("Training")
    menu_icon = "calendar"
    menu_order = 200
    items = (ProgrammeViewSet("programmes"), RoundViewSet("rounds"))


@hooks.register("register_admin_viewset")
def register_training_viewsets():
    return TrainingViewSetGroup()


class EnrolmentListsMenuItem(MenuItem):
    def is_shown(self, request):
        return is_dla_admin(request.user) or is_trainer(request.user)


@hooks.register("register_admin_menu_item")
def register_enrolment_lists_menu_item():
    return EnrolmentListsMenuItem(
        _("Enrolment lists"), reverse("courses:managed_rounds"), icon_name="group", order=210
    )


# --- PDPA: what courses keeps about a person, and what happens when they leave ---------


hooks.register(PERSONAL_DATA_EXPORT_HOOK, enrolment_personal_data)
hooks.register(PERSONAL_DATA_EXPORT_HOOK, notice_personal_data)


@hooks.register(ACCOUNT_ERASURE_HOOK)
def free_seats_of_erased_account(user, now):
    cancel_upcoming_enrolments(user=user, now=now)


@hooks.register(CONSENT_WITHDRAWN_HOOK)
def free_seats_when_training_consent_withdrawn(user, purpose, now):
    if purpose == ConsentPurpose.TRAINING:
        cancel_upcoming_enrolments(user=user, now=now)

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet

from .models import Programme, Round


class ProgrammeViewSet(ModelViewSet):
    model = Programme
    icon = "calendar"
    menu_label = _("Programmes")
    list_display = ["title", "code", "circular_number"]
    search_fields = ["title", "code"]
    panels = [
        FieldPanel("title"),
        FieldPanel("title_en"),
        FieldPanel("code"),
        FieldPanel("circular_number"),
    ]


class RoundViewSet(ModelViewSet):
    model = Round
    icon = "date"
    menu_label = _("Rounds")
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
                FieldPanel("capacity"),
                FieldRowPanel(
                    [FieldPanel("registration_opens_at"), FieldPanel("registration_closes_at")]
                ),
            ],
            heading=_("Registration"),
        ),
        FieldPanel("trainers"),
    ]


class TrainingViewSetGroup(ViewSetGroup):
    menu_label = _("Training")
    menu_icon = "calendar"
    menu_order = 200
    items = (ProgrammeViewSet("programmes"), RoundViewSet("rounds"))


@hooks.register("register_admin_viewset")
def register_training_viewsets():
    return TrainingViewSetGroup()

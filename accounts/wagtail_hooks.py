from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.admin.viewsets.model import ModelViewSet

from .models import Organisation


class OrganisationViewSet(ModelViewSet):
    model = Organisation
    icon = "group"
    menu_label = _("LAO directory")
    menu_order = 300
    add_to_admin_menu = True
    list_display = ["name_th", "dla_code", "lao_type", "province_name_th", "district_name_th"]
    list_filter = ["lao_type", "province_code"]
    search_fields = ["name_th", "name_en", "dla_code"]
    panels = [
        FieldRowPanel([FieldPanel("dla_code"), FieldPanel("lao_type")]),
        FieldPanel("name_th"),
        FieldPanel("name_en"),
        FieldRowPanel([FieldPanel("province_code"), FieldPanel("district_code")]),
        MultiFieldPanel([FieldPanel("phone"), FieldPanel("email")], heading=_("Contact")),
    ]


@hooks.register("register_admin_viewset")
def register_organisation_viewset():
    return OrganisationViewSet("organisations")

"""Wagtail's detail ("inspect") view with values in Thai: dates in Bangkok time and the
Buddhist Era, ใช่/ไม่ใช่, "–" for nothing (``core.thai.display_value``); the table cells
get the same from ``templates/wagtailadmin/tables/``."""

from wagtail.admin.views.generic import InspectView

from .thai import display_value


class ThaiInspectView(InspectView):
    def get_field_display_value(self, field_name, field):
        return display_value(super().get_field_display_value(field_name, field))

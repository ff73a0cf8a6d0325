from django.urls import path

from . import views

app_name = "line"

urlpatterns = [
    path("me/line/", views.LineSettingsView.as_view(), name="settings"),
    path(
        "line/calendar/<int:round_id>.ics",
        views.RoundCalendarView.as_view(),
        name="round_calendar",
    ),
    path("manage/line/", views.QuotaView.as_view(), name="quota"),
]

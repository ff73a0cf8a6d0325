from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("reports/", views.RoundReportView.as_view(), name="rounds"),
    path(
        "reports/export/<slug:table>.<str:fmt>",
        views.RoundReportView.as_view(),
        name="rounds_export",
    ),
    path("reports/coverage/", views.CoverageReportView.as_view(), name="coverage"),
    path(
        "reports/coverage/export/<slug:table>.<str:fmt>",
        views.CoverageReportView.as_view(),
        name="coverage_export",
    ),
    path("reports/coverage/missing/", views.MissingLaoView.as_view(), name="missing"),
    path(
        "reports/coverage/missing/export/<slug:table>.<str:fmt>",
        views.MissingLaoView.as_view(),
        name="missing_export",
    ),
    path(
        "reports/coverage/not-attended/",
        views.NotAttendedLaoView.as_view(),
        name="not_attended",
    ),
    path(
        "reports/coverage/not-attended/export/<slug:table>.<str:fmt>",
        views.NotAttendedLaoView.as_view(),
        name="not_attended_export",
    ),
]

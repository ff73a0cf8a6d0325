from django.urls import path

from . import views

app_name = "training_sessions"

urlpatterns = [
    path("live/<int:round_id>/", views.SessionDetailView.as_view(), name="detail"),
    path("live/<int:round_id>/join/", views.JoinView.as_view(), name="join"),
    path("live/<int:round_id>/status/", views.StatusView.as_view(), name="status"),
    path("live/<int:round_id>/console/", views.ConsoleView.as_view(), name="console"),
    path("live/<int:round_id>/console/roster/", views.RosterView.as_view(), name="roster"),
    path(
        "live/<int:round_id>/console/roster/<int:user_id>/mark/",
        views.RosterMarkView.as_view(),
        name="roster_mark",
    ),
    path("live/<int:round_id>/console/end/", views.EndView.as_view(), name="end"),
    path("live/<int:round_id>/console/mark/", views.MarkView.as_view(), name="mark"),
    path("live/<int:round_id>/console/co-viewer/", views.CoViewerView.as_view(), name="co_viewer"),
    path("live/<int:round_id>/console/reconcile/", views.ReconcileView.as_view(), name="reconcile"),
    path(
        "live/<int:round_id>/console/recordings/",
        views.RecordingsRefreshView.as_view(),
        name="recordings_refresh",
    ),
    path("live/<int:round_id>/console/export.<str:fmt>", views.ExportView.as_view(), name="export"),
    path("live/<int:round_id>/console/import/", views.ImportUploadView.as_view(), name="import"),
    path(
        "live/<int:round_id>/console/import/<int:import_id>/",
        views.ImportPreviewView.as_view(),
        name="import_preview",
    ),
]

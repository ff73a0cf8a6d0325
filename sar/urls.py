from django.urls import path

from . import views

app_name = "sar"

urlpatterns = [
    path("sandbox/", views.SandboxHomeView.as_view(), name="home"),
    path("sandbox/new/", views.WorkspaceCreateView.as_view(), name="create"),
    path("sandbox/<int:pk>/", views.WorkspaceView.as_view(), name="workspace"),
    path("sandbox/<int:pk>/edit/<str:section>/", views.SectionView.as_view(), name="section"),
    path(
        "sandbox/<int:pk>/ghg/activities/",
        views.ActivityCreateView.as_view(),
        name="activity_add",
    ),
    path(
        "sandbox/<int:pk>/ghg/activities/<int:activity_pk>/delete/",
        views.ActivityDeleteView.as_view(),
        name="activity_delete",
    ),
    path("sandbox/<int:pk>/results/", views.ResultsView.as_view(), name="results"),
    path("sandbox/<int:pk>/results/print/", views.ResultsPrintView.as_view(), name="print"),
    path("sandbox/<int:pk>/export.xlsx", views.ExportView.as_view(), name="export"),
    path("sandbox/<int:pk>/export.json", views.ExportJsonView.as_view(), name="export_json"),
    path("sandbox/<int:pk>/reset/", views.ResetView.as_view(), name="reset"),
    path("sandbox/exercise/<int:round_pk>/", views.ExerciseView.as_view(), name="exercise"),
    path("sandbox/class/<int:round_pk>/", views.ClassExercisesView.as_view(), name="class"),
]

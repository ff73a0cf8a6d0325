from django.urls import path

from . import views

app_name = "courses"

urlpatterns = [
    path("p/<slug:code>/", views.ShortLinkView.as_view(), name="programme_link"),
    path("p/<slug:code>/<int:number>/", views.ShortLinkView.as_view(), name="round_link"),
    path("enrol/<slug:code>/", views.EnrolView.as_view(), name="enrol"),
    path(
        "enrolments/<int:pk>/cancel/",
        views.CancelEnrolmentView.as_view(),
        name="cancel_enrolment",
    ),
    path("manage/rounds/", views.ManagedRoundListView.as_view(), name="managed_rounds"),
    path(
        "manage/rounds/<int:pk>/enrolments/",
        views.RoundEnrolmentListView.as_view(),
        name="round_enrolments",
    ),
]

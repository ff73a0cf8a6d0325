from django.urls import path, re_path

from . import views

app_name = "certificates"

urlpatterns = [
    path("verify/", views.VerifyView.as_view(), name="verify_form"),
    re_path(r"^verify/(?P<code>[0-9A-Za-z-]{1,40})/$", views.VerifyView.as_view(), name="verify"),
    path("my-certificates/", views.MyCertificatesView.as_view(), name="mine"),
    path(
        "my-certificates/<int:pk>/pdf/",
        views.DownloadCertificateView.as_view(),
        name="download",
    ),
]

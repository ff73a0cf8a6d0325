"""The cms app's pages, and Wagtail's page catch-all, which must come last of all URLs:
the root URLconf includes this module after every other app's."""

from django.urls import include, path, re_path

from . import views

cms_patterns = [
    path("my-training/", views.MyTrainingView.as_view(), name="my_training"),
    path("my-rounds/", views.MyRoundsView.as_view(), name="my_rounds"),
]

urlpatterns = [
    path("", include((cms_patterns, "cms"))),
    # Not namespaced: Wagtail reverses "wagtail_serve" for every page URL.
    re_path(r"^((?:[\w\-]+/)*)$", views.serve_page, name="wagtail_serve"),
]

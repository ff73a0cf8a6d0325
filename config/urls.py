from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from accounts.admin_site import wagtail_admin_login, wagtail_password_reset
from cms.views import serve_page

from . import admin_access
from .views import health

urlpatterns = [
    path("healthz/", health, name="health"),
    # Wagtail's bulk actions, limited to the objects the user may reach (config.admin_access).
    path(
        "admin/bulk/<str:app_label>/<str:model_name>/<str:action>/",
        admin_access.bulk_action,
        name="scoped_bulk_action",
    ),
    # Both admins log in through allauth only (accounts.admin_site).
    path("admin/login/", wagtail_admin_login, name="wagtailadmin_login"),
    re_path(r"^admin/password_reset/", wagtail_password_reset),
    path("admin/", include(wagtailadmin_urls)),
    path("django-admin/", admin.site.urls),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("bbb/", include("sessions.callback_urls")),  # BigBlueButton's callbacks
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Thai at /, English at /en/.
urlpatterns += i18n_patterns(
    path("accounts/", include("allauth.urls")),
    # Each app's own pages; every app prefixes its URLs itself.
    path("", include("accounts.urls")),
    path("", include("courses.urls")),
    path("", include("sessions.urls")),
    path("", include("assessments.urls")),
    path("", include("sar.urls")),
    path("", include("certificates.urls")),
    path("", include("reports.urls")),
    path("", include("cms.urls")),
    # Wagtail's catch-all comes last; its name is the one Wagtail reverses for page URLs.
    re_path(r"^((?:[\w\-]+/)*)$", serve_page, name="wagtail_serve"),
    prefix_default_language=False,
)

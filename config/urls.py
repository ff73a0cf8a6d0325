from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from . import admin_access
from .health import readyz
from .views import health

# A database error outside a view (a middleware saving the session) gets the 503 page too.
handler500 = "config.outage.server_error"

urlpatterns = [
    path("healthz/", health, name="health"),  # liveness: the process answers
    path("readyz/", readyz, name="ready"),  # readiness: database, worker, Redis, BBB
    # Wagtail's bulk actions, limited to the objects the user may reach (config.admin_access).
    path(
        "admin/bulk/<str:app_label>/<str:model_name>/<str:action>/",
        admin_access.bulk_action,
        name="scoped_bulk_action",
    ),
    # Both admins log in through allauth only (accounts.admin_site).
    path("admin/", include("accounts.admin_urls")),
    path("admin/", include(wagtailadmin_urls)),
    path("django-admin/", admin.site.urls),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("bbb/", include("sessions.callback_urls")),  # BigBlueButton's callbacks
    path("line/", include("line.webhook_urls")),  # LINE's webhook
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
    path("", include("line.urls")),
    path("", include("reports.urls")),
    # Last: cms ends in Wagtail's page catch-all.
    path("", include("cms.urls")),
    prefix_default_language=False,
)

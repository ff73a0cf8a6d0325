"""BigBlueButton's callbacks, mounted at /bbb/ without a language prefix (config/urls.py)."""

from django.urls import path

from . import callbacks

app_name = "bbb_callbacks"

urlpatterns = [
    path("end/<str:nonce>/", callbacks.end_callback, name="end"),
    path("analytics/", callbacks.analytics_callback, name="analytics"),
    path("recording-ready/", callbacks.recording_ready_callback, name="recording_ready"),
    path("webhooks/", callbacks.webhook_callback, name="webhook"),
]

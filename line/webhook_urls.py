"""LINE's webhook, outside the language prefixes (LINE calls one fixed address)."""

from django.urls import path

from . import views

app_name = "line_webhook"

urlpatterns = [path("webhook/", views.WebhookView.as_view(), name="webhook")]

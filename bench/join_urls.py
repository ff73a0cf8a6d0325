"""The product's URLs plus the authenticated floor of bench/join.py (bench settings only).

The floor is Django's own authenticated no-op: a POST that only requires a logged-in user,
through the same middleware and the same Redis-cached sessions as Join, answered with a
302. Join cannot cost less than this without leaving Django's authentication out."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponseRedirect
from django.urls import path
from django.views import View

from config.urls import handler500  # noqa: F401 - the product's, from this root URLconf
from config.urls import urlpatterns as product_urlpatterns


class AuthenticatedFloorView(LoginRequiredMixin, View):
    def post(self, request):
        return HttpResponseRedirect("/")


urlpatterns = [
    path("bench/floor/", AuthenticatedFloorView.as_view(), name="bench_floor"),
    *product_urlpatterns,
]

"""allauth's social-account adapter: LINE Login is optional, so without a configured channel
its log-in and callback pages say so in Thai instead of failing (allauth raises
``SocialApp.DoesNotExist``, a 500)."""

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialApp
from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def get_app(self, request, provider, client_id=None):
        try:
            return super().get_app(request, provider, client_id=client_id)
        except SocialApp.DoesNotExist:
            if request is None:
                raise
            messages.error(request, _("Linking a LINE account is not available on this site."))
            target = "line:settings" if request.user.is_authenticated else "account_login"
            raise ImmediateHttpResponse(redirect(target)) from None

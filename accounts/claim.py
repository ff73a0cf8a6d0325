"""A nominated officer can always claim the account a trainer's import made for them.

The import makes an inactive account that waits for its invitation to be accepted. If the
invitation is lost or expired, the officer was stuck: sign-up said the address was already
registered and "Forgot your password?" said it had no account. Both forms now send such an
address a fresh invitation instead (``services.reinvite_participant``) and say so.
Configured in ``ACCOUNT_FORMS``.
"""

from allauth.account import forms as allauth_forms
from django import forms
from django.contrib import messages
from django.utils.translation import gettext_lazy as _

from .services import pending_nominee, reinvite_participant

NOMINEE_REINVITED = _(
    "Your provincial office has already registered this address for the training. We have "
    "e-mailed you a new invitation link (valid for 14 days): open it to set your password "
    "and finish your registration. Check your junk mail folder if it does not arrive."
)


class SignupForm(allauth_forms.SignupForm):
    def clean_email(self):
        email = self.cleaned_data.get("email", "")
        nominee = pending_nominee(email)
        if nominee is not None:
            reinvite_participant(user=nominee)
            raise forms.ValidationError(NOMINEE_REINVITED, code="nominee_reinvited")
        return super().clean_email()


class ResetPasswordForm(allauth_forms.ResetPasswordForm):
    nominee = None

    def clean_email(self):
        self.nominee = pending_nominee(self.cleaned_data.get("email", ""))
        if self.nominee is not None:
            return self.cleaned_data["email"]
        return super().clean_email()

    def save(self, request, **kwargs):
        if self.nominee is None:
            return super().save(request, **kwargs)
        reinvite_participant(user=self.nominee)
        messages.info(request, NOMINEE_REINVITED)
        return self.cleaned_data["email"]

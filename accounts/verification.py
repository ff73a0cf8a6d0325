"""'Check your e-mail': which address waits for its link, and sending the link again.

allauth shows the page after sign-up (and after a log-in with an unconfirmed address)
but offers no way to ask for the link again without logging in. The page's button posts
here; allauth's own rate limit (``ACCOUNT_RATE_LIMITS["confirm_email"]``) still holds.
"""

from allauth.account.internal.flows.email_verification import (
    send_verification_email_to_address,
)
from allauth.account.internal.stagekit import get_pending_stage
from allauth.account.models import EmailAddress


def pending_verification_email(request) -> str:
    """The address the person just signed up or logged in with, if it waits for its link."""
    stage = get_pending_stage(request)
    login = getattr(stage, "login", None)
    if login is None or login.user is None:
        return ""
    return login.email or login.user.email or ""


def resend_verification_email(request, email: str) -> str:
    """Send the confirmation link again. Returns ``sent``, ``wait`` (asked again within a few
    minutes; the earlier link still works), ``verified`` or ``unknown``."""
    address = EmailAddress.objects.filter(email__iexact=email.strip()).first()
    if address is None:
        return "unknown"
    if address.verified:
        return "verified"
    return "sent" if send_verification_email_to_address(request, address) else "wait"

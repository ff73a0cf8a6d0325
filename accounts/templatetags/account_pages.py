from django import template

from accounts.verification import pending_verification_email

register = template.Library()


@register.simple_tag(takes_context=True)
def pending_email(context) -> str:
    """The address waiting for its confirmation link (see accounts.verification)."""
    request = context.get("request")
    return pending_verification_email(request) if request is not None else ""

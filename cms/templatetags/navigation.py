from django import template
from django.urls import translate_url

from accounts.access import is_dla_admin, is_trainer
from accounts.models import Role

register = template.Library()


@register.simple_tag(takes_context=True)
def alternate_language_url(context, language_code: str) -> str:
    """The current page's address in another language (/x/ <-> /en/x/)."""
    request = context.get("request")
    if request is None:
        return "/" if language_code == "th" else f"/{language_code}/"
    return translate_url(request.get_full_path(), language_code)


@register.filter
def runs_rounds(user) -> bool:
    """Whether the site menu offers "My rounds" (trainers and DLA administrators)."""
    return is_trainer(user) or is_dla_admin(user)


@register.filter
def takes_part(user) -> bool:
    """Whether the site menu offers "My training": participants, and any member of staff
    who belongs to an LAO (they may enrol too)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return (user.role == Role.PARTICIPANT and not user.is_superuser) or bool(user.organisation_id)

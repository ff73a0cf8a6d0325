from django import template
from django.urls import translate_url

register = template.Library()


@register.simple_tag(takes_context=True)
def alternate_language_url(context, language_code: str) -> str:
    """The current page's address in another language (/x/ <-> /en/x/)."""
    request = context.get("request")
    if request is None:
        return "/" if language_code == "th" else f"/{language_code}/"
    return translate_url(request.get_full_path(), language_code)

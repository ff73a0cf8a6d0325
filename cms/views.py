from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.utils.translation import get_language
from wagtail.views import serve as wagtail_serve

# Bumped when any page is published or unpublished, so cached pages go stale at once.
PAGE_CACHE_GENERATION_KEY = "cms:page-generation"


def bump_page_cache_generation(**kwargs) -> None:
    try:
        cache.incr(PAGE_CACHE_GENERATION_KEY)
    except ValueError:
        cache.set(PAGE_CACHE_GENERATION_KEY, 1, timeout=None)


def _is_cacheable(request) -> bool:
    return (
        settings.ANONYMOUS_PAGE_CACHE_SECONDS > 0
        and request.method in ("GET", "HEAD")
        and not request.user.is_authenticated
        and not messages.get_messages(request)
    )


def serve_page(request, path):
    """Wagtail's page view, with whole responses cached for anonymous visitors.

    The QR landing pages are hit by thousands of phones after a circular goes out;
    for visitors without a login the page is the same for everyone of a language.
    """
    if not _is_cacheable(request):
        return wagtail_serve(request, path)
    generation = cache.get_or_set(PAGE_CACHE_GENERATION_KEY, 1, timeout=None)
    key = f"cms:page:{generation}:{get_language()}:{request.get_host()}:{request.get_full_path()}"
    response = cache.get(key)
    if response is not None:
        return response
    response = wagtail_serve(request, path)
    if hasattr(response, "render"):
        response.render()
    # A page holding a CSRF token or a session cookie belongs to one visitor only.
    personal = request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or response.cookies
    if response.status_code == 200 and not personal:
        cache.set(key, response, settings.ANONYMOUS_PAGE_CACHE_SECONDS)
    return response

"""The one place that calls WeasyPrint: certificate HTML in, PDF bytes out.

Sarabun comes from the ``fontpkg-sarabun`` package through ``@font-face`` rules; one
``FontConfiguration`` and one image cache are kept per process, so the fonts are loaded
once and a logo used on a thousand certificates is decoded once.
Resources: ``file:`` (the fonts), ``data:``, ``media:<name>`` (files in the default
storage: the template preview's images) and ``pinned:<name>`` (the copies of an issued
revision's images in the private certificate storage). Nothing is fetched from the network.
"""

import atexit
import threading
from functools import cache

import fontpkg
from django.core.files.storage import default_storage

from .storage import certificate_storage

SARABUN_WEIGHTS = (400, 500, 600, 700)
MEDIA_SCHEME = "media:"
PINNED_SCHEME = "pinned:"

_lock = threading.Lock()
_render_lock = threading.Lock()
_state: dict = {}


@cache
def fonts_css() -> str:
    rules = []
    for weight in SARABUN_WEIGHTS:
        path = fontpkg.path("Sarabun", weight=weight)
        rules.append(
            "@font-face { font-family: 'Sarabun'; font-style: normal; "
            f"font-weight: {weight}; src: url('{path.as_uri()}'); }}"
        )
    return "\n".join(rules)


def _shared():
    """The process-wide FontConfiguration, URL fetcher and image cache."""
    with _lock:
        if not _state:
            from weasyprint.text.fonts import FontConfiguration
            from weasyprint.urls import URLFetcher, URLFetcherResponse

            class CertificateURLFetcher(URLFetcher):
                def fetch(self, url, headers=None):
                    if url.startswith(MEDIA_SCHEME):
                        name = url.removeprefix(MEDIA_SCHEME)
                        with default_storage.open(name, "rb") as handle:
                            return URLFetcherResponse(url, handle.read())
                    if url.startswith(PINNED_SCHEME):
                        name = url.removeprefix(PINNED_SCHEME)
                        with certificate_storage.open(name, "rb") as handle:
                            return URLFetcherResponse(url, handle.read())
                    return super().fetch(url, headers)

            _state["font_config"] = FontConfiguration()
            _state["fetcher"] = CertificateURLFetcher(
                allowed_protocols={"file", "data", "media", "pinned"}
            )
            _state["image_cache"] = {}
        return _state


# Drop the FontConfiguration before the interpreter tears modules down (its __del__
# needs them).
atexit.register(_state.clear)


def media_url(name: str) -> str:
    """How a certificate's HTML points at a file in the default storage."""
    return f"{MEDIA_SCHEME}{name}"


def pinned_url(name: str) -> str:
    """How a certificate's HTML points at a pinned image in the certificate storage."""
    return f"{PINNED_SCHEME}{name}"


def render_pdf(html: str) -> bytes:
    """The PDF of a certificate's HTML (the stylesheet is inside the HTML)."""
    from weasyprint import HTML

    shared = _shared()
    # Pango's font map is shared; a threaded server renders one certificate at a time.
    with _render_lock:
        document = HTML(string=html, url_fetcher=shared["fetcher"], base_url="file:///")
        return document.write_pdf(font_config=shared["font_config"], cache=shared["image_cache"])

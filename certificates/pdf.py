"""The one place that calls WeasyPrint: certificate HTML in, PDF bytes out.

Sarabun comes from the ``fontpkg-sarabun`` package (made searchable by
``core.thai_fonts``: ำ copies as ำ) through ``@font-face`` rules. One
``FontConfiguration`` and the certificate stylesheet (``certificate.css`` with the fonts)
are made once per process, so the fonts are loaded and the CSS parsed once; the HTML
carries no ``<style>``. Images are cached per call: a batch decodes its logos and
signatures once, and no certificate's own QR code outlives its batch.
Resources: ``file:`` (the fonts), ``data:``, ``media:<name>`` (files in the default
storage: the template preview's images) and ``pinned:<name>`` (the copies of an issued
revision's images in the private certificate storage). Nothing is fetched from the network.

Bulk issuance renders certificates in batches (``render_pdfs``): each certificate's HTML
is laid out on its own, exactly as alone, then all the pages are written as one PDF (the
fonts subset, the logos and signatures encoded once for the batch instead of once per
certificate: about 40 % of the time of a certificate) and split into one PDF per
certificate with qpdf (pikepdf).
"""

import atexit
import gc
import io
import threading
from collections.abc import Sequence
from contextlib import contextmanager
from functools import cache

from django.core.files.storage import default_storage
from django.template.loader import render_to_string

from core.thai_fonts import sarabun_path

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
        path = sarabun_path(weight)
        rules.append(
            "@font-face { font-family: 'Sarabun'; font-style: normal; "
            f"font-weight: {weight}; src: url('{path.as_uri()}'); }}"
        )
    return "\n".join(rules)


def _shared():
    """The process-wide FontConfiguration, URL fetcher and image cache."""
    with _lock:
        if not _state:
            from weasyprint import CSS, HTML
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

            user_agent_css = CSS(string=CERTIFICATE_UA_CSS)

            class CertificateHTML(HTML):
                def _ua_stylesheets(self, forms=False):
                    return [user_agent_css]

            _state["html_class"] = CertificateHTML
            _state["font_config"] = FontConfiguration()
            _state["fetcher"] = CertificateURLFetcher(
                allowed_protocols={"file", "data", "media", "pinned"}
            )
            _state["stylesheet"] = CSS(
                string=fonts_css() + render_to_string("certificates/pdf/certificate.css"),
                font_config=_state["font_config"],
                url_fetcher=_state["fetcher"],
                base_url="file:///",
            )
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


# The browser defaults a certificate needs, in place of WeasyPrint's whole HTML5 sheet
# (256 lines, matched against every element of every certificate: 10 % of a certificate's
# Python calls). The certificate's HTML is ours alone (every value in it is escaped text),
# made of these elements only; the pages come out the same to the pixel
# (tests/certificates/test_batch.py).
CERTIFICATE_UA_CSS = """
html, body, div, p, h1, header, footer { display: block; }
head, title, meta, link, style, script { display: none; }
h1 { font-weight: bold; }
"""


def _document(html: str, shared: dict, image_cache: dict):
    return shared["html_class"](
        string=html, url_fetcher=shared["fetcher"], base_url="file:///"
    ).render(
        stylesheets=[shared["stylesheet"]],
        font_config=shared["font_config"],
        cache=image_cache,
    )


def render_pdf(html: str) -> bytes:
    """The PDF of a certificate's HTML, printed with the certificate stylesheet."""
    shared = _shared()
    # Pango's font map is shared; a threaded server renders one certificate at a time.
    with _render_lock:
        return _document(html, shared, {}).write_pdf()


@contextmanager
def _without_cycle_collection():
    """Python's cycle collector paused: with a batch of laid-out documents alive, each of
    its runs walked them all again (a fifth of a batch's CPU time). The garbage of the
    batch is collected once the collector runs again."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def render_pdfs(htmls: Sequence[str]) -> list[bytes]:
    """One PDF per HTML, the same pages ``render_pdf`` gives, written as one batch.

    The documents are laid out one by one; their pages are written together, then split
    back at each document's first page, and each part gets its own document's metadata
    (title, author) and bookmarks, as when rendered alone.
    """
    if len(htmls) == 1:
        return [render_pdf(htmls[0])]
    shared = _shared()
    with _render_lock, _without_cycle_collection():
        image_cache = {}
        documents = [_document(html, shared, image_cache) for html in htmls]
        pages = [page for document in documents for page in document.pages]
        combined = documents[0].copy(pages).write_pdf()
        return _split(combined, documents)


def _split(combined: bytes, documents) -> list[bytes]:
    """The combined PDF cut back into one PDF per document, with qpdf (pikepdf): a tenth
    of the time pypdf took in Python (20 ms a certificate of the 200 ms)."""
    import pikepdf

    parts, first = [], 0
    with pikepdf.open(io.BytesIO(combined)) as source:
        shared_info = {
            key: value for key, value in source.docinfo.items() if key not in ("/Title", "/Author")
        }
        for document in documents:
            count = len(document.pages)
            with pikepdf.new() as part:
                part.pages.extend(source.pages[first : first + count])
                info = dict(shared_info)
                if document.metadata.title:
                    info["/Title"] = pikepdf.String(document.metadata.title)
                if document.metadata.authors:
                    info["/Author"] = pikepdf.String(", ".join(document.metadata.authors))
                part.docinfo = part.make_indirect(pikepdf.Dictionary(info))
                bookmarks = document.make_bookmark_tree()
                if bookmarks:
                    with part.open_outline() as outline:
                        for label, (page, _x, _y), _children, _state in bookmarks:
                            outline.root.append(pikepdf.OutlineItem(label, page))
                output = io.BytesIO()
                part.save(output)
                parts.append(output.getvalue())
            first += count
    return parts

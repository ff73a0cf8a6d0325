"""The printable A4 poster with the QR code, in Thai (Sarabun).

The only module of ``courses`` that calls WeasyPrint. One ``FontConfiguration`` per process.
"""

import base64
import functools

from django.template.loader import render_to_string
from django.utils import translation

from core.thai_fonts import sarabun_path

from .links import programme_url, round_url
from .qr import qr_svg


@functools.cache
def _font_config():
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def _font_faces() -> str:
    faces = []
    for weight in (400, 700):
        path = sarabun_path(weight)  # Sarabun whose ำ copies and searches as ำ
        faces.append(
            f"@font-face {{ font-family: 'Sarabun'; font-weight: {weight}; "
            f"src: url('{path.as_uri()}'); }}"
        )
    return "\n".join(faces)


def render_poster(*, programme, rounds, src: str, round_=None) -> bytes:
    """A4 PDF: title, the circular number, the QR code and short address, the dates."""
    from weasyprint import HTML

    html = poster_html(programme=programme, rounds=rounds, src=src, round_=round_)
    return HTML(string=html, base_url="/").write_pdf(font_config=_font_config())


def poster_html(*, programme, rounds, src: str, round_=None) -> str:
    if round_ is not None:
        target_url, plain_url = round_url(round_, src=src), round_url(round_)
    else:
        target_url, plain_url = programme_url(programme, src=src), programme_url(programme)
    svg = qr_svg(target_url)
    with translation.override("th"):
        html = render_to_string(
            "courses/poster.html",
            {
                "programme": programme,
                "rounds": rounds,
                "round": round_,
                "qr_data_uri": "data:image/svg+xml;base64," + base64.b64encode(svg).decode(),
                "target_url": target_url,
                "short_url": _short(plain_url),
                "font_faces": _font_faces(),
            },
        )
    return html


def _short(url: str) -> str:
    return url.split("://", 1)[-1].rstrip("/")

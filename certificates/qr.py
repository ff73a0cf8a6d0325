"""The QR code printed on a certificate, as a PNG inside the HTML (no image files).

``qrcode`` builds the matrix; the mask pattern is fixed because choosing the "best" of
eight costs five times as long and any mask is valid (every reader decodes all eight).
"""

import base64
import io
from html import escape

import qrcode
from PIL import Image
from qrcode.constants import ERROR_CORRECT_M

QUIET_ZONE = 4  # modules of white border the readers need
PIXELS_PER_MODULE = 8


def qr_matrix(data: str) -> list[list[bool]]:
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=QUIET_ZONE, mask_pattern=2)
    code.add_data(data)
    code.make(fit=True)
    return code.get_matrix()


def qr_img(data: str, *, alt: str = "") -> str:
    """An ``<img>`` of the code as a PNG data URI, 8 pixels a module; size it with CSS.

    A bitmap, not SVG: WeasyPrint lays out an SVG of a few hundred rectangles on every
    certificate (a quarter of a certificate's time); a PNG is decoded once and drawn.
    CSS ``image-rendering: pixelated`` keeps the modules sharp at any print size.
    """
    matrix = qr_matrix(data)
    size = len(matrix)
    image = Image.new("1", (size, size))
    image.putdata([0 if dark else 1 for row in matrix for dark in row])
    image = image.resize((size * PIXELS_PER_MODULE, size * PIXELS_PER_MODULE), Image.NEAREST)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=False)
    uri = "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
    return f'<img class="qr" src="{uri}" alt="{escape(alt)}">'

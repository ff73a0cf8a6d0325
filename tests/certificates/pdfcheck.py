"""Reading a certificate PDF back as a person or a phone would: text, and the QR as seen."""

import io

import pypdfium2
import zxingcpp
from pypdf import PdfReader


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def page_size_mm(data: bytes) -> tuple[float, float]:
    box = PdfReader(io.BytesIO(data)).pages[0].mediabox
    return round(float(box.width) * 25.4 / 72), round(float(box.height) * 25.4 / 72)


def decode_qr(data: bytes, *, dpi: int = 150) -> list[str]:
    """Render the first page to an image and decode every QR code on it."""
    page = pypdfium2.PdfDocument(data)[0]
    image = page.render(scale=dpi / 72).to_pil()
    return [result.text for result in zxingcpp.read_barcodes(image)]

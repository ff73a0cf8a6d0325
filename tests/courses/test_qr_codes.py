import base64
import io

import pypdfium2
import pytest
import zxingcpp
from PIL import Image

from accounts.models import User
from courses.models import Programme, Round

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, demo_site):
    client.force_login(User.objects.get(email="admin@example.com"))
    return client


def _decode(image):
    [barcode] = zxingcpp.read_barcodes(image)
    return barcode


def _pdf_pages(pdf: bytes, scale=2):
    document = pypdfium2.PdfDocument(pdf)
    return [page.render(scale=scale).to_pil() for page in document]


def test_admin_offers_the_qr_code_of_the_programme_and_of_each_round(admin_client):
    programme = Programme.objects.get(code="esc-2569")
    html = admin_client.get("/admin/programmes/").content.decode()
    assert f"/admin/programmes/qr/{programme.pk}/" in html
    html = admin_client.get(f"/admin/programmes/qr/{programme.pk}/").content.decode()
    assert "http://testserver/p/esc-2569/?src=circular-1114" in html
    round_2 = Round.objects.get(number=2)
    assert f"/admin/rounds/qr/{round_2.pk}/" in admin_client.get("/admin/rounds/").content.decode()
    html = admin_client.get(f"/admin/rounds/qr/{round_2.pk}/?src=poster-chiangmai").content.decode()
    assert "http://testserver/p/esc-2569/2/?src=poster-chiangmai" in html


def test_png_and_svg_decode_to_the_tagged_address_with_error_correction_m(admin_client):
    programme = Programme.objects.get(code="esc-2569")
    response = admin_client.get(f"/admin/programmes/qr/{programme.pk}/png/?src=circular-1114")
    assert response["Content-Type"] == "image/png"
    assert "attachment" in response["Content-Disposition"]
    barcode = _decode(Image.open(io.BytesIO(response.content)))
    assert barcode.text == "http://testserver/p/esc-2569/?src=circular-1114"
    assert barcode.ec_level in ("M", "Q", "H")

    svg = admin_client.get(f"/admin/programmes/qr/{programme.pk}/svg/?src=circular-1114").content
    assert svg.lstrip().startswith(b"<?xml") or b"<svg" in svg[:200]
    # Rasterise the SVG as a browser or printer would (WeasyPrint, then pdfium).
    from weasyprint import HTML

    data_uri = "data:image/svg+xml;base64," + base64.b64encode(svg).decode()
    pdf = HTML(string=f'<img src="{data_uri}" style="width:8cm">').write_pdf()
    assert _decode(_pdf_pages(pdf)[0]).text == "http://testserver/p/esc-2569/?src=circular-1114"


def test_the_a4_poster_is_thai_with_the_qr_code_short_address_and_dates(admin_client):
    programme = Programme.objects.get(code="esc-2569")
    response = admin_client.get(f"/admin/programmes/qr/{programme.pk}/pdf/?src=circular-1114")
    assert response["Content-Type"] == "application/pdf"
    pages = _pdf_pages(response.content)
    assert len(pages) == 1
    width, height = pages[0].size
    assert round(height / width, 2) == round(297 / 210, 2)  # A4 portrait
    assert _decode(pages[0]).text == "http://testserver/p/esc-2569/?src=circular-1114"
    import pypdf

    text = pypdf.PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "testserver/p/esc-2569" in text
    fonts = {
        str(font)
        for page in pypdf.PdfReader(io.BytesIO(response.content)).pages
        for font in page["/Resources"]["/Font"].values()
        for font in [font.get_object()["/BaseFont"]]
    }
    assert any("Sarabun" in font for font in fonts)


def test_a_round_poster_points_at_the_round(admin_client):
    round_3 = Round.objects.get(number=3)
    response = admin_client.get(f"/admin/rounds/qr/{round_3.pk}/pdf/")
    page = _pdf_pages(response.content)[0]
    assert _decode(page).text == "http://testserver/p/esc-2569/3/?src=circular-1114"


def test_participants_get_no_qr_codes(client, demo_site):
    client.force_login(User.objects.get(email="participant@example.com"))
    programme = Programme.objects.get(code="esc-2569")
    assert client.get(f"/admin/programmes/qr/{programme.pk}/png/").status_code in (302, 403)


def test_the_posters_thai_text_copies_as_printed_and_looks_as_with_the_original_font(
    admin_client,
):
    import fontpkg
    import pypdf
    from PIL import ImageChops
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    from core.thai_fonts import sarabun_path
    from courses.poster import poster_html

    programme = Programme.objects.get(code="esc-2569")
    response = admin_client.get(f"/admin/programmes/qr/{programme.pk}/pdf/?src=circular-1114")
    text = pypdf.PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    squeezed = "".join(text.split())
    assert "".join(programme.title.split()) in squeezed  # ...สู่เมืองคาร์บอนต่ำ...
    assert "คาร์บอนต่ำ" in text
    assert "กรมการเปลี่ยนแปลงสภาพภูมิอากาศ" in text  # า stays า (it read as ำ after an ำ)

    html = poster_html(programme=programme, rounds=programme.rounds.all(), src="circular-1114")
    original = html
    for weight in (400, 700):
        original = original.replace(
            sarabun_path(weight).as_uri(), fontpkg.path("Sarabun", weight=weight).as_uri()
        )
    assert original != html
    before, after = (
        HTML(string=source, base_url="/").write_pdf(font_config=FontConfiguration())
        for source in (original, html)
    )
    images = [_pdf_pages(data, scale=150 / 72)[0].convert("RGB") for data in (before, after)]
    assert ImageChops.difference(*images).getbbox() is None

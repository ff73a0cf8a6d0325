"""Uploads are checked by type and size before anything reads them further."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from accounts.models import Organisation
from core import imports
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LAO_IMPORT = "/admin/organisations/import/"
HEADER = "dla_code,lao_type,name_th,name_en,province_code,district_code\n"
ROW = "5010101,ทน.,เทศบาลนครเชียงใหม่,,50,5001\n"


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True, organisation=None))
    return client


def test_an_import_of_another_type_is_refused_in_thai(admin_client):
    upload = SimpleUploadedFile("lao.exe", b"MZ\x90\x00" + b"\x00" * 60)
    response = admin_client.post(LAO_IMPORT, {"file": upload})
    assert "กรุณาอัปโหลดไฟล์ .csv หรือ .xlsx" in response.content.decode()
    assert not Organisation.objects.exists()


def test_a_renamed_file_that_is_not_a_spreadsheet_is_refused(admin_client):
    upload = SimpleUploadedFile("lao.xlsx", b"%PDF-1.7 not a workbook")
    response = admin_client.post(LAO_IMPORT, {"file": upload})
    assert "ไฟล์นี้ไม่ใช่ไฟล์ Excel (.xlsx) ที่อ่านได้" in response.content.decode()
    assert not Organisation.objects.exists()


def test_an_import_over_the_size_limit_is_refused_before_it_is_read(admin_client, monkeypatch):
    content = (HEADER + ROW).encode()
    monkeypatch.setattr(imports, "MAX_UPLOAD_BYTES", len(content) - 1)
    response = admin_client.post(LAO_IMPORT, {"file": SimpleUploadedFile("lao.csv", content)})
    assert "ไฟล์มีขนาดใหญ่เกิน 5 MB" in response.content.decode()
    assert not Organisation.objects.exists()


def test_documents_of_other_types_are_refused(admin_client):
    upload = SimpleUploadedFile("circular.exe", b"MZ\x90\x00")
    response = admin_client.post(
        "/admin/documents/multiple/add/", {"files[]": upload, "title": "หนังสือเวียน"}
    )
    assert response.status_code in (200, 400)
    assert not get_document_model().objects.exists()


def test_images_over_the_size_limit_are_refused(admin_client, settings):
    from io import BytesIO

    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (400, 400), "white").save(buffer, "PNG")
    settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE = len(buffer.getvalue()) - 1
    upload = SimpleUploadedFile("signature.png", buffer.getvalue(), content_type="image/png")
    response = admin_client.post(
        "/admin/images/multiple/add/", {"files[]": upload, "title": "ลายมือชื่อ"}
    )
    assert response.status_code in (200, 400)
    assert not get_image_model().objects.exists()


def test_upload_limits_are_set():
    from django.conf import settings

    assert settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE <= 5 * 1024 * 1024
    assert settings.WAGTAILDOCS_MAX_UPLOAD_SIZE <= 20 * 1024 * 1024
    assert "exe" not in settings.WAGTAILDOCS_EXTENSIONS

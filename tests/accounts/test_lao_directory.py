import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook, load_workbook

from accounts.models import LaoType, Organisation
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

HEADER = "dla_code,lao_type,name_th,name_en,province_code,district_code,phone,email\n"
GOOD_ROWS = (
    "5010101,ทน.,เทศบาลนครเชียงใหม่,Chiang Mai City Municipality,50,5001,053 259 000,\n"
    "4040201,อบต.,องค์การบริหารส่วนตำบลหนองเรือ,,40,4004,,saraban@nongruea.go.th\n"
    "8410101,city_municipality,เทศบาลนครสุราษฎร์ธานี,,84,8401,,\n"
)


def _csv(text, name="lao.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True, organisation=None))
    return client


def test_admin_preview_saves_nothing_then_confirm_imports_every_row(admin_client):
    response = admin_client.post("/admin/organisations/import/", {"file": _csv(HEADER + GOOD_ROWS)})
    html = response.content.decode()
    assert response.status_code == 200
    assert "ทั้งหมด 3 แถว: เพิ่มใหม่ 3" in html
    assert "ไม่พบปัญหา" in html
    assert not Organisation.objects.exists()
    token = response.context["token"]
    response = admin_client.post("/admin/organisations/import/", {"token": token})
    assert response.status_code == 302
    assert Organisation.objects.count() == 3
    nong_ruea = Organisation.objects.get(dla_code="4040201")
    assert nong_ruea.lao_type == LaoType.SAO
    assert nong_ruea.district_name_th == "หนองเรือ"
    # The same token cannot import twice.
    response = admin_client.post("/admin/organisations/import/", {"token": token}, follow=True)
    assert "หมดอายุแล้วหรือนำเข้าไปแล้ว" in response.content.decode()


def test_every_bad_row_is_named_in_thai_and_nothing_is_saved(admin_client):
    bad = (
        HEADER
        + GOOD_ROWS
        + "9999999,อบต.,อบต.ไม่มีจังหวัด,,99,9901,,\n"  # line 5: unknown province and district
        + "5020201,ทต.,เทศบาลตำบลผิดอำเภอ,,50,4004,,\n"  # line 6: district of another province
        + "5010101,ทน.,ชื่อซ้ำ,,50,5001,,\n"  # line 7: duplicate DLA code
        + "5040301,หมู่บ้าน,อบต.ประเภทผิด,,50,5004,,\n"  # line 8: unknown type
        + "5040302,อบต.,,,50,5004,,\n"  # line 9: missing name
        + "5040303,อบต.,อบต.อีเมลผิด,,50,5004,,not-an-email\n"  # line 10: bad e-mail
    )
    response = admin_client.post("/admin/organisations/import/", {"file": _csv(bad)})
    html = response.content.decode()
    report = response.context["report"]
    assert [problem.line for problem in report.problems] == [5, 6, 7, 8, 9, 10]
    messages = {problem.line: " ".join(problem.messages) for problem in report.problems}
    assert "ไม่พบรหัสจังหวัด “99”" in messages[5]
    assert "ไม่พบรหัสอำเภอ “9901”" in messages[5]
    assert "ไม่อยู่ในจังหวัดเชียงใหม่" in messages[6]
    assert "ซ้ำกับแถวที่ 2" in messages[7]
    assert "ไม่รู้จักประเภท อปท. “หมู่บ้าน”" in messages[8]
    assert "ไม่มีชื่อ อปท. ภาษาไทย" in messages[9]
    assert "อีเมล" in messages[10]
    assert "จะยังไม่บันทึกข้อมูลใด" in html
    assert response.context["token"] == ""  # no confirm button
    assert not Organisation.objects.exists()


def test_a_forced_import_with_one_bad_row_saves_nothing():
    from accounts.admin_views import organisation_dataset
    from accounts.resources import OrganisationResource
    from core.imports import run_import

    dataset = organisation_dataset(
        "lao.csv", (HEADER + GOOD_ROWS + "1,อบต.,,,50,5004,,\n").encode()
    )
    report = run_import(OrganisationResource(), dataset, dry_run=False)
    assert report.has_errors
    assert not Organisation.objects.exists()


def test_xlsx_with_thai_headers_updates_existing_laos(admin_client):
    OrganisationFactory(
        dla_code="5010101", name_th="ชื่อเดิม", province_code="50", district_code="5001"
    )
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["รหัส อปท.", "ประเภท", "ชื่อ อปท.", "รหัสจังหวัด", "รหัสอำเภอ"])
    sheet.append([5010101, "เทศบาลนคร", "เทศบาลนครเชียงใหม่", 50, 5001])
    sheet.append([5040301, "อบต.", "องค์การบริหารส่วนตำบลเมืองนะ", 50.0, 5004])
    buffer = io.BytesIO()
    workbook.save(buffer)
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("lao.xlsx", buffer.getvalue())
    response = admin_client.post("/admin/organisations/import/", {"file": upload})
    report = response.context["report"]
    assert (report.new, report.updated, report.problems) == (1, 1, [])
    admin_client.post("/admin/organisations/import/", {"token": response.context["token"]})
    assert Organisation.objects.get(dla_code="5010101").name_th == "เทศบาลนครเชียงใหม่"
    assert Organisation.objects.get(dla_code="5040301").district_code == "5004"


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        ("name,phone\nx,1\n", "lao.csv", "ไม่พบคอลัมน์"),
        (HEADER, "lao.csv", "ไม่มีข้อมูล"),
        ("whatever", "lao.pdf", ".csv หรือ .xlsx"),
        ("not a workbook", "lao.xlsx", "Excel"),
    ],
)
def test_unreadable_files_get_a_thai_message(admin_client, content, name, message):
    response = admin_client.post("/admin/organisations/import/", {"file": _csv(content, name)})
    assert message in response.content.decode()
    assert "report" not in response.context or response.context.get("report") is None


def test_csv_not_in_utf8_is_explained(admin_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("lao.csv", (HEADER + GOOD_ROWS).encode("cp874"))
    response = admin_client.post("/admin/organisations/import/", {"file": upload})
    assert "CSV UTF-8" in response.content.decode()


def test_export_round_trips_through_import(admin_client):
    OrganisationFactory(
        dla_code="5010101", name_th="เทศบาลนครเชียงใหม่", lao_type=LaoType.CITY_MUNICIPALITY
    )
    response = admin_client.get("/admin/organisations/export/xlsx/")
    workbook = load_workbook(io.BytesIO(response.content))
    rows = list(workbook.active.values)
    assert rows[0] == (
        "รหัส อปท.",
        "ประเภท",
        "ชื่อ อปท.",
        "ชื่อภาษาอังกฤษ",
        "รหัสจังหวัด",
        "รหัสอำเภอ",
        "โทรศัพท์",
        "อีเมล",
        "จังหวัด",
        "อำเภอ",
    )
    assert rows[1][:2] == ("5010101", "ทน.")
    assert rows[1][-2:] == ("เชียงใหม่", "เมืองเชียงใหม่")
    csv_text = admin_client.get("/admin/organisations/export/csv/").content.decode("utf-8-sig")
    response = admin_client.post("/admin/organisations/import/", {"file": _csv(csv_text)})
    report = response.context["report"]
    assert (report.new, report.updated, report.problems) == (0, 0, [])
    assert report.skipped == 1  # unchanged


def test_participants_and_trainers_cannot_import(client):
    client.force_login(UserFactory(is_staff=True))
    assert client.get("/admin/organisations/import/").status_code in (302, 403)


def test_the_management_command_checks_then_commits(tmp_path):
    path = tmp_path / "lao.csv"
    path.write_text(HEADER + GOOD_ROWS, encoding="utf-8")
    out = io.StringIO()
    call_command("import_lao_directory", str(path), stdout=out)
    assert "Dry run" in out.getvalue()
    assert not Organisation.objects.exists()
    call_command("import_lao_directory", str(path), "--commit", stdout=io.StringIO())
    assert Organisation.objects.count() == 3
    path.write_text(HEADER + "1,อบต.,,,50,5004,,\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Nothing was saved"):
        call_command("import_lao_directory", str(path), "--commit", stderr=io.StringIO())


# DLA's own list: the LAO's code, name and type, its province and district by name only.
DLA_HEADER = ["ลำดับ", "รหัส อปท.", "ชื่อ อปท.", "ประเภท", "จังหวัด", "อำเภอ"]
DLA_ROWS = [
    [1, 5010101, "เทศบาลนครเชียงใหม่", "เทศบาลนคร", "เชียงใหม่", "เมืองเชียงใหม่"],
    [2, 5040301, "องค์การบริหารส่วนตำบลเมืองนะ", "อบต.", "จังหวัดเชียงใหม่", "อำเภอเชียงดาว"],
    [3, 1010101, "กรุงเทพมหานคร", "พิเศษ", "กรุงเทพมหานคร", "พระนคร"],  # เขตพระนคร
    [4, 4040201, "องค์การบริหารส่วนตำบลหนองเรือ", "อบต.", "ขอนแก่น", "อ. หนองเรือ"],
]


def _dla_xlsx(rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(DLA_HEADER)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _dla_csv(rows) -> str:
    import csv

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(DLA_HEADER)
    writer.writerows(rows)
    return buffer.getvalue()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_dlas_own_list_imports_with_districts_matched_by_name(admin_client, fmt):
    from django.core.files.uploadedfile import SimpleUploadedFile

    if fmt == "csv":
        upload = _csv(_dla_csv(DLA_ROWS))
    else:
        upload = SimpleUploadedFile("dla.xlsx", _dla_xlsx(DLA_ROWS))
    response = admin_client.post("/admin/organisations/import/", {"file": upload})
    report = response.context["report"]
    assert (report.new, report.problems) == (4, [])
    admin_client.post("/admin/organisations/import/", {"token": response.context["token"]})
    saved = {
        organisation.dla_code: (
            organisation.lao_type,
            organisation.province_code,
            organisation.district_code,
        )
        for organisation in Organisation.objects.all()
    }
    assert saved == {
        "5010101": (LaoType.CITY_MUNICIPALITY, "50", "5001"),
        "5040301": (LaoType.SAO, "50", "5004"),
        "1010101": (LaoType.SPECIAL, "10", "1001"),
        "4040201": (LaoType.SAO, "40", "4004"),
    }


def test_a_bad_row_in_dlas_list_is_named_in_thai_and_nothing_is_saved(admin_client):
    rows = [
        *DLA_ROWS,
        [5, 5099901, "อบต.ผิดอำเภอ", "อบต.", "เชียงใหม่", "หนองเรือ"],  # line 6: Khon Kaen's
        [6, 9999901, "อบต.ไม่มีจังหวัด", "อบต.", "นครไม่มีจริง", "เมือง"],  # line 7
        [7, 5099902, "อบต.ไม่มีอำเภอ", "อบต.", "เชียงใหม่", ""],  # line 8
    ]
    response = admin_client.post("/admin/organisations/import/", {"file": _csv(_dla_csv(rows))})
    report = response.context["report"]
    messages = {problem.line: " ".join(problem.messages) for problem in report.problems}
    assert sorted(messages) == [6, 7, 8]
    assert "ไม่พบอำเภอ “หนองเรือ” ในจังหวัดเชียงใหม่" in messages[6]
    assert "ไม่พบจังหวัด “นครไม่มีจริง”" in messages[7]
    assert "ไม่ได้ระบุอำเภอ" in messages[8]
    assert response.context["token"] == ""
    # Forced through the command, it saves nothing either.
    from accounts.admin_views import organisation_dataset
    from accounts.resources import OrganisationResource
    from core.imports import run_import

    dataset = organisation_dataset("dla.csv", _dla_csv(rows).encode())
    assert run_import(OrganisationResource(), dataset, dry_run=False).has_errors
    assert not Organisation.objects.exists()


def test_a_list_without_province_or_district_columns_names_them_in_thai(admin_client):
    text = "รหัส อปท.,ชื่อ อปท.,ประเภท\n5010101,เทศบาลนครเชียงใหม่,ทน.\n"
    response = admin_client.post("/admin/organisations/import/", {"file": _csv(text)})
    html = response.content.decode()
    assert "รหัสจังหวัด หรือ จังหวัด" in html
    assert "รหัสอำเภอ หรือ อำเภอ" in html


def test_the_import_page_explains_the_columns_without_pointing_to_docs(admin_client):
    html = admin_client.get("/admin/organisations/import/").content.decode()
    assert "docs/" not in html
    assert "รหัส อปท." in html

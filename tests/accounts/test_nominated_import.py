import io
import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from accounts.models import ConsentRecord, Role, User
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

HEADER = ["อีเมล", "คำนำหน้า", "ชื่อ", "นามสกุล", "ตำแหน่ง", "โทรศัพท์", "รหัส อปท."]


def _xlsx(rows, header=HEADER):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("nominated.xlsx", buffer.getvalue())


@pytest.fixture
def lao():
    return OrganisationFactory(dla_code="5010101", name_th="เทศบาลนครเชียงใหม่")


@pytest.fixture
def trainer_client(client):
    client.force_login(UserFactory(role=Role.TRAINER, organisation=None))
    return client


def test_preview_then_confirm_creates_inactive_accounts_and_sends_invitations(
    trainer_client, lao, django_capture_on_commit_callbacks
):
    UserFactory(email="already@example.com")
    upload = _xlsx(
        [
            ["somsri@example.com", "นางสาว", "สมศรี", "ใจดี", "นักวิชาการ", "081-234-5678", 5010101],
            ["Already@Example.com", "นาย", "มีแล้ว", "บัญชี", "", "", "5010101"],
            ["SOMSRI@example.com", "นางสาว", "สมศรี", "ซ้ำ", "", "", "5010101"],
            ["somchai@example.com", "นาย", "สมชาย", "รักดี", "", "", "5010101"],
        ]
    )
    response = trainer_client.post("/manage/participants/import/", {"file": upload})
    report = response.context["report"]
    assert (report.new, report.skipped, report.problems) == (2, 2, [])
    notes = {note.line: note.messages[0] for note in report.notes}
    assert "มีบัญชีอยู่แล้ว" in notes[3]
    assert "ซ้ำกับแถวที่ 2" in notes[4]
    assert not User.objects.filter(email="somsri@example.com").exists()  # preview only
    assert not mail.outbox

    with django_capture_on_commit_callbacks(execute=True):
        response = trainer_client.post(
            "/manage/participants/import/", {"token": response.context["token"]}
        )
    assert response.status_code == 302
    somsri = User.objects.get(email="somsri@example.com")
    assert not somsri.is_active
    assert not somsri.has_usable_password()
    assert somsri.organisation == lao and somsri.phone == "0812345678"
    assert somsri.full_name_th == "นางสาวสมศรี ใจดี"
    assert not EmailAddress.objects.get(user=somsri).verified
    assert not ConsentRecord.objects.filter(user=somsri).exists()  # nobody consents for her
    assert sorted(m.to[0] for m in mail.outbox) == ["somchai@example.com", "somsri@example.com"]
    assert User.objects.filter(email__iexact="already@example.com").count() == 1


def test_one_bad_row_saves_nothing_and_every_problem_is_named(trainer_client, lao):
    upload = _xlsx(
        [
            ["ok@example.com", "นาย", "ถูกต้อง", "ดี", "", "", "5010101"],
            ["not-an-email", "นาย", "อีเมล", "ผิด", "", "", "5010101"],
            ["b@example.com", "Mr", "John", "Smith", "", "", "5010101"],
            ["c@example.com", "นาย", "ไม่มี", "อปท", "", "", "9999999"],
            ["d@example.com", "นาย", "โทร", "ผิด", "", "12", "5010101"],
        ]
    )
    response = trainer_client.post("/manage/participants/import/", {"file": upload})
    report = response.context["report"]
    messages = {p.line: " ".join(p.messages) for p in report.problems}
    assert sorted(messages) == [3, 4, 5, 6]
    assert "ไม่ใช่อีเมลที่ถูกต้อง" in messages[3]
    assert "กรุณากรอกชื่อเป็นภาษาไทย" in messages[4]
    assert "ไม่พบ อปท. ที่มีรหัส “9999999”" in messages[5]
    assert "ไม่ใช่หมายเลขโทรศัพท์" in messages[6]
    assert response.context["token"] == ""
    assert not User.objects.filter(email="ok@example.com").exists()


def test_participants_cannot_import_and_the_template_downloads(trainer_client):
    from django.test import Client

    participant = Client()
    participant.force_login(UserFactory(role=Role.PARTICIPANT))
    assert participant.get("/manage/participants/import/").status_code == 403
    response = trainer_client.get("/manage/participants/import/template.xlsx")
    header = next(load_workbook(io.BytesIO(response.content)).active.values)
    assert header[:3] == ("อีเมล", "คำนำหน้า", "ชื่อ")


def test_the_invitation_sets_a_password_records_consent_and_logs_in(
    client, lao, django_capture_on_commit_callbacks
):
    from accounts.services import invite_participant

    with django_capture_on_commit_callbacks(execute=True):
        user = invite_participant(
            email="nominee@example.com",
            profile={
                "prefix": "นาย",
                "first_name": "ได้รับ",
                "last_name": "เชิญ",
                "organisation": lao,
            },
            invited_by=None,
        )
    [message] = mail.outbox
    assert "คำเชิญ" in message.subject
    assert "เทศบาลนครเชียงใหม่" in message.body
    path = re.search(r"http://testserver(/invitation/[^\s]+)", message.body).group(1)

    html = client.get(path).content.decode()
    assert "นายได้รับ เชิญ" in html and "ผู้ควบคุมข้อมูลส่วนบุคคล" in html
    response = client.post(path, {"password1": "Ch1angMai-2569!", "password2": "Ch1angMai-2569!"})
    assert "กรุณาทำเครื่องหมายในช่องให้ความยินยอม" in response.content.decode()
    user.refresh_from_db()
    assert not user.is_active

    response = client.post(
        path,
        {"password1": "Ch1angMai-2569!", "password2": "Ch1angMai-2569!", "consent_training": "on"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.is_active and user.check_password("Ch1angMai-2569!")
    assert EmailAddress.objects.get(user=user).verified
    assert ConsentRecord.objects.filter(user=user, purpose="training").exists()
    assert client.get("/my-training/").status_code == 200
    # The link works once.
    client.logout()
    assert "ไม่ถูกต้องหรือหมดอายุ" in client.get(path).content.decode()


def test_a_forged_invitation_link_is_refused(client):
    user = UserFactory(is_active=False)
    html = client.get(f"/invitation/{user.pk}/abc-def/").content.decode()
    assert "ไม่ถูกต้องหรือหมดอายุ" in html
    html = client.get("/invitation/!!/abc/").content.decode()
    assert "ไม่ถูกต้องหรือหมดอายุ" in html

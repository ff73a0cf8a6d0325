import datetime
import io
import json
import re
from pathlib import Path
from urllib.parse import quote_plus, unquote_plus

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from openpyxl import load_workbook
from wagtail import hooks
from wagtail.models import ModelLogEntry

from accounts.models import ConsentPurpose, ConsentRecord, User
from accounts.personal_data import (
    ACCOUNT_ERASURE_HOOK,
    PERSONAL_DATA_EXPORT_HOOK,
    identifiers_of,
    scrub_value,
)
from accounts.services import AccountError, erase_account, give_consent, withdraw_consent
from courses.models import Enrolment, EnrolmentStatus
from courses.services import enrol_participant
from tests.accounts.factories import ReadyParticipantFactory
from tests.factories import RoundFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_optional_consents_are_given_and_withdrawn_separately_with_history(client):
    user = ReadyParticipantFactory()
    client.force_login(user)
    client.post("/me/privacy/", {"purpose": "news", "action": "give"})
    client.post("/me/privacy/", {"purpose": "news", "action": "withdraw"})
    client.post("/me/privacy/", {"purpose": "news", "action": "give"})
    news = ConsentRecord.objects.filter(user=user, purpose=ConsentPurpose.NEWS).order_by("pk")
    assert [record.withdrawn_at is None for record in news] == [False, True]
    assert ConsentRecord.objects.get(user=user, purpose=ConsentPurpose.TRAINING).is_active
    html = client.get("/me/privacy/").content.decode()
    assert "ประวัติความยินยอมของฉัน" in html
    assert html.count("ถอนความยินยอม</button>") == 2


def test_withdrawing_a_consent_not_given_is_refused_in_thai(client):
    user = ReadyParticipantFactory()
    client.force_login(user)
    response = client.post("/me/privacy/", {"purpose": "survey", "action": "withdraw"}, follow=True)
    assert "ไม่มีสิ่งที่ต้องถอน" in response.content.decode()
    with pytest.raises(AccountError):
        withdraw_consent(user=user, purpose="no-such-purpose")


def test_giving_a_consent_twice_keeps_one_record():
    user = UserFactory()
    first = give_consent(user=user, purpose=ConsentPurpose.NEWS)
    assert give_consent(user=user, purpose=ConsentPurpose.NEWS) == first


def test_withdrawing_the_training_consent_frees_upcoming_seats_and_blocks_enrolment():
    round_ = RoundFactory(capacity=1)
    past = RoundFactory(
        number=2,
        starts_at=timezone.now() - datetime.timedelta(days=3),
        ends_at=timezone.now() - datetime.timedelta(days=3, hours=-3),
        registration_opens_at=timezone.now() - datetime.timedelta(days=30),
        registration_closes_at=timezone.now() - datetime.timedelta(days=4),
    )
    user = ReadyParticipantFactory()
    waiting = ReadyParticipantFactory()
    seat = enrol_participant(user=user, round_=round_)
    Enrolment.objects.create(user=user, round=past, status=EnrolmentStatus.ENROLLED)
    enrol_participant(user=waiting, round_=round_)

    withdraw_consent(user=user, purpose=ConsentPurpose.TRAINING)

    seat.refresh_from_db()
    assert seat.status == EnrolmentStatus.CANCELLED
    assert Enrolment.objects.get(user=waiting).status == EnrolmentStatus.ENROLLED
    assert Enrolment.objects.get(user=user, round=past).status == EnrolmentStatus.ENROLLED
    from courses.services import EnrolmentError

    with pytest.raises(EnrolmentError) as error:
        enrol_participant(user=user, round_=round_, require_ready=True)
    assert error.value.code == "consent_missing"


def test_download_my_data_as_json_and_xlsx(client):
    user = ReadyParticipantFactory(line_id="somsri.j", signup_src="circular-1114")
    enrol_participant(user=user, round_=RoundFactory(title="รอบทดสอบ"), src="circular-1114")
    other = UserFactory(email="someone-else@example.com")
    enrol_participant(user=other, round_=RoundFactory())
    client.force_login(user)

    response = client.get("/me/privacy/my-data.json")
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)["sections"]
    assert data["profile"]["rows"][0]["email"] == user.email
    assert data["profile"]["rows"][0]["line_id"] == "somsri.j"
    assert data["profile"]["rows"][0]["lao_province"] == "เชียงใหม่"
    assert [row["purpose"] for row in data["consents"]["rows"]] == ["training"]
    assert [row["round_title"] for row in data["enrolments"]["rows"]] == ["รอบทดสอบ"]
    assert "someone-else" not in response.content.decode()

    response = client.get("/me/privacy/my-data.xlsx")
    workbook = load_workbook(io.BytesIO(response.content))
    assert {"profile", "consents", "enrolments"} <= set(workbook.sheetnames)
    sheet = workbook["enrolments"]
    headers = [cell.value for cell in sheet[2]]
    assert sheet.cell(row=3, column=headers.index("round_title") + 1).value == "รอบทดสอบ"
    assert client.get("/me/privacy/my-data.pdf").status_code == 404


def test_deleting_my_account_erases_personal_data_and_keeps_anonymous_counts(client):
    round_ = RoundFactory(capacity=1)
    user = ReadyParticipantFactory(
        prefix="นาง", first_name="ลบได้", last_name="แน่นอน", phone="0812345678", line_id="gone"
    )
    organisation = user.organisation
    enrol_participant(user=user, round_=round_)
    waiting = UserFactory()
    enrol_participant(user=waiting, round_=round_)
    client.force_login(user)
    response = client.post("/me/delete/", {"confirm": "wrong@example.com"})
    assert "ไม่ใช่อีเมลของบัญชีท่าน" in response.content.decode()
    assert User.objects.get(pk=user.pk).erased_at is None

    response = client.post("/me/delete/", {"confirm": user.email.upper()})
    assert response.status_code == 302
    from django.contrib.messages import get_messages

    [message] = get_messages(response.wsgi_request)
    assert "ลบบัญชีและข้อมูลส่วนบุคคลของท่านแล้ว" in str(message)
    erased = User.objects.get(pk=user.pk)
    assert erased.erased_at is not None
    assert (erased.prefix, erased.first_name, erased.last_name) == ("", "", "")
    assert (erased.phone, erased.line_id, erased.position) == ("", "", "")
    assert erased.email.endswith("@erased.invalid")
    assert not erased.is_active and not erased.has_usable_password()
    assert erased.organisation == organisation  # counts per LAO stay right
    assert not EmailAddress.objects.filter(user=erased).exists()
    assert not ConsentRecord.objects.filter(user=erased).active().exists()
    # The seat went to the next person; the enrolment row stays for the counts.
    assert Enrolment.objects.filter(round=round_).count() == 2
    assert Enrolment.objects.get(user=waiting).status == EnrolmentStatus.ENROLLED
    # Nothing in the audit log still names the person.
    labels = ModelLogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(User), object_id=str(user.pk)
    ).values_list("label", flat=True)
    assert labels and all(label == erased.email for label in labels)
    # Logged out and unable to log in again.
    assert client.get("/my-training/").status_code == 302
    assert not client.login(email=user.email, password="test-password-2569")


def test_staff_accounts_are_not_deleted_from_the_self_service_page():
    admin = UserFactory(is_staff=True)
    with pytest.raises(AccountError) as error:
        erase_account(user=admin)
    assert error.value.code == "staff_account"
    erase_account(user=(user := UserFactory()))
    with pytest.raises(AccountError):
        erase_account(user=user)


def test_the_privacy_notice_page_names_the_controller_rights_and_version(client):
    html = client.get("/privacy-notice/").content.decode()
    for expected in ("ผู้ควบคุมข้อมูลส่วนบุคคล", "ฐานทางกฎหมาย", "ระยะเวลาเก็บรักษา", "สิทธิของท่าน", "2569-1"):
        assert expected in html


# --- The hooks, the docs and the scrubbing ------------------------------------------------

DOC = Path(settings.BASE_DIR) / "docs" / "pdpa.md"


def hook_apps(hook_name: str) -> set[str]:
    return {
        apps.get_containing_app_config(hook.__module__).label for hook in hooks.get_hooks(hook_name)
    }


def test_docs_pdpa_has_a_row_for_every_app_that_registers_a_personal_data_hook():
    table = DOC.read_text(encoding="utf-8").split("## Per app", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"^\| `([a-z_]+)` \|", table, re.MULTILINE))
    registered = hook_apps(PERSONAL_DATA_EXPORT_HOOK) | hook_apps(ACCOUNT_ERASURE_HOOK)
    assert registered == documented


def test_docs_pdpa_names_exactly_the_sections_each_app_exports(client):
    """The "download my data" column of each app's row lists the sections its hooks give,
    and the download holds exactly the sections the table lists."""
    table = DOC.read_text(encoding="utf-8").split("## Per app", 1)[1].split("\n## ", 1)[0]
    documented = {
        app: set(re.findall(r"`([a-z_]+)`", sections))
        for app, sections in re.findall(r"^\| `([a-z_]+)` \| ([^|]+) \|", table, re.MULTILINE)
    }
    user = ReadyParticipantFactory()
    exported: dict[str, set] = {}
    for hook in hooks.get_hooks(PERSONAL_DATA_EXPORT_HOOK):
        app = apps.get_containing_app_config(hook.__module__).label
        exported.setdefault(app, set()).update(section.key for section in hook(user) or [])
    for app, keys in exported.items():
        assert keys <= documented[app], app
    client.force_login(user)
    downloaded = set(json.loads(client.get("/me/privacy/my-data.json").content)["sections"])
    assert downloaded == set().union(*documented.values())


def test_every_app_with_a_model_about_a_person_registers_export_and_erasure():
    """A new model pointing at a user must come with its app's two PDPA hooks."""
    user_model = get_user_model()
    holding = set()
    for model in apps.get_models():
        config = model._meta.app_config
        if Path(config.path).parent != Path(settings.BASE_DIR):
            continue  # a library's model: accounts looks after the ones that name people
        # Fields declared here, not inherited from Wagtail's Page (owner, locked_by).
        fields = [*model._meta.fields, *model._meta.many_to_many]
        if any(f.related_model is user_model and f.model is model for f in fields):
            holding.add(config.label)
    assert {"courses", "training_sessions", "assessments", "sar", "certificates"} <= holding
    assert holding <= hook_apps(PERSONAL_DATA_EXPORT_HOOK)
    assert holding <= hook_apps(ACCOUNT_ERASURE_HOOK)


def test_identifiers_are_found_as_typed_json_escaped_and_url_encoded():
    user = UserFactory(
        prefix="นาง",
        first_name="วิไลวรรณ",
        last_name="ศรีสุขสันต์",
        first_name_en="Wilaiwan",
        last_name_en="Srisuksan",
        email="wilai@example.go.th",
        phone="089-765-4321",
        line_id="wi",
    )
    found = identifiers_of(user)
    assert "นางวิไลวรรณ ศรีสุขสันต์" in found.names and "Wilaiwan Srisuksan" in found.names
    assert {"089-765-4321", "0897654321", "wilai@example.go.th"} <= set(found.contacts)
    # A two-letter LINE ID could be part of anything: only the person's own rows lose it.
    assert "wi" in found.parts and "wi" not in found.whole
    escaped = json.dumps({"name": "นางวิไลวรรณ ศรีสุขสันต์ (อบต.)"})  # ASCII, as SQLite keeps it
    assert "\\u0e27" in escaped
    form_body = "event=" + quote_plus(json.dumps([{"user": {"name": "นางวิไลวรรณ ศรีสุขสันต์"}}]))
    scrubbed = scrub_value(
        {"raw": escaped, "body": form_body, "mail": "To: WILAI@example.go.th", "n": 3},
        found.whole,
    )
    assert json.loads(scrubbed["raw"]) == {"name": "[erased] (อบต.)"}
    assert json.loads(unquote_plus(scrubbed["body"]).removeprefix("event=")) == [
        {"user": {"name": "[erased]"}}
    ]
    assert scrubbed["mail"] == "To: [erased]" and scrubbed["n"] == 3
    # Whole names only: a namesake's "วิไลวรรณ ทองดี" is left alone.
    assert scrub_value("วิไลวรรณ ทองดี", found.whole) == "วิไลวรรณ ทองดี"
    assert scrub_value("วิไลวรรณ ทองดี", found.every) == "[erased] ทองดี"

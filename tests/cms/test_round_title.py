"""One title per round, from one source (``Round.title_in``): its CMS page, the programme
page's card, enrolment, my training, the confirmation e-mail, the reports and the verify
page all show the round's own title, whatever its page was once called."""

import datetime
import re

import pytest
import time_machine
from django.core import mail
from django.utils import timezone
from wagtail.models import Locale, Page, Site
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from accounts.models import Role
from certificates.services import issue_certificate
from cms.forms import RoundPageForm
from cms.models import HomePage, ProgrammePage, RoundPage
from core.thai import to_thai_digits
from courses.services import enrol_participant
from tests.certificates.conftest import certificate_files, evidence  # noqa: F401 (fixtures)
from tests.certificates.factories import CompletionPolicyFactory
from tests.factories import OrganisationFactory, ProgrammeFactory, RoundFactory, UserFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 20, 9, 0, tzinfo=datetime.UTC)
TITLE = "เมืองสิ่งแวดล้อมยั่งยืนกับระบบประเมินตนเอง"
TITLE_EN = "Sustainable environmental cities and the self-assessment"
NUMBERED = f"ครั้งที่ 1: {TITLE}"
STRAY = "ชื่อหน้าเก่าที่ไม่ตรงกับครั้งที่อบรม"


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def round_(frozen):
    programme = ProgrammeFactory(code="esc-title", title="โครงการอบรม", title_en="The programme")
    return RoundFactory(
        programme=programme,
        number=1,
        title=TITLE,
        title_en=TITLE_EN,
        starts_at=timezone.now() + datetime.timedelta(days=7),
        registration_opens_at=timezone.now() - datetime.timedelta(days=1),
    )


@pytest.fixture
def pages(round_):
    """A site whose round page was saved long ago under another title."""
    thai = Locale.objects.get_or_create(language_code="th")[0]
    home = Page.get_first_root_node().add_child(
        instance=HomePage(title="หน้าแรก", slug="title-home", locale=thai)
    )
    Site.objects.update_or_create(
        is_default_site=True, defaults={"hostname": "localhost", "port": 80, "root_page": home}
    )
    programme_page = home.add_child(
        instance=ProgrammePage(
            title="โครงการ", slug="programme", programme=round_.programme, locale=thai
        )
    )
    round_page = programme_page.add_child(
        instance=RoundPage(title=STRAY, slug="round-1", round=round_, locale=thai)
    )
    return programme_page, round_page


def visible(html: str) -> str:
    """The page's text as a person reads it (tags out, spaces folded)."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_every_place_shows_the_rounds_one_title(
    client,
    round_,
    pages,
    evidence,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    participant = UserFactory(organisation=OrganisationFactory())
    client.force_login(participant)

    round_page = visible(client.get("/programme/round-1/").content.decode())
    assert NUMBERED in round_page
    assert STRAY not in round_page
    programme_page = visible(client.get("/programme/").content.decode())
    assert TITLE in programme_page and STRAY not in programme_page

    enrol_page = visible(client.get("/enrol/esc-title/").content.decode())
    assert "ครั้งที่ 1" in enrol_page and TITLE in enrol_page

    with django_capture_on_commit_callbacks(execute=True):
        enrol_participant(user=participant, round_=round_)
    e_mail = mail.outbox[-1]
    # E-mails are formal documents: their numbers in Thai digits (docs/development.md).
    assert to_thai_digits(NUMBERED) in e_mail.body
    assert to_thai_digits(NUMBERED) in visible(e_mail.alternatives[0][0])

    my_training = visible(client.get("/my-training/").content.decode())
    assert "ครั้งที่ 1" in my_training and TITLE in my_training

    client.force_login(
        UserFactory(role=Role.DLA_ADMIN, organisation=None, is_staff=True, is_superuser=True)
    )
    report = client.get("/reports/export/rounds.csv").content.decode("utf-8-sig")
    # The report names the round "ครั้งที่ 1" and gives the title a column of its own.
    assert "ครั้งที่ 1" in report and TITLE in report

    policy = CompletionPolicyFactory(programme=round_.programme, round=round_)
    certificate = issue_certificate(policy=policy, user=participant, render=False).certificate
    verify = visible(client.get(f"/verify/{certificate.display_code}/").content.decode())
    assert NUMBERED in verify
    english = visible(client.get(f"/en/verify/{certificate.display_code}/").content.decode())
    assert f"Round 1: {TITLE_EN}" in english


def test_english_pages_show_the_english_title_where_there_is_one(client, round_, pages):
    participant = UserFactory(organisation=OrganisationFactory())
    enrol_participant(user=participant, round_=round_)
    client.force_login(participant)
    english = visible(client.get("/en/my-training/").content.decode())
    assert TITLE_EN in english and TITLE not in english
    round_.title_en = ""
    round_.save()
    assert TITLE in visible(client.get("/en/my-training/").content.decode())  # Thai otherwise


def test_saving_a_round_page_takes_the_title_from_its_round(round_, pages):
    _programme_page, round_page = pages
    form_class = RoundPage.get_edit_handler().get_form_class()
    assert issubclass(form_class, RoundPageForm)
    data = nested_form_data(
        {
            "title": "ชื่อที่พิมพ์เอง",
            "slug": "round-1",
            "round": round_.pk,
            "summary": rich_text(""),
            "agenda": streamfield([]),
            "speakers": streamfield([]),
            "materials": streamfield([]),
        }
    )
    form = form_class(data, instance=round_page, for_user=UserFactory(is_superuser=True))
    assert form.is_valid(), form.errors
    assert form.save(commit=False).title == TITLE

"""Every page and e-mail a participant meets is in Thai, written the Thai way (issue 15).

The walk renders each participant-facing page and e-mail with ``DEBUG=False`` in Thai and
reads its visible text (no ``<script>``/``<style>``; ``title``, ``aria-label``,
``placeholder`` and ``alt`` count as visible). It fails on

- an English word outside ``ALLOWED_ENGLISH`` (brand names, SAR, BBB, LINE, units, e-mail
  addresses, URLs and code-like tokens pass), and
- a Western comma or full stop right after a Thai letter ("เชียงใหม่, ขอนแก่น",
  "ลงทะเบียนแล้ว."), except abbreviations (พ.ศ. ธ.ค. อ. ต. จ. น. ...) and numbers.

New pages cannot slip past: every named URL of the participant-facing apps is either
walked or excluded in ``NOT_WALKED`` with a reason, and every template under
``templates/*/email/`` must have been rendered by the e-mails this test triggers.

``PENDING_OTHER_HELPERS`` lists, per page, what other parallel branches of issue 15 fix;
each entry must still fail (so it is removed once the fix is merged).
"""

from __future__ import annotations

import datetime
import io
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.test.signals import template_rendered
from django.urls import URLPattern, URLResolver, get_resolver, resolve

# Wednesday 2 December 2026, 10:00 in Bangkok: the demo's rounds start next week.
FROZEN_NOW = datetime.datetime(2026, 12, 2, 3, 0, tzinfo=datetime.UTC)

# --- What counts as English and as Western punctuation ------------------------------------

# Words a Thai reader meets as they are: names of products and systems, acronyms used in
# Thai text, units, and the language switcher's own name for English.
ALLOWED_ENGLISH = {
    # brands and systems
    "BigBlueButton",
    "LINE",
    "Wagtail",
    "Excel",
    "Chrome",
    "Google",
    "Zoom",
    # acronyms used as they are in Thai documents
    "SAR",
    "BBB",
    "LPA",
    "GHG",
    "PDF",
    "QR",
    "CSV",
    "XLSX",
    "JSON",
    "OTP",
    "PDPA",
    "DLA",
    "DCCE",
    "ESC",
    "CO",  # CO₂ / CO2e written with a subscript
    "CO2",
    "CO2e",
    "e",  # the "e" of CO₂e
    "LAO",
    "ID",
    "URL",
    # technical acronyms Thai environmental writing uses as they are
    "LPG",
    "NGV",
    "LED",
    "BOD",
    "COD",
    "IPCC",
    "GWP",
    "TGO",
    "CFO",
    "PM",
    # units
    "km",
    "kg",
    "t",
    "tCO2e",
    "kWh",
    "MWh",
    "m",
    "m2",
    "m3",
    "ha",
    "l",
    "L",
    "MB",
    "KB",
    # the language switcher names each language in itself
    "English",
    "EN",
    "TH",
}

THAI_LETTER = "\u0e01-\u0e4f"  # Thai letters, vowels and marks; not the digits ๐–๙
EMAIL_OR_URL = re.compile(
    r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"  # e-mail address
    r"|(?:https?://|www\.)\S+"  # URL
    r"|(?<![\w/])/[\w./?=&%#-]*"  # path
    r"|(?<!\w)\.[A-Za-z0-9]{2,5}\b"  # a file type: ".ics", ".xlsx"
)
WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*[A-Za-z]|[A-Za-z]")
# Tokens next to a digit, an underscore or a dot/slash inside a word are codes, not words:
# "esc-2569", "ESC-2569-000123", "v2", "file.xlsx", "mt_0820".
CODE_LIKE = re.compile(r"\S*(?:\d|_|\w[./]\w)\S*|[\W]*[A-Z]+(?:-[A-Z]+)+[\W]*")
# An English gloss in brackets after a Thai term, as Thai technical writing gives it:
# "ค่าการปล่อยก๊าซเรือนกระจก (emission factor)".
GLOSS = re.compile(r"(?<=[\u0e01-\u0e4f]) \([A-Za-z][A-Za-z -]*\)")

# Thai abbreviations written with full stops (months, eras, addresses, titles, time).
THAI_ABBREVIATIONS = {
    "พ.ศ.",
    "ค.ศ.",
    "ม.ค.",
    "ก.พ.",
    "มี.ค.",
    "เม.ย.",
    "พ.ค.",
    "มิ.ย.",
    "ก.ค.",
    "ส.ค.",
    "ก.ย.",
    "ต.ค.",
    "พ.ย.",
    "ธ.ค.",
    "อ.",
    "ต.",
    "จ.",
    "น.",
    "ถ.",
    "ม.",
    "ดร.",
    "ผศ.",
    "รศ.",
    "ศ.",
    "อปท.",
    "สถ.",
    "ทส.",
    "กทม.",
    "นส.",
    "ว.",
    "ที่.",
}
# A run of Thai letters ending in "." or ",": the run (with inner dots for "พ.ศ.") and the mark.
THAI_THEN_MARK = re.compile(rf"((?:[{THAI_LETTER}]+\.)*[{THAI_LETTER}]+)([.,])(?!\d)")


def english_words(text: str) -> list[str]:
    """The English words in ``text`` that are not allowed."""
    text = EMAIL_OR_URL.sub(" ", text)
    text = GLOSS.sub(" ", text)
    found = []
    for token in text.split():
        if CODE_LIKE.fullmatch(token):
            continue
        for word in WORD.findall(token):
            if word not in ALLOWED_ENGLISH:
                found.append(word)
    return found


def western_punctuation(text: str) -> list[str]:
    """Commas and full stops written right after Thai letters, with a little context."""
    found = []
    for match in THAI_THEN_MARK.finditer(text):
        run, mark = match.groups()
        if mark == "." and text[match.end() : match.end() + 2] == "..":
            continue  # an ellipsis ("กำลังบันทึก...") is fine in Thai
        if mark == "." and _is_abbreviation(run + "."):
            continue
        start = max(0, match.start() - 20)
        found.append(text[start : match.end() + 10].strip())
    return found


THAI_MARKS = re.compile("[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]")


def _is_abbreviation(candidate: str) -> bool:
    """พ.ศ., ธ.ค., อบต., ตร.ม., กฟภ. ...: each dotted part has at most three letters (tone
    marks and vowels above or below not counted); a Thai sentence's last word, glued to
    the words before it, is longer."""
    if candidate in THAI_ABBREVIATIONS:
        return True
    parts = candidate.rstrip(".").split(".")
    return all(0 < len(THAI_MARKS.sub("", part)) <= 3 for part in parts)


class VisibleText(HTMLParser):
    """The text a person sees (or hears from a screen reader) on an HTML page."""

    HIDDEN = {"script", "style", "template", "svg"}
    SPOKEN_ATTRIBUTES = ("title", "aria-label", "placeholder", "alt")

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden_depth = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self.hidden_depth += 1
            return
        values = dict(attrs)
        for name in self.SPOKEN_ATTRIBUTES:
            if values.get(name):
                self.parts.append(values[name])
        if tag == "input" and values.get("type") in {"submit", "button", "reset"}:
            self.parts.append(values.get("value") or "")
        self.parts.append("\n")

    def handle_startendtag(self, tag, attrs):
        if tag not in self.HIDDEN:
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if tag in self.HIDDEN:
            self.hidden_depth = max(0, self.hidden_depth - 1)
        self.parts.append("\n")

    def handle_data(self, data):
        if not self.hidden_depth:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    parser.close()
    return "".join(parser.parts)


def problems_in(text: str) -> list[str]:
    problems = []
    for line in text.splitlines():
        line = " ".join(line.split())
        if not line:
            continue
        problems += [f"English {word!r} in {line[:90]!r}" for word in english_words(line)]
        problems += [f"Western punctuation in {bit!r}" for bit in western_punctuation(line)]
    return problems


# --- The walk's coverage: what is walked elsewhere or not participant-facing ----------------

# URL namespaces (and allauth's names) a participant can reach.
PARTICIPANT_NAMESPACES = {
    "accounts",
    "courses",
    "training_sessions",
    "assessments",
    "sar",
    "certificates",
    "line",
    "cms",
}

NOT_WALKED = {
    # not pages: JSON, files and form posts that answer with a redirect
    "accounts:district_options": "HTML fragment for the LAO picker (no page of its own)",
    "accounts:lao_options": "HTML fragment for the LAO picker (no page of its own)",
    "accounts:lao_search": "HTML fragment for the LAO picker (no page of its own)",
    "accounts:download_my_data": "a JSON/CSV file of the person's own data",
    "accounts:nominated_import": "staff: coordinators import nominated participants",
    "accounts:nominated_template": "staff: an .xlsx template",
    "courses:programme_link": "a redirect to the programme page (walked through it)",
    "courses:round_link": "a redirect to the round page (walked through it)",
    "courses:managed_rounds": "staff: trainers and coordinators",
    "courses:round_enrolments": "staff: trainers and coordinators",
    "training_sessions:status": "JSON polled by the join page",
    "training_sessions:console": "staff: the trainer console",
    "training_sessions:roster": "staff: the trainer console",
    "training_sessions:roster_mark": "staff: the trainer console",
    "training_sessions:end": "staff: the trainer console",
    "training_sessions:mark": "staff: the trainer console",
    "training_sessions:co_viewer": "staff: the trainer console",
    "training_sessions:reconcile": "staff: the trainer console",
    "training_sessions:recordings_refresh": "staff: the trainer console",
    "training_sessions:export": "staff: the trainer console",
    "training_sessions:import": "staff: the trainer console",
    "training_sessions:import_preview": "staff: the trainer console",
    "assessments:start": "a form post that redirects to the attempt",
    "assessments:result": "the result page, walked through the attempt's redirect (name-less)",
    "accounts:resend_verification": "a form post that redirects to the check-your-e-mail page",
    "assessments:answer": "JSON saved as the participant answers",
    "sar:activity_add": "a form post that redirects to the GHG section",
    "sar:activity_delete": "a form post that redirects to the GHG section",
    "sar:create": "a form post (the form is on the sandbox home page)",
    "sar:export": "an .xlsx file",
    "sar:export_json": "a JSON file",
    "sar:class": "staff: the trainer's view of a class's exercises",
    "certificates:download": "a PDF (its text is checked in tests/certificates)",
    "line:round_calendar": "an .ics file",
    "line:quota": "staff: LINE quota",
    "cms:my_rounds": "staff: the trainer's rounds",
    # allauth
    "account_reauthenticate": "needs a recent log-in; the same form as the log-in page",
    "account_inactive": "for accounts an administrator deactivated (not reachable by login)",
    "account_set_password": "only for accounts without a password (LINE-only sign-up)",
    "account_confirm_login_code": "log-in by e-mailed code is not enabled",
    "account_confirm_reauthentication_code": "log-in by e-mailed code is not enabled",
    "account_request_reauthentication_code": "log-in by e-mailed code is not enabled",
}

# Failures another branch fixes: remove an entry when its fix is merged (the test fails
# while an entry no longer finds a problem). Empty: every branch of issue 15 has landed.
PENDING_OTHER_HELPERS: dict[str, str] = {}


# --- The walk ---------------------------------------------------------------------------


class Walk:
    """Pages fetched and e-mails sent, with the problems found in each."""

    def __init__(self, client):
        self.client = client
        self.problems: dict[str, list[str]] = {}
        self.walked_names: set[str] = set()

    def page(self, label: str, path: str, *, expect=(200,), method="get", data=None, **extra):
        response = getattr(self.client, method)(path, data or {}, **extra)
        assert response.status_code in expect, (label, path, response.status_code)
        match = resolve(urlsplit(path).path)
        self.walked_names.add(match.view_name)
        self.check_html(label, response.content.decode())
        return response

    def check_html(self, label: str, html: str):
        self.problems[label] = problems_in(visible_text(html))

    def check_mail(self, label: str, message):
        body_text = message.body
        html = next(
            (
                content
                for content, mimetype in getattr(message, "alternatives", [])
                if mimetype == "text/html"
            ),
            "",
        )
        problems = problems_in(message.subject)
        problems += problems_in(body_text)
        problems += problems_in(visible_text(html))
        self.problems[label] = problems


@pytest.fixture
def frozen():
    with time_machine.travel(FROZEN_NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def walk_site(db, frozen, settings):
    """The demo site (seed_demo) with the demo participant enrolled in rounds 1 and 2."""
    from accounts.models import Role, User
    from courses.models import Programme
    from courses.services import enrol_participant

    settings.SITE_URL = "https://esc.dla.go.th"
    call_command("seed_demo", stdout=io.StringIO())
    participant = User.objects.get(role=Role.PARTICIPANT, email="participant@example.com")
    programme = Programme.objects.get(code="esc-2569")
    rounds = {round_.number: round_ for round_ in programme.rounds.all()}
    for number in (1, 2):
        enrol_participant(user=participant, round_=rounds[number])
    return {"participant": participant, "programme": programme, "rounds": rounds}


@pytest.fixture
def rendered_templates():
    names: set[str] = set()

    def remember(sender, template, context, **kwargs):
        names.add(template.name)

    template_rendered.connect(remember)
    yield names
    template_rendered.disconnect(remember)


def _link(text: str, start: str) -> str:
    match = re.search(re.escape(start) + r"[^\s\"'<>]+", text)
    assert match, f"no link starting {start!r} in the e-mail"
    return urlsplit(match.group(0)).path


def walk_participant_pages(walk: Walk, client, site: dict, frozen) -> None:
    """Every page a participant meets, from the home page to the certificate."""
    from wagtail.models import Page

    from assessments.models import Quiz, QuizKind
    from certificates.models import CompletionPolicy
    from certificates.services import issue_certificate, revoke_certificate
    from sar.models import Workspace

    participant, programme, rounds = site["participant"], site["programme"], site["rounds"]

    # Public pages, logged out: every live CMS page in Thai.
    for page in Page.objects.live().filter(depth__gt=1, locale__language_code="th").specific():
        walk.page(f"cms page {page.url_path}", page.url)
    walk.page("short link", f"/p/{programme.code}/", expect=(200,), follow=True)
    walk.page("privacy notice", "/privacy-notice/")
    walk.page("log-in", "/accounts/login/")
    walk.page(
        "log-in with a wrong password",
        "/accounts/login/",
        method="post",
        data={"login": participant.email, "password": "wrong"},
    )
    walk.page("sign-up", "/accounts/signup/")
    walk.page("password reset", "/accounts/password/reset/")
    walk.page("verify form", "/verify/")
    walk.page("verify: unknown code", "/verify/ZZZZ-ZZZZ-ZZZZ/", expect=(200, 404))
    walk.page("404", "/no-such-page/", expect=(404,))

    # A certificate: valid, then revoked (the verify page, my certificates).
    policy = CompletionPolicy.objects.filter(programme=programme).first()
    certificate = issue_certificate(
        policy=policy, user=participant, check_eligibility=False, notify=False, render=False
    ).certificate
    walk.page("verify: valid certificate", f"/verify/{certificate.display_code}/")

    client.force_login(participant)
    round1 = rounds[1]
    walk.page("my training", "/my-training/")
    walk.page("my certificates", "/my-certificates/")
    walk.page("profile", "/me/profile/")
    walk.page("privacy and consent", "/me/privacy/")
    walk.page("delete my account", "/me/delete/")
    walk.page("LINE settings", "/me/line/")
    walk.page("e-mail addresses", "/accounts/email/")
    walk.page("change password", "/accounts/password/change/")
    walk.page("log-out", "/accounts/logout/")
    walk.page("enrol", f"/enrol/{programme.code}/")
    enrolment = participant.enrolments.get(round=rounds[2])
    walk.page("cancel enrolment", f"/enrolments/{enrolment.pk}/cancel/")
    walk.page("live session", f"/live/{round1.pk}/")
    walk.page("join: too early", f"/live/{round1.pk}/join/")

    # The pre-test: the quiz page, the attempt, the result.
    quiz = Quiz.objects.get(round=round1, kind=QuizKind.PRE_TEST)
    walk.page("test page", f"/tests/{quiz.pk}/")
    response = client.post(f"/tests/{quiz.pk}/start/")
    assert response.status_code == 302, response.content
    attempt_path = response["Location"]
    walk.page("test: answering", attempt_path)
    response = client.post(attempt_path, {"action": "submit"})
    walk.page(
        "test: result",
        response["Location"] if response.status_code == 302 else attempt_path + "result/",
        expect=(200,),
        follow=True,
    )

    # The sandbox.
    workspace = Workspace.objects.filter(owner=participant).first()
    walk.page("sandbox", "/sandbox/")
    walk.page("sandbox: workspace", f"/sandbox/{workspace.pk}/")
    from sar.framework import get_framework

    for section in get_framework().sections:
        walk.page(
            f"sandbox: section {section.code}", f"/sandbox/{workspace.pk}/edit/{section.code}/"
        )
    walk.page("sandbox: results", f"/sandbox/{workspace.pk}/results/")
    walk.page("sandbox: results to print", f"/sandbox/{workspace.pk}/results/print/")
    walk.page("sandbox: reset", f"/sandbox/{workspace.pk}/reset/")
    for number, round_ in rounds.items():
        if get_framework().exercise_for_round(number):
            walk.page(f"sandbox: exercise of round {number}", f"/sandbox/exercise/{round_.pk}/")

    # The join page while the room is open, and once the round has ended.
    frozen.move_to(round1.starts_at + datetime.timedelta(minutes=5))
    walk.page("join: open", f"/live/{round1.pk}/join/")
    frozen.move_to(round1.ends_at + datetime.timedelta(hours=1))
    walk.page("join: ended", f"/live/{round1.pk}/join/")
    walk.page("live session: ended", f"/live/{round1.pk}/")
    walk.page("my training after the round", "/my-training/")

    revoke_certificate(
        certificate=certificate, reason="ข้อมูลการเข้าอบรมไม่ครบ", revoked_by=None, notify=False
    )
    walk.page("verify: revoked certificate", f"/verify/{certificate.display_code}/")
    walk.page("my certificates: revoked", "/my-certificates/")


def walk_emails(walk: Walk, client, site: dict, on_commit) -> None:
    """Every e-mail a participant gets, sent the way the platform sends it."""
    from accounts.tasks import send_invitation
    from certificates.models import CompletionPolicy
    from certificates.services import issue_certificate, revoke_certificate
    from courses import notices
    from courses.models import Enrolment, EnrolmentStatus
    from line import messages as line_messages
    from line.notify import _email_notice
    from tests.factories import UserFactory

    participant, programme, rounds = site["participant"], site["programme"], site["rounds"]

    def sent(label: str):
        assert mail.outbox, f"{label}: no e-mail sent"
        for message in mail.outbox:
            walk.check_mail(f"e-mail: {label}", message)
        mail.outbox.clear()
        return message

    client.logout()
    mail.outbox.clear()
    # allauth: sign up (verification), confirm, reset the password.
    walk.page(
        "sign-up: sent",
        "/accounts/signup/",
        method="post",
        data={**SIGNUP, "organisation": str(participant.organisation_id)},
        expect=(302,),
    )
    message = sent("verify your e-mail address")
    walk.page("check your e-mail", "/accounts/confirm-email/")
    walk.page("confirm e-mail", _link(message.body, "/accounts/confirm-email/"))
    client.logout()
    # Signing up again with an address that has an account: a form error, or (when
    # enumeration is prevented) the "account already exists" e-mail.
    again = {**SIGNUP, "organisation": str(participant.organisation_id), "email": participant.email}
    walk.page(
        "sign-up: address taken", "/accounts/signup/", method="post", data=again, expect=(200, 302)
    )
    if mail.outbox:
        sent("account already exists")
    client.logout()
    walk.page(
        "password reset: sent",
        "/accounts/password/reset/",
        method="post",
        data={"email": participant.email},
        expect=(302,),
    )
    message = sent("password reset")
    walk.page("password reset: done", "/accounts/password/reset/done/")
    response = walk.page(
        "password reset: new password",
        _link(message.body, "/accounts/password/reset/key/"),
        follow=True,
    )
    new_password = "Ch1angMai-2569-new!"
    response = client.post(
        response.redirect_chain[-1][0]
        if response.redirect_chain
        else _link(message.body, "/accounts/password/reset/key/"),
        {"password1": new_password, "password2": new_password},
    )
    assert response.status_code == 302, response.content
    walk.page("password reset: changed", response["Location"])
    if mail.outbox:  # allauth's "your password was changed" notice, when notifications are on
        sent("password changed")

    # allauth's other e-mails, through its adapter as allauth sends them: notices of changes
    # to the account, a link for an added address, and the two that answer an address
    # (already registered, unknown) where enumeration prevention is on.
    from allauth.account.adapter import get_adapter
    from allauth.core.context import request_context
    from django.test import RequestFactory

    # No User-Agent: the notice says in Thai that the browser gave none (a real one is the
    # browser's own words, as typed).
    request = RequestFactory().get("/")
    # allauth's adapter reads the request from its context (the client's IP, the browser).
    with request_context(request):
        adapter = get_adapter()
        notices_of_changes = {
            "account/email/email_changed": "e-mail address changed",
            "account/email/email_confirm": "e-mail address confirmed",
            "account/email/email_deleted": "e-mail address removed",
            "account/email/password_set": "password set",
            "account/email/password_changed": "password changed (notice)",
        }
        for prefix, label in notices_of_changes.items():
            adapter.send_notification_mail(
                prefix,
                participant,
                {
                    "from_email": "old@example.com",
                    "to_email": participant.email,
                    "deleted_email": "old@example.com",
                },
            )
            sent(label)
        site_url = settings.SITE_URL
        adapter.send_mail(
            "account/email/email_confirmation",
            participant.email,
            {
                "user": participant,
                "activate_url": f"{site_url}/accounts/confirm-email/k/",
                "key": "k",
            },
        )
        sent("confirm an added address")
        adapter.send_mail(
            "account/email/account_already_exists",
            participant.email,
            {
                "email": participant.email,
                "password_reset_url": f"{site_url}/accounts/password/reset/",
            },
        )
        sent("account already exists")
        adapter.send_mail(
            "account/email/unknown_account",
            "nobody@example.com",
            {"email": "nobody@example.com", "signup_url": f"{site_url}/accounts/signup/"},
        )
        sent("unknown account")

    # An invitation for a nominated officer, and the page its link opens.
    nominee = UserFactory(is_active=False, organisation=participant.organisation)
    send_invitation.call(user_id=nominee.pk)
    message = sent("invitation")
    walk.page("accept invitation", _link(message.body, "/invitation/"))

    # Enrolment: confirmed, wait-listed, promoted; reminders a day and an hour before.
    enrolled = participant.enrolments.get(round=rounds[1])
    notices.deliver_registration_notice(enrolment_ids=[enrolled.pk], fallback=True)
    sent("enrolment confirmed")
    waiting = Enrolment.objects.create(
        user=participant, round=rounds[3], status=EnrolmentStatus.WAITLISTED
    )
    notices.deliver_registration_notice(enrolment_ids=[waiting.pk], fallback=True)
    sent("wait-listed")
    Enrolment.objects.filter(pk=waiting.pk).update(status=EnrolmentStatus.ENROLLED)
    notices.deliver_promotion_notice(enrolment_id=waiting.pk, fallback=True)
    sent("promoted from the wait list")
    for kind in ("reminder_day", "reminder_hour"):
        notices.deliver_reminder(
            enrolment_id=enrolled.pk,
            kind=kind,
            starts_at=rounds[1].starts_at.isoformat(),
            fallback=True,
        )
        sent(kind)

    # A LINE notice sent by e-mail to someone without LINE.
    _email_notice(line_messages.room_open(rounds[1]))([participant.pk])
    sent("LINE notice by e-mail")

    # The certificate: ready, then revoked.
    policy = (
        CompletionPolicy.objects.filter(programme=programme)
        .exclude(certificates__user=participant, certificates__status="valid")
        .first()
    )
    with on_commit(execute=True):
        certificate = issue_certificate(
            policy=policy, user=participant, check_eligibility=False, render=False
        ).certificate
    sent("certificate ready")
    with on_commit(execute=True):
        revoke_certificate(certificate=certificate, reason="ข้อมูลการเข้าอบรมไม่ครบ", revoked_by=None)
    sent("certificate revoked")


SIGNUP = {
    "province": "50",
    "district": "5001",  # the demo participant's LAO is in Mueang Chiang Mai
    "prefix": "นางสาว",
    "prefix_other": "",
    "first_name": "สมศรี",
    "last_name": "ใจดี",
    "first_name_en": "",
    "last_name_en": "",
    "position": "นักวิชาการสิ่งแวดล้อมปฏิบัติการ",
    "phone": "081-234-5678",
    "line_id": "",
    "email": "somsri@example.com",
    "password1": "Kh0nKaen-2569!",
    "password2": "Kh0nKaen-2569!",
    "consent_training": "on",
    "src": "",
}


def walk_error_pages(walk: Walk, client, site: dict) -> None:
    """403, 400, CSRF failure, 404 (walked above), 500 and 503 as a participant meets them."""
    from django.test import Client, RequestFactory

    from config.outage import database_unavailable, server_error

    site["participant"].refresh_from_db()  # its password was reset in the e-mail walk
    client.force_login(site["participant"])
    walk.page("403", "/reports/", expect=(403,))
    walk.page("400", "/my-training/", expect=(400,), HTTP_HOST="bad host!")
    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/accounts/login/", {"login": "x@example.com", "password": "x"})
    assert response.status_code == 403
    walk.check_html("CSRF failure", response.content.decode())
    request = RequestFactory().get("/")
    walk.check_html("500", server_error(request).content.decode())
    walk.check_html("503", database_unavailable(request).content.decode())


def participant_url_names() -> set[str]:
    """Every named URL of the participant-facing apps and of allauth's account pages."""
    names = set()

    def visit(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = namespace
                if pattern.namespace:
                    inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
                visit(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                if namespace in PARTICIPANT_NAMESPACES or (
                    not namespace and pattern.name.startswith("account_")
                ):
                    names.add(name)

    visit(get_resolver().url_patterns, "")
    return names


def email_templates() -> set[str]:
    root = Path(settings.BASE_DIR) / "templates"
    return {
        str(path.relative_to(root))
        for path in root.glob("*/email/*")
        if path.suffix in {".txt", ".html"}
    }


@override_settings(DEBUG=False)
def test_every_participant_page_and_email_is_in_thai(
    client, walk_site, frozen, rendered_templates, django_capture_on_commit_callbacks
):
    walk = Walk(client)
    walk_participant_pages(walk, client, walk_site, frozen)
    frozen.move_to(FROZEN_NOW)
    walk_emails(walk, client, walk_site, django_capture_on_commit_callbacks)
    walk_error_pages(walk, client, walk_site)

    failures = []
    for label, found in sorted(walk.problems.items()):
        if found and label not in PENDING_OTHER_HELPERS:
            failures.append(f"{label}:\n    " + "\n    ".join(found))
        if not found and label in PENDING_OTHER_HELPERS:
            failures.append(f"{label}: passes now; remove it from PENDING_OTHER_HELPERS")
    unknown = set(PENDING_OTHER_HELPERS) - set(walk.problems)
    failures += [f"{label}: in PENDING_OTHER_HELPERS but not walked" for label in unknown]

    not_walked = participant_url_names() - walk.walked_names - set(NOT_WALKED)
    failures += [
        f"URL {name!r} is neither walked nor listed in NOT_WALKED with a reason"
        for name in sorted(not_walked)
    ]
    stale = set(NOT_WALKED) - participant_url_names()
    failures += [f"NOT_WALKED lists {name!r}, which is no URL name" for name in sorted(stale)]

    unrendered = email_templates() - rendered_templates
    failures += [
        f"e-mail template {name} exists but no e-mail this test sends renders it"
        for name in sorted(unrendered)
    ]
    assert not failures, "\n".join(failures)


# --- The checker itself -------------------------------------------------------------------


def test_english_words_are_found_but_names_units_addresses_and_codes_pass():
    assert english_words("กรุณา Sign in ก่อน") == ["Sign", "in"]
    assert english_words("ระบบ SAR และ BBB ผ่าน LINE ระยะ 12 km") == []
    assert english_words("ติดต่อ esc-training@example.com หรือ https://example.com/a") == []
    assert english_words("รหัส ESC-2569-000123 และ ZZZZ-ZZZZ ไฟล์ (.ics)") == []
    assert english_words("ค่าการปล่อย (emission factor) ที่ใช้") == []
    assert english_words("Sorry (emission factor)") == ["Sorry", "emission", "factor"]


def test_western_punctuation_in_thai_is_found_but_abbreviations_and_numbers_pass():
    assert western_punctuation("เชียงใหม่, ขอนแก่น") == ["เชียงใหม่, ขอนแก่น"]
    assert western_punctuation("ลงทะเบียนเรียบร้อยแล้ว.") == ["ลงทะเบียนเรียบร้อยแล้ว."]
    assert western_punctuation("ตอบแล้ว.ต่อไป") == ["ตอบแล้ว.ต่อไป"]
    assert western_punctuation("2 ธ.ค. 2569 เวลา 09.00 น. พ.ศ. ๒๕๖๙ ต.สุเทพ อ.เมือง จ.เชียงใหม่") == []
    assert western_punctuation("ร้อยละ 80.5 จำนวน 1,600 ตร.ม. ของ อบต. ๑,๐๐๐") == []
    assert western_punctuation("กำลังบันทึก...") == []


def test_visible_text_skips_scripts_and_keeps_what_people_read_or_hear():
    html = (
        "<title>หน้า</title><style>.a{}</style><script>var English = 1;</script>"
        '<img alt="โลโก้"><button aria-label="เมนู">☰</button><input placeholder="ค้นหา">'
        '<a href="/x" class="Button">ไป</a><input type="submit" value="ส่ง">'
    )
    text = visible_text(html)
    assert "English" not in text and "Button" not in text and ".a" not in text
    for shown in ("หน้า", "โลโก้", "เมนู", "ค้นหา", "ไป", "ส่ง"):
        assert shown in text

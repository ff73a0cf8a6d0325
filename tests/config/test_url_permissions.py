"""Every URL, as every role (issue 13): nobody gets a page they should not.

The URL patterns are read from the resolver, so a URL added later is walked without editing
this test. Each URL keyword is filled from objects that belong to somebody else: another
participant (the "victim", in LAO A of province 50, enrolled in round 1, with a test
attempt, a sandbox workspace, attendance and a certificate), round 1 (whose trainer is not
the trainer under test), DLA's certificate templates, images and documents. Each role then
GETs every URL (listings and choosers also with a search for the victim's things) and
POSTs to every URL that names an object, and the test fails on:

- a server error, for anybody, DLA administrators included;
- a page that shows somebody else's secrets: the victim's name, e-mail and sandbox note,
  round 1's test questions and answers, DLA's template names ("zqx…" markers below);
- a 200 on a URL naming another's object, unless the URL is public by design (verify,
  invitation, programme links, CMS pages; see ``PUBLIC``) or the role reaches it by
  design (``ALLOWED``: trainers edit CMS pages, which DLA moderates before publishing);
- a 200 anywhere in the admin for people without admin rights, and in the Django admin for
  anybody but DLA administrators;
- any change to the other people's data after the POSTs.

A URL whose keywords the test cannot fill makes it fail too, so new URLs are covered.
"""

import io
import re
import zipfile
from dataclasses import dataclass, field

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from wagtail.admin.views.bulk_action.registry import bulk_action_registry
from wagtail.admin.viewsets import viewsets as wagtail_viewsets
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection, Locale, Page, Revision, Site, Task, Workflow

from accounts.models import ConsentPurpose, Organisation, Role, User
from accounts.services import give_consent
from assessments.models import Attempt, Choice, Question, Quiz
from certificates.models import (
    Certificate,
    CertificateTemplate,
    CompletionPolicy,
    IssuanceJob,
)
from certificates.pinning import certificate_images_collection
from certificates.services import issue_certificate
from cms.models import RoundPage
from courses.models import Enrolment, Programme, Round
from courses.services import enrol_participant
from sar.models import Entry, GhgActivity, Workspace
from sessions.models import AttendanceImport, AttendanceRecord, CallbackDelivery, LiveSession
from tests.factories import ProgrammeFactory, RoundFactory, UserFactory

pytestmark = pytest.mark.django_db

# Markers that only the victim's side holds; listings are searched for "canary", and the
# "zqx…" words next to it are what must never show (a search box echoes what was searched).
VICTIM_FIRST_NAME = "ฆฑฌญ"
SECRETS = {
    VICTIM_FIRST_NAME: "the other participant's name",
    "zqxvictim": "the other participant's e-mail",
    "zqxnote": "the other participant's sandbox note",
    "zqxquiz": "round 1's test",
    "zqxquestion": "round 1's question",
    "zqxchoice": "round 1's answer choices",
    "zqxtemplate": "DLA's certificate template",
    "zqxcallback": "a BBB callback naming the other participant",
    # The victim's address before the test renamed it: the audit log's titles still say it.
    "participant@example.com": "the other participant's e-mail in the audit log",
    "coordinator@example.com": "the demo coordinator's e-mail",
}
SEARCH = "canary"  # in every searchable marked object

ROLES = [
    "anonymous",
    "participant",  # same LAO as the victim, enrolled in round 2
    "participant_other_lao",
    "trainer_other_round",
    "coordinator_other_province",
    "dla_admin",
]
STAFF_ROLES = {"trainer_other_round", "dla_admin"}

# URL names public by design: they answer 200 with or without a valid object.
PUBLIC = {
    "accounts:accept_invitation",  # shows "not valid or expired" without the right token
    "certificates:verify",  # anyone with the code; the name is masked
    "courses:programme_link",
    "courses:round_link",
    "courses:enrol",  # the programme's public sign-up page
    "line:round_calendar",  # a round's schedule as .ics, public like its CMS page
    "wagtail_serve",
    "wagtaildocs_serve",
    "account_confirm_email",  # "invalid link" page
    "account_reset_password_from_key",  # "bad token" page
    "wagtailadmin_sprite",
    "wagtailadmin_javascript_catalog",
}
# A round's own pages, open to anyone logged in: the round's schedule and exercise (public on
# the round's CMS page anyway) with the viewer's own state ("you are not enrolled").
ROUND_PAGES = {
    "training_sessions:detail",
    "training_sessions:join",
    "training_sessions:status",
    "sar:exercise",
}
# What a role reaches by design although the object is another's.
PAGE_VIEWS = re.compile(
    r"^(wagtailadmin_pages:|wagtailadmin_explore|wagtailadmin_choose_page|"
    r"wagtailadmin_api:pages:|simple_translation:submit_page_translation|wagtailadmin_workflows:remove)"
)
ALLOWED = {
    # Trainers (Wagtail's Editors) draft CMS pages; publishing goes through DLA's moderation.
    "trainer_other_round": lambda name, kwargs: (
        bool(PAGE_VIEWS.match(name))
        # … and pick any image or document for a page (choose only; changing is not theirs).
        or name
        in {
            "wagtailimages_chooser:chosen",
            "wagtailimages_chooser:select_format",
            "wagtaildocs_chooser:chosen",
            "wagtailadmin_api:images:detail",
            "wagtailadmin_api:documents:detail",
            "wagtailimages:preview",
            # Wagtail's workflow task chooser names a moderation task ("Moderators approval").
            "wagtailadmin_workflows:task_chosen",
        }
    ),
}
# Wagtail's "test the error page" view raises on purpose.
DELIBERATE_ERRORS = {"wagtailadmin_error_test"}
# POSTs that end the role's own session or account, or change the site's language: they
# concern nobody else and would stop the walk.
NO_POST = {"account_logout", "accounts:erase_account", "set_language", "admin:logout"}


@dataclass
class World:
    victim: User
    round1: Round
    objects: dict = field(default_factory=dict)  # model -> instance (somebody else's)
    users: dict = field(default_factory=dict)  # role -> user
    extra: dict = field(default_factory=dict)


def _text_file(name, text):
    return ContentFile(text.encode(), name=name)


@pytest.fixture
def world(demo_site, settings, tmp_path):
    settings.CERTIFICATE_PDF_ROOT = tmp_path / "certificates"
    settings.BBB_URL = "http://127.0.0.1:9/bigbluebutton/api/"  # refused at once
    programme = Programme.objects.order_by("pk").first()  # the demo programme
    round1 = programme.rounds.get(number=1)
    round2 = programme.rounds.get(number=2)

    victim = User.objects.get(email="participant@example.com")
    victim.first_name, victim.last_name = VICTIM_FIRST_NAME, "canary"
    victim.email = "zqxvictim@example.com"
    victim.save()
    EmailAddress.objects.filter(user=victim).update(email=victim.email)
    enrol_participant(user=victim, round_=round1)

    quiz = Quiz.objects.create(
        title="แบบทดสอบ canary zqxquiz",
        kind="post",
        programme=programme,
        round=round1,
        is_published=True,
    )
    question = Question.objects.create(
        quiz=quiz, position=1, kind="single", text="canary zqxquestion"
    )
    choice = Choice.objects.create(question=question, text="zqxchoice", is_correct=True)
    Choice.objects.create(question=question, text="ผิด", is_correct=False)
    attempt = Attempt.objects.create(
        quiz=quiz, user=victim, number=1, seed=1, question_order=[question.pk]
    )

    workspace = Workspace.objects.filter(owner=victim).first()
    entry = Entry.objects.create(workspace=workspace, key="zqx_field", value="1", note="zqxnote")
    activity = GhgActivity.objects.create(workspace=workspace, ef_code="electricity", quantity="1")

    session, _created = LiveSession.objects.get_or_create(round=round1)
    record = AttendanceRecord.objects.create(
        session=session, user=victim, minutes_present=10, scheduled_minutes=180
    )
    upload = AttendanceImport.objects.create(session=session, filename="x.csv", content="a,b\n")
    # A callback whose signature failed, kept for DLA: it names the participant.
    callback = CallbackDelivery.objects.create(
        kind="analytics",
        session=session,
        outcome="rejected",
        detail="canary",
        body=f'{{"name": "{VICTIM_FIRST_NAME} (zqxcallback)"}}',
    )

    template = CertificateTemplate.objects.filter(language="th").first()
    template.name = "canary zqxtemplate"
    template.save()
    policy = CompletionPolicy.objects.get(round=round1)
    certificate = issue_certificate(
        policy=policy, user=victim, check_eligibility=False, notify=False, render=False
    ).certificate
    job = IssuanceJob.objects.create(policy=policy, total=0)

    image = get_image_model().objects.filter(collection=certificate_images_collection()).first()
    document = get_document_model().objects.create(
        title="หนังสือเวียน",
        file=_text_file("circular.txt", "official"),
        collection=Collection.get_first_root_node(),
    )
    page = RoundPage.objects.get(round=round1, locale__language_code="th")
    lao_a = victim.organisation
    lao_b = Organisation.objects.get(dla_code="4010101")

    def participant(email, organisation):
        user = UserFactory(email=email, organisation=organisation)
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        give_consent(user=user, purpose=ConsentPurpose.TRAINING)
        enrol_participant(user=user, round_=round2)
        return user

    other_round = RoundFactory(programme=ProgrammeFactory(), number=1)
    trainer = UserFactory(email="trainer2@example.com", role=Role.TRAINER, is_staff=True)
    trainer.groups.add(Group.objects.get(name="Editors"))
    other_round.trainers.add(trainer)

    objects = {
        Round: round1,
        Programme: programme,
        Quiz: quiz,
        Question: question,
        Choice: choice,
        Attempt: attempt,
        Workspace: workspace,
        Entry: entry,
        GhgActivity: activity,
        Enrolment: Enrolment.objects.get(user=victim, round=round1),
        LiveSession: session,
        AttendanceRecord: record,
        AttendanceImport: upload,
        CallbackDelivery: callback,
        CertificateTemplate: template,
        CompletionPolicy: policy,
        Certificate: certificate,
        IssuanceJob: job,
        get_image_model(): image,
        get_document_model(): document,
        Page: page.page_ptr,
        RoundPage: page,
        Organisation: lao_a,
        User: victim,
        Group: Group.objects.get(name="DLA administrators"),
        Collection: certificate_images_collection(),
        Revision: template.latest_revision,
        Site: Site.objects.first(),
        Locale: Locale.objects.first(),
        Workflow: Workflow.objects.first(),
        Task: Task.objects.first(),
    }
    users = {
        "anonymous": None,
        "participant": participant("colleague@example.com", lao_a),
        "participant_other_lao": participant("elsewhere@example.com", lao_b),
        "trainer_other_round": trainer,
        "coordinator_other_province": UserFactory(
            email="coordinator40@example.com",
            role=Role.PROVINCIAL_COORDINATOR,
            coordinated_province_code="40",
            organisation=None,
        ),
        "dla_admin": User.objects.get(email="admin@example.com"),
    }
    return World(victim=victim, round1=round1, objects=objects, users=users)


# --- Walking the resolver ------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    name: str  # namespaced, "" when unnamed
    namespace: str
    route: str  # the whole pattern, for messages
    params: tuple[str, ...]  # keyword names
    positional: int
    app_label: str  # the app whose module holds the view


def _params(pattern) -> tuple[tuple[str, ...], int]:
    regex = pattern.pattern.regex
    names = tuple(regex.groupindex)
    return names, regex.groups - len(names)


def routes() -> list[Route]:
    found = []

    def walk(patterns, prefix, namespace, params, positional):
        for pattern in patterns:
            names, unnamed = _params(pattern)
            if isinstance(pattern, URLResolver):
                ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(
                    pattern.url_patterns,
                    prefix + str(pattern.pattern),
                    ns,
                    params + names,
                    positional + unnamed,
                )
            elif isinstance(pattern, URLPattern):
                name = f"{namespace}{pattern.name}" if pattern.name else ""
                module = getattr(pattern.callback, "__module__", "") or ""
                config = apps.get_containing_app_config(module)
                found.append(
                    Route(
                        name,
                        namespace.rstrip(":"),
                        prefix + str(pattern.pattern),
                        params + names,
                        positional + unnamed,
                        config.label if config else "",
                    )
                )

    walk(get_resolver().url_patterns, "", "", (), 0)
    return found


def viewset_models() -> dict[str, type]:
    models = {}
    for viewset in wagtail_viewsets.viewsets:
        try:
            namespace = viewset.url_namespace
        except ImproperlyConfigured:  # a viewset without a name has no URLs of its own
            continue
        model = getattr(viewset, "model", None)
        if isinstance(model, str):
            model = apps.get_model(model)
        if model is not None:
            models[namespace] = model
    return models


# Keyword -> the model whose (somebody else's) object fills it.
KWARG_MODELS = {
    "round_id": Round,
    "round_pk": Round,
    "page_id": Page,
    "parent_page_id": Page,
    "page_to_move_id": Page,
    "destination_id": Page,
    "page_pk": Page,
    "image_id": "image",
    "document_id": "document",
    "doc_id": "document",
    "collection_id": Collection,
    "revision_id": Revision,
    "activity_pk": GhgActivity,
    "import_id": AttendanceImport,
    "task_id": Task,
    "workflow_pk": Workflow,
    "user_id": User,
}
# Keywords that name no object.
PLAIN = {
    "fmt": ["csv"],
    "what": ["gain"],
    "table": ["rounds", "coverage", "missing"],
    "section": ["profile"],
    "filter_spec": ["original"],
    "app_label": ["assessments", "auth"],
    "model_name": ["quiz"],
    "app_name": ["assessments"],
    "content_type_app_name": ["cms"],
    "content_type_model_name": ["roundpage"],
    "action_name": ["approve"],
    "action": ["delete"],
    "revision_id_a": ["earliest"],
    "revision_id_b": ["latest"],
    "token": ["abc-def"],
    "key": ["abc"],
    "uidb36": ["1"],
    "nonce": ["abc"],
    "url": ["nothing-here/"],
    "path": ["nothing-here.txt"],
    "number": ["1"],
    "task_state_id": ["1"],
    "workflow_state_id": ["1"],
    "session_id": ["1"],
    "uploaded_file_id": ["1"],
    "redirect_id": ["1"],
    "restriction_id": ["1"],
    "object_id": None,  # from the Django admin's URL name, below
}


def _value(world, model):
    if model == "image":
        model = get_image_model()
    elif model == "document":
        model = get_document_model()
    obj = world.objects.get(model)
    return None if obj is None else str(obj.pk)


def _pk_candidates(world, route, models_by_namespace) -> list[str]:
    """Which object a ``pk`` names: the viewset's model, else any object of the URL's app."""
    model = models_by_namespace.get(route.namespace)
    if model is None and route.namespace.startswith("wagtailadmin_collections"):
        model = Collection
    if model is None and route.namespace.startswith("wagtailadmin_workflows"):
        model = Workflow if "task" not in route.name else Task
    if model is None and route.namespace.startswith("wagtailadmin_api:"):
        model = {"pages": Page, "images": "image", "documents": "document"}.get(
            route.namespace.split(":")[-1]
        )
    if model is None and route.name.startswith("wagtailadmin_pages:"):
        model = Page
    if model is not None:
        value = _value(world, model)
        return [value] if value else []
    app = route.namespace.split(":")[0]
    candidates = {
        str(obj.pk) for model, obj in world.objects.items() if model._meta.app_label == app
    }
    if not candidates:  # a namespace of its own (assessments_admin, …): any object
        candidates = {str(obj.pk) for obj in world.objects.values()}
    return sorted(candidates)


def _django_admin_object(world, route) -> list[str]:
    match = re.match(r"admin:(\w+?)_(\w+)_(change|delete|history)$", route.name)
    if not match:
        return ["1"]
    try:
        model = apps.get_model(match.group(1), match.group(2))
    except LookupError:
        return ["1"]
    obj = world.objects.get(model) or model._default_manager.first()
    return [str(obj.pk)] if obj else ["1"]


def fill(world, route, models_by_namespace) -> list[dict] | None:
    """Every way to fill the route's keywords, or None when one cannot be filled."""
    options: list[dict] = [{}]
    for param in route.params:
        if param == "pk":
            values = _pk_candidates(world, route, models_by_namespace)
        elif param == "object_id" and route.name == "admin:view_on_site":
            values = [str(world.objects[Page].pk)]
        elif param == "object_id":
            values = _django_admin_object(world, route)
        elif param == "content_type_id":
            values = [str(ContentType.objects.get_for_model(Page).pk)]
        elif param == "uidb64":
            values = [urlsafe_base64_encode(force_bytes(world.victim.pk))]
        elif param == "code":
            values = (
                [world.objects[Certificate].verification_code]
                if route.name.startswith("certificates")
                else [world.objects[Programme].code]
            )
        elif param in KWARG_MODELS:
            value = _value(world, KWARG_MODELS[param])
            values = [value] if value else []
        elif param in PLAIN and PLAIN[param] is not None:
            values = PLAIN[param]
        else:
            return None
        if not values:
            return None
        options = [{**option, param: value} for option in options for value in values]
    return options


def positional_args(world, route) -> list | None:
    if route.name == "wagtail_serve":
        return [world.objects[RoundPage].url.strip("/") + "/"]
    if route.name == "wagtaildocs_serve":
        document = world.objects[get_document_model()]
        return [document.pk, document.filename]
    return None


def requests_for(world) -> tuple[list[tuple[str, str, bool]], list[str]]:
    """``(url name, path, names another's object)`` for every route; and the routes that
    could not be filled."""
    all_routes = routes()  # loads the URLconf, which registers Wagtail's viewsets
    models_by_namespace = viewset_models()
    planned, unfilled = [], []
    for route in all_routes:
        if not route.name or route.name in DELIBERATE_ERRORS:
            continue  # unnamed: catch-alls, redirects, static files
        if route.name in {"scoped_bulk_action", "wagtail_bulk_action"}:
            continue  # walked below, model by model
        if route.positional:
            args = positional_args(world, route)
            if args is None:
                unfilled.append(f"{route.name} {route.route}")
                continue
            planned.append((route.name, reverse(route.name, args=args), True))
            continue
        options = fill(world, route, models_by_namespace)
        if options is None:
            unfilled.append(f"{route.name} {route.route}")
            continue
        reversed_any = False
        for kwargs in options:
            try:
                path = reverse(route.name, kwargs=kwargs)
            except NoReverseMatch:
                continue  # a value this pattern refuses (another option fits it)
            reversed_any = True
            names_object = any(k not in PLAIN or k == "object_id" for k in kwargs)
            planned.append((route.name, path, names_object))
        if not reversed_any:
            unfilled.append(f"{route.name} {route.route} refuses {options}")
    # Bulk actions, each with another's object of its model.
    bulk_action_registry._scan_for_bulk_actions()
    for app_label, models in bulk_action_registry.actions.items():
        for model_name, actions in models.items():
            model = apps.get_model(app_label, model_name)
            obj = world.objects.get(model)
            if obj is None:
                unfilled.append(f"bulk action on {app_label}.{model_name}")
                continue
            for action in actions:
                path = f"/admin/bulk/{app_label}/{model_name}/{action}/?id={obj.pk}"
                planned.append((f"bulk:{app_label}.{model_name}.{action}", path, True))
    return planned, unfilled


# --- Looking at answers ----------------------------------------------------------------


def body_text(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if content[:2] == b"PK":  # xlsx: the text is in the zipped XML
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                return " ".join(
                    archive.read(name).decode("utf-8", "ignore")
                    for name in archive.namelist()
                    if name.endswith(".xml")
                )
        except zipfile.BadZipFile:
            pass
    return content.decode("utf-8", "ignore")


def judge(role, name, path, names_object, response) -> list[str]:
    problems = []
    status = response.status_code
    if status >= 500:
        return [f"{status} {path}"]
    if role == "dla_admin" or status != 200:
        return problems
    text = body_text(response).lower()
    leaked = [label for secret, label in SECRETS.items() if secret.lower() in text]
    if leaked:
        problems.append(f"shows {', '.join(leaked)}: {path}")
    if path.startswith("/django-admin/"):
        problems.append(f"200 in the Django admin: {path}")
    elif path.startswith("/admin/") and role not in STAFF_ROLES and name not in PUBLIC:
        problems.append(f"200 in the admin without admin rights: {path}")
    elif names_object and name not in PUBLIC and not (role != "anonymous" and name in ROUND_PAGES):
        allowed = ALLOWED.get(role)
        if not (allowed and allowed(name, None)):
            problems.append(f"200 on another's object: {path} ({name})")
    return problems


def fingerprint(world) -> dict:
    """What the POSTs must not have changed."""
    objects = world.objects
    image = get_image_model().objects.get(pk=objects[get_image_model()].pk)
    page = Page.objects.get(pk=objects[Page].pk)
    return {
        "quiz": list(Quiz.objects.filter(pk=objects[Quiz].pk).values_list("title", "round_id")),
        "questions": list(
            Question.objects.filter(quiz=objects[Quiz]).values_list("text", "position")
        ),
        "choices": list(
            Choice.objects.filter(question__quiz=objects[Quiz]).values_list("text", "is_correct")
        ),
        "attempts": list(Attempt.objects.filter(user=world.victim).values_list("pk", "status")),
        "workspace": list(
            Workspace.objects.filter(owner=world.victim).values_list("pk", "year_be")
        ),
        "entries": list(
            Entry.objects.filter(workspace__owner=world.victim).values_list("key", "value", "note")
        ),
        "activities": GhgActivity.objects.filter(workspace__owner=world.victim).count(),
        "enrolment": list(
            Enrolment.objects.filter(user=world.victim).values_list("round_id", "status")
        ),
        "attendance": list(
            AttendanceRecord.objects.filter(user=world.victim).values_list(
                "minutes_present", "status", "overridden"
            )
        ),
        "session": list(
            LiveSession.objects.filter(pk=objects[LiveSession].pk).values_list("status")
        ),
        "imports": list(AttendanceImport.objects.values_list("pk", "applied_at")),
        "certificates": list(Certificate.objects.values_list("pk", "status", "revocation_reason")),
        "jobs": IssuanceJob.objects.count(),
        "template": list(
            CertificateTemplate.objects.values_list("pk", "name", "latest_revision_id")
        ),
        "policies": list(CompletionPolicy.objects.values_list("pk", "title", "is_active")),
        "image": (image.title, image.file.name, image.collection_id),
        "documents": list(
            get_document_model().objects.values_list("pk", "title", "file", "collection_id")
        ),
        "page": (page.title, page.live, page.latest_revision_id, page.locked),
        "victim": (world.victim.email, User.objects.get(pk=world.victim.pk).is_active),
        "users": list(
            User.objects.values_list("pk", "role", "is_staff", "is_superuser", "is_active")
        ),
        "groups": sorted(
            (group.name, tuple(sorted(group.permissions.values_list("codename", flat=True))))
            for group in Group.objects.all()
        ),
        "organisations": list(Organisation.objects.values_list("pk", "name_th", "province_code")),
        "rounds": list(Round.objects.values_list("pk", "title", "starts_at", "capacity")),
        "collections": list(Collection.objects.values_list("pk", "name", "path")),
    }


def client_for(world, role) -> Client:
    # Server errors come back as 500 answers and are reported with the rest.
    client = Client(REMOTE_ADDR="198.51.100.20", raise_request_exception=False)
    user = world.users[role]
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize("role", ROLES)
def test_no_role_gets_what_it_should_not_on_any_url(world, role):
    planned, unfilled = requests_for(world)
    assert not unfilled, "URLs this test cannot fill (teach fill() about them):\n" + "\n".join(
        unfilled
    )
    assert len(planned) > 300  # the walk found the site, both admins and the bulk actions
    client = client_for(world, role)
    user = world.users[role]
    before = fingerprint(world)
    problems = []

    def request(method, name, path, names_object):
        response = getattr(client, method)(path)
        problems.extend(
            f"{method.upper()} {p}" for p in judge(role, name, path, names_object, response)
        )
        if user is not None and "_auth_user_id" not in client.session:
            client.force_login(user)  # a view that logged us out; carry on as the role
        return response

    if role not in STAFF_ROLES:
        # Without admin rights every admin URL is refused before any object is looked up:
        # one filling per admin URL is enough (and keeps the walk quick).
        seen = set()
        kept = []
        for name, path, names_object in planned:
            admin = path.startswith(("/admin/", "/django-admin/"))
            if admin and name in seen:
                continue
            seen.add(name)
            kept.append((name, path, names_object))
        planned = kept
    for name, path, names_object in planned:
        request("get", name, path, names_object)
        searchable = role in STAFF_ROLES or not path.startswith(("/admin/", "/django-admin/"))
        if (
            searchable
            and not names_object
            and re.search(r"(index|list|results|choose|search)$", name)
        ):
            joiner = "&" if "?" in path else "?"
            request("get", name, f"{path}{joiner}q={SEARCH}", names_object)
    if role != "dla_admin":
        for name, path, names_object in planned:
            if names_object and name not in NO_POST:
                request("post", name, path, names_object)
        after = fingerprint(world)
        changed = {key: (before[key], after[key]) for key in before if before[key] != after[key]}
        assert not changed, f"{role} changed other people's data: {changed}"
    assert not problems, f"{role}:\n" + "\n".join(sorted(set(problems)))

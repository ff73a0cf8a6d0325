"""axe-core on the main pages: no serious or critical accessibility violations."""

import pytest
from axe_playwright_python.sync_playwright import Axe

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PUBLIC_PAGES = [
    "/",
    "/en/",
    "/programme/",
    "/programme/round-1/",
    "/privacy/",
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
    "/verify/",
]
PARTICIPANT_PAGES = ["/my-training/", "/my-certificates/", "/sandbox/", "/enrol/esc-2569/"]


def serious_violations(page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} — "
        + ", ".join(node["target"][0] for node in violation["nodes"][:3])
        for violation in results.response["violations"]
        if violation["impact"] in {"serious", "critical"}
    ]


def log_in(page, base_url, email, password):
    page.goto(base_url + "/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    page.click("form button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def test_public_pages_have_no_serious_accessibility_violations(live_server, phone_page, demo_site):
    found = {}
    for path in PUBLIC_PAGES:
        response = phone_page.goto(live_server.url + path)
        assert response.status == 200, path
        if violations := serious_violations(phone_page):
            found[path] = violations
    assert found == {}


def test_participant_pages_have_no_serious_accessibility_violations(
    live_server, phone_page, demo_site
):
    from accounts.models import User
    from assessments.models import Quiz, QuizKind, SessionTiming
    from assessments.services import start_attempt, submit_attempt
    from courses.models import Round
    from courses.services import enrol_participant

    participant = User.objects.get(email="participant@example.com")
    enrol_participant(user=participant, round_=Round.objects.get(number=1))
    pre, post = (Quiz.objects.get(kind=kind) for kind in (QuizKind.PRE_TEST, QuizKind.POST_TEST))
    # The demo's round 1 is ahead: its post-test opens with the session; open it now to
    # check the attempt page.
    post.session_timing = SessionTiming.FREE
    post.save()
    submitted = start_attempt(user=participant, quiz=pre)
    submit_attempt(user=participant, attempt_id=submitted.pk, answers={})
    running = start_attempt(user=participant, quiz=post)
    quiz_pages = [
        f"/tests/{post.pk}/",
        f"/tests/attempts/{running.pk}/",
        f"/tests/attempts/{submitted.pk}/result/",
    ]
    log_in(phone_page, live_server.url, "participant@example.com", "demo-participant-2569")
    found = {}
    for path in [*PARTICIPANT_PAGES, *quiz_pages]:
        response = phone_page.goto(live_server.url + path)
        assert response.status == 200, path
        if violations := serious_violations(phone_page):
            found[path] = violations
    assert found == {}


def test_trainer_pages_have_no_serious_accessibility_violations(live_server, phone_page, demo_site):
    from courses.models import Round

    round_1 = Round.objects.get(number=1)
    log_in(phone_page, live_server.url, "trainer@example.com", "demo-trainer-2569")
    found = {}
    for path in (
        f"/live/{round_1.pk}/",
        f"/live/{round_1.pk}/console/",
        f"/sandbox/class/{round_1.pk}/",
        "/reports/",
    ):
        response = phone_page.goto(live_server.url + path)
        assert response.status == 200, path
        if violations := serious_violations(phone_page):
            found[path] = violations
    assert found == {}

"""One way in (issue 13, findings 3 and 10): both admin logins go through allauth, with its
rate limit and e-mail verification; failed log-ins are counted per account and address."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.test import Client

from accounts.models import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "test-password-2569"
LOGIN_URLS = ["/accounts/login/", "/admin/login/", "/django-admin/login/"]


def verified(**fields):
    user = UserFactory(**fields)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def dla_admin():
    return verified(email="dla@example.com", role=Role.DLA_ADMIN, is_staff=True, is_superuser=True)


def trainer():
    user = verified(email="trainer@example.com", role=Role.TRAINER, is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


def post_login(client, url, email, password, **extra):
    # allauth's form names the fields login/password, Wagtail's and Django's username/password.
    data = {"login": email, "username": email, "password": password}
    return client.post(url, data, **extra)


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.mark.parametrize("url", LOGIN_URLS)
def test_twenty_wrong_passwords_then_the_right_one_open_no_session(client, url):
    user = dla_admin()
    for _attempt in range(20):
        post_login(client, url, user.email, "wrong-password")
    response = post_login(client, url, user.email, PASSWORD)
    assert not logged_in(client)
    if url != "/accounts/login/":
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize(
    ("url", "home"), [("/admin/login/", "/admin/"), ("/django-admin/login/", "/django-admin/")]
)
def test_the_admin_logins_send_people_to_allauth(client, url, home):
    response = client.get(f"{url}?next=/admin/pages/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fadmin%2Fpages%2F"
    # Somewhere else is no place to be sent after logging in.
    response = client.get(f"{url}?next=https://evil.example/")
    assert response["Location"] == "/accounts/login/?next=" + home.replace("/", "%2F")
    # Unauthenticated admin pages lead there too.
    first = client.get(home)
    assert first.status_code == 302
    assert client.get(first["Location"])["Location"].startswith("/accounts/login/?next=")


def test_wagtails_password_reset_is_allauths(client):
    response = client.get("/admin/password_reset/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/reset/"
    assert client.get("/admin/password_reset/done/")["Location"] == "/accounts/password/reset/"


@pytest.mark.parametrize("url", ["/admin/login/", "/django-admin/login/"])
def test_a_participant_and_an_unverified_account_get_no_session_through_the_admin(client, url):
    participant = verified(email="officer@example.com")
    unverified = UserFactory(email="new@example.com", role=Role.TRAINER, is_staff=True)
    unverified.groups.add(Group.objects.get(name="Editors"))
    for user in (participant, unverified):
        post_login(client, url, user.email, PASSWORD)
        assert not logged_in(client), user.email
    # allauth holds the unverified account back until its address is confirmed.
    post_login(client, "/accounts/login/", unverified.email, PASSWORD)
    assert not logged_in(client)


def test_a_participant_logged_in_on_the_site_gets_neither_admin(client):
    client.force_login(verified(email="officer@example.com"))
    for url in ("/admin/", "/admin/images/", "/django-admin/", "/django-admin/auth/group/"):
        response = client.get(url, follow=True)
        assert response.status_code == 403, url
        # A logged-in person without the right is told so, not sent round a log-in loop.
        assert len(response.redirect_chain) <= 2, url


def test_the_django_admin_is_for_dla_administrators_only(client):
    client.force_login(trainer())
    for url in ("/django-admin/", "/django-admin/wagtailimages/image/"):
        assert client.get(url, follow=True).status_code == 403, url
    assert client.get("/admin/").status_code == 200  # Wagtail's admin stays theirs
    client.force_login(dla_admin())
    assert client.get("/django-admin/").status_code == 200


def test_staff_log_in_through_allauth_and_land_in_the_admin(client):
    user = trainer()
    response = client.post(
        "/accounts/login/?next=/admin/", {"login": user.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_an_attackers_wrong_passwords_do_not_lock_the_owner_out_from_elsewhere():
    owner = verified(email="officer@example.com")
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    for _attempt in range(20):
        post_login(attacker, "/accounts/login/", owner.email, "guess")
    # The attacker's connection is held back, even with the right password …
    response = post_login(attacker, "/accounts/login/", owner.email, PASSWORD)
    assert not logged_in(attacker)
    html = response.content.decode()
    assert "ลืมรหัสผ่าน" in html  # what to do, in Thai
    assert "5 นาที" in html
    # … the owner, from their office, is not.
    office = Client(REMOTE_ADDR="198.51.100.7")
    response = post_login(office, "/accounts/login/", owner.email, PASSWORD)
    assert response.status_code == 302
    assert logged_in(office)


def test_five_wrong_passwords_from_one_connection_still_hold_that_connection_back(client):
    owner = verified(email="officer@example.com")
    for _attempt in range(5):
        post_login(client, "/accounts/login/", owner.email, "guess")
    post_login(client, "/accounts/login/", owner.email, PASSWORD)
    assert not logged_in(client)


def test_only_staff_use_the_wagtail_admin_whatever_their_groups(client):
    from accounts.services import change_role

    officer = verified(email="officer@example.com")
    officer.groups.add(Group.objects.get(name="Editors"))  # a mistake in the user screens
    client.force_login(officer)
    assert client.get("/admin/").status_code == 403
    assert client.get("/admin/images/").status_code == 403
    # The role makes staff, and taking it away unmakes them.
    change_role(user=officer, role=Role.TRAINER, changed_by=None)
    officer.refresh_from_db()
    assert officer.is_staff
    assert client.get("/admin/").status_code == 200
    change_role(user=officer, role=Role.PARTICIPANT, changed_by=None)
    officer.refresh_from_db()
    assert not officer.is_staff
    assert client.get("/admin/").status_code == 403


def test_staff_already_logged_in_go_straight_on_from_the_admin_logins(client):
    client.force_login(dla_admin())
    assert client.get("/admin/login/?next=/admin/pages/")["Location"] == "/admin/pages/"
    assert client.get("/django-admin/login/")["Location"] == "/django-admin/"

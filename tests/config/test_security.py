import pytest
from django.contrib.auth.hashers import check_password, identify_hasher, make_password
from django.test import override_settings

from accounts.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def directives(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in header.split(";") if part.strip())


@pytest.mark.parametrize("path", ["/", "/en/", "/programme/round-1/", "/accounts/login/"])
def test_public_pages_forbid_inline_scripts_and_styles(client, demo_site, path):
    policy = directives(client.get(path))
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in client.get(path)["Content-Security-Policy"]


def test_public_templates_carry_no_inline_script_or_style(client, demo_site):
    html = client.get("/").content.decode()
    assert "<script>" not in html
    assert "style=" not in html


def test_only_the_admin_screens_allow_inline_code(client, demo_site):
    client.force_login(User.objects.get(email="admin@example.com"))
    policy = directives(client.get("/admin/"))
    assert "'unsafe-inline'" in policy["script-src"]


def test_other_security_headers(client, demo_site):
    response = client.get("/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_new_passwords_are_hashed_with_argon2():
    from config.settings import base

    with override_settings(PASSWORD_HASHERS=base.PASSWORD_HASHERS):
        encoded = make_password("Kh0nKaen-2569!")
        assert identify_hasher(encoded).algorithm == "argon2"
        # Argon2id with OWASP's minimum: 19 MiB, 2 iterations, 1 lane.
        assert encoded.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
        assert check_password("Kh0nKaen-2569!", encoded)


def test_passwords_hashed_with_django_default_argon2_still_work_and_are_upgraded():
    from django.contrib.auth.hashers import Argon2PasswordHasher

    from config.settings import base

    old = Argon2PasswordHasher().encode("Kh0nKaen-2569!", Argon2PasswordHasher().salt())
    with override_settings(PASSWORD_HASHERS=base.PASSWORD_HASHERS):
        upgraded = []
        assert check_password("Kh0nKaen-2569!", old, setter=upgraded.append)
        assert upgraded == ["Kh0nKaen-2569!"]


def test_repeated_failed_logins_are_rate_limited(client):
    UserFactory(email="target@example.com")
    for _ in range(5):
        client.post("/accounts/login/", {"login": "target@example.com", "password": "wrong"})
    response = client.post(
        "/accounts/login/", {"login": "target@example.com", "password": "test-password-2569"}
    )
    # Even the right password is refused for a while after five failures on the account.
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session

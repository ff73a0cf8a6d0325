"""Redis is a cache, not a single point of failure (issue 19).

A real ``redis-server`` on a free port, stopped, frozen and started again by the tests;
the production cache (``config.cache.ResilientRedisCache``) and sessions (``cached_db``).
"""

import logging

import pytest
from allauth.account.models import EmailAddress
from django.core.cache import caches

from tests.factories import UserFactory
from tests.sessions.helpers import start_meeting

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = ["/", "/programme/", "/programme/round-1/", "/en/programme/", "/verify/"]


def our_keys(redis_server) -> list[bytes]:
    return redis_server.client().keys("esc:*")


def test_public_pages_answer_from_the_database_with_redis_gone(
    client,
    demo_site,
    production_cache,
    redis_server,
):
    for path in PUBLIC_PAGES:
        assert client.get(path).status_code == 200, path
    assert any(b"cms:page" in key for key in our_keys(redis_server))  # cached in Redis

    redis_server.stop()
    for path in PUBLIC_PAGES:
        response = client.get(path)
        assert response.status_code == 200, path
    assert "เมืองสิ่งแวดล้อมยั่งยืน" in client.get("/programme/").content.decode()


def test_a_logged_in_participant_stays_logged_in_when_redis_goes_and_comes_back_empty(
    client,
    demo_site,
    production_cache,
    redis_server,
):
    user = UserFactory()
    client.force_login(user)
    assert client.get("/my-training/").status_code == 200

    redis_server.stop()
    response = client.get("/my-training/")
    assert response.status_code == 200  # not a redirect to the log-in page
    assert response.context["user"] == user

    redis_server.start()  # same port, empty: a Redis restart without persistence
    response = client.get("/my-training/")
    assert response.status_code == 200
    assert response.context["user"] == user
    assert our_keys(redis_server)  # the session is cached in Redis again


def test_caching_resumes_by_itself_when_redis_returns(
    client,
    demo_site,
    production_cache,
    redis_server,
):
    redis_server.stop()
    assert client.get("/programme/").status_code == 200

    redis_server.start()
    assert client.get("/programme/").status_code == 200
    assert any(b"cms:page" in key for key in our_keys(redis_server))


def test_a_session_ended_while_redis_was_unreachable_does_not_come_back_with_it(
    client,
    demo_site,
    production_cache,
    redis_server,
):
    """Redis frozen (a partition: it keeps its data) while the participant logs out; when
    it answers again, its copy of the old session must not log the old cookie back in."""
    user = UserFactory()
    client.force_login(user)
    old_cookie = client.cookies["sessionid"].value
    assert client.get("/my-training/").status_code == 200

    redis_server.freeze()
    assert client.post("/accounts/logout/").status_code == 302
    redis_server.thaw()

    client.cookies["sessionid"] = old_cookie
    response = client.get("/my-training/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_join_works_with_redis_down(
    client,
    production_cache,
    redis_server,
    bbb_emulator,
    live_round,
    participant,
):
    start_meeting(client, live_round, bbb_emulator)
    redis_server.stop()

    client.force_login(participant)
    assert client.get(f"/live/{live_round.pk}/join/").status_code == 200
    response = client.post(f"/live/{live_round.pk}/join/")
    assert response.status_code == 302
    assert response["Location"].startswith(bbb_emulator.base_url)


def test_failed_log_ins_are_still_limited_with_redis_down(
    client,
    production_cache,
    redis_server,
):
    """allauth counts failures in the cache: five per address per five minutes. With Redis
    gone each process counts for itself (docs/deploy.md): the limit still holds here."""
    user = UserFactory(email="officer@example.com")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    redis_server.stop()

    for _ in range(5):
        response = client.post(
            "/accounts/login/", {"login": "officer@example.com", "password": "wrong"}
        )
        assert response.status_code == 200
        assert "ไม่ถูกต้อง" in response.content.decode()
    response = client.post(
        "/accounts/login/", {"login": "officer@example.com", "password": "test-password-2569"}
    )
    assert response.status_code in (200, 429)
    assert "_auth_user_id" not in client.session  # refused, even with the right password


def test_a_log_in_without_failures_goes_through_with_redis_down(
    client,
    production_cache,
    redis_server,
):
    user = UserFactory(email="officer@example.com")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    redis_server.stop()

    response = client.post(
        "/accounts/login/", {"login": "officer@example.com", "password": "test-password-2569"}
    )
    assert response.status_code == 302
    assert client.get("/my-training/").context["user"] == user


def test_certificate_lookups_are_still_limited_with_redis_down(
    client,
    settings,
    production_cache,
    redis_server,
):
    settings.CERTIFICATE_VERIFY_RATE_LIMIT = 3
    redis_server.stop()
    for _ in range(3):
        assert client.get("/verify/AAAA-BBBB-CCCC-DDDD/").status_code == 404
    assert client.get("/verify/AAAA-BBBB-CCCC-DDDD/").status_code == 429


def test_cache_errors_are_logged_when_redis_goes_not_per_request(
    client,
    demo_site,
    production_cache,
    redis_server,
    caplog,
):
    redis_server.stop()
    with caplog.at_level(logging.WARNING, logger="config.cache"):
        for _ in range(10):
            assert client.get("/programme/").status_code == 200
    reports = [r for r in caplog.records if r.name == "config.cache"]
    assert len(reports) == 1, [r.getMessage() for r in reports]
    assert "unavailable" in reports[0].getMessage()


def test_after_an_error_redis_is_left_alone_for_a_while(settings, redis_server):
    """One time-out per process and retry window, not one per request: after the first
    error the cache does not ask Redis again until ``retry_seconds`` have passed."""
    settings.CACHES = {
        "default": {
            "BACKEND": "config.cache.ResilientRedisCache",
            "LOCATION": redis_server.url,
            "KEY_PREFIX": "esc",
            "OPTIONS": {"retry_seconds": 3600, "socket_timeout": 0.2},
        }
    }
    cache = caches["default"]
    cache.set("before", 1)
    redis_server.freeze()
    assert cache.get("before") is None  # timed out: a miss
    redis_server.thaw()

    cache.set("during", 2)  # Redis answers again, but is not asked yet
    assert cache.get("during") == 2  # kept in this process meanwhile
    assert our_keys(redis_server) == [b"esc:1:before"]

"""/healthz/ is liveness, /readyz/ names what works and what does not (issue 19)."""

import datetime

import pytest
from django.utils import timezone

from config.health import forget_bbb_answer
from config.models import WorkerHeartbeat

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _ask_bbb_afresh():
    forget_bbb_answer()
    yield
    forget_bbb_answer()


def beat(seconds_ago: float = 0) -> WorkerHeartbeat:
    now = timezone.now()
    return WorkerHeartbeat.objects.create(
        worker_id=f"worker-{seconds_ago}",
        hostname="app-1",
        pid=1234,
        queues="*",
        started_at=now - datetime.timedelta(hours=1),
        last_seen=now - datetime.timedelta(seconds=seconds_ago),
    )


def test_healthz_stays_the_trivial_liveness_probe(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz/")
    assert (response.status_code, response.content) == (200, b"ok")


def test_everything_up_is_ready_for_at_most_one_query(
    client, production_cache, bbb_emulator, django_assert_max_num_queries
):
    beat(seconds_ago=2)
    with django_assert_max_num_queries(1):
        response = client.get("/readyz/")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ready",
        "checks": {"database": "ok", "worker": "ok", "redis": "ok", "bbb": "ok"},
        "failed": [],
    }
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_a_worker_silent_for_too_long_is_named(client, settings, production_cache, bbb_emulator):
    beat(seconds_ago=settings.WORKER_STALE_SECONDS + 5)
    response = client.get("/readyz/")
    assert response.json()["failed"] == ["worker"]
    assert response.json()["checks"]["worker"].startswith("no heartbeat")


def test_redis_down_is_named_and_the_host_stays_in_the_pool(
    client, production_cache, redis_server, bbb_emulator
):
    beat()
    redis_server.stop()
    response = client.get("/readyz/")
    assert response.status_code == 200  # the site works without Redis (test_redis_outage)
    assert response.json()["status"] == "degraded"
    assert response.json()["failed"] == ["redis"]
    assert response.json()["checks"]["redis"] == "unavailable"

    strict = client.get("/readyz/?strict=1")
    assert strict.status_code == 503
    assert strict.json()["failed"] == ["redis"]

    redis_server.start()
    assert client.get("/readyz/").json()["status"] == "ready"


def test_bigbluebutton_down_is_named(client, production_cache, bbb_emulator):
    beat()
    bbb_emulator.fault("version", "http500")
    response = client.get("/readyz/")
    assert response.json()["failed"] == ["bbb"]
    assert response.json()["checks"]["bbb"] == "answered 500"
    assert client.get("/readyz/?strict=1").status_code == 503


def test_bigbluebutton_is_asked_at_most_once_in_the_cache_time(
    client, production_cache, bbb_emulator
):
    beat()
    assert client.get("/readyz/").json()["checks"]["bbb"] == "ok"
    bbb_emulator.running.stop()
    # Within READYZ_BBB_CACHE_SECONDS the answer is the one kept; no request goes out.
    assert client.get("/readyz/").json()["checks"]["bbb"] == "ok"
    forget_bbb_answer()  # the 30 s have passed
    assert client.get("/readyz/").json()["checks"]["bbb"] == "unreachable"


def test_without_redis_configured_the_check_says_so(client, bbb_emulator):
    beat()
    response = client.get("/readyz/")
    assert response.json()["checks"]["redis"] == "not used"
    assert response.json()["status"] == "ready"

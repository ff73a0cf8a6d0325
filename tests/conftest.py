import io
import json
import os
import shutil

import pytest
from django.core.servers.basehttp import WSGIServer
from django.db import connection
from django.test.testcases import LiveServerThread

# Playwright drives the browser from an event loop; live_server tests then use the
# sync ORM from that thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    # Without these Chromium tries to reach outside hosts, which this network refuses.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(autouse=True)
def _fresh_cache_and_thai():
    """Each test starts with an empty cache (no page, rate-limit count or lock left over) and
    Thai active, whatever language an earlier request in this process switched to."""
    from django.core.cache import cache
    from django.utils import translation

    cache.clear()
    with translation.override("th"):
        yield


class _SerialWSGIServer(WSGIServer):
    """Django's development server handling one request at a time (in its own thread)."""

    def __init__(self, *args, connections_override=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.connections_override = connections_override


@pytest.fixture(scope="session", autouse=True)
def _live_server_serves_one_request_at_a_time_on_sqlite():
    """On SQLite the live server's threads share the test's one in-memory connection: two
    requests at once (a POST and the browser's favicon) interleave their transactions and
    fail with "no such savepoint". PostgreSQL gives each thread its own connection."""
    if connection.vendor == "sqlite":
        LiveServerThread.server_class = _SerialWSGIServer


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": shutil.which("chromium") or shutil.which("chromium-browser"),
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "th-TH", "timezone_id": "Asia/Bangkok"}


@pytest.fixture
def phone_page(browser):
    """A page in a 360 px wide phone viewport, the size most participants have."""
    context = browser.new_context(
        viewport={"width": 360, "height": 740},
        locale="th-TH",
        timezone_id="Asia/Bangkok",
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    yield page
    context.close()


def pytest_collection_modifyitems(config, items):
    """Tests marked `postgresql` skip on SQLite; CI's PostgreSQL pass runs them."""
    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(
        reason="needs PostgreSQL (row locks, parallel connections); "
        "run with DATABASE_URL=postgres://... as .ci/run does"
    )
    for item in items:
        if "postgresql" in item.keywords:
            item.add_marker(skip)


@pytest.hookimpl(tryfirst=True)
def pytest_sessionfinish(session, exitstatus):
    """With ESC_FORBID_SKIPS=1 (CI's PostgreSQL pass) a skipped test fails the run."""
    if os.environ.get("ESC_FORBID_SKIPS") != "1":
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if skipped:
        reporter.write_line(
            f"ESC_FORBID_SKIPS: {len(skipped)} test(s) were skipped but must run here:", red=True
        )
        for report in skipped:
            reporter.write_line(f"  {report.nodeid}", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(scope="session")
def migrated_data(django_db_setup, django_db_blocker) -> str:
    """The rows the migrations made (content types, locales, the root page, the site),
    taken by the first transactional test, before anything has flushed the database.
    Content types come first, so signal handlers that look one up while the rest is
    loaded find it instead of creating a duplicate."""
    with django_db_blocker.unblock():
        rows = json.loads(connection.creation.serialize_db_to_string())
    rows.sort(key=lambda row: row["model"] != "contenttypes.contenttype")
    return json.dumps(rows)


@pytest.fixture(autouse=True)
def _restore_migrated_data(request, django_db_blocker):
    """A transactional test empties the database when it ends; the next one gets back what
    the migrations made. (``serialized_rollback`` cannot do this under Playwright: its event
    loop gives the test a new connection object without the serialized contents.)"""
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction")) or bool(
        {"live_server", "transactional_db"} & set(request.fixturenames)
    )
    if not transactional:
        yield
        return
    data = request.getfixturevalue("migrated_data")
    _restore_if_flushed(data, django_db_blocker)
    request.node.stash[_MIGRATED_DATA] = data
    yield


_MIGRATED_DATA = pytest.StashKey[str]()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After a transactional test has flushed the database (its fixtures all torn down), put
    the migrations' rows back at once: a plain test may follow on this worker, and found
    no groups, locales or root page when xdist sent it after one. After the session's last
    test the test database itself is gone (torn down with it): nothing to put back."""
    yield
    data = item.stash.get(_MIGRATED_DATA, None)
    if data is not None and nextitem is not None:
        from pytest_django.plugin import blocking_manager_key

        _restore_if_flushed(data, item.config.stash[blocking_manager_key])


def _restore_if_flushed(data: str, django_db_blocker) -> None:
    from django.contrib.contenttypes.models import ContentType
    from django.core.management import call_command
    from wagtail.models import Locale

    with django_db_blocker.unblock():
        if not Locale.objects.exists():  # flushed by a transactional test
            call_command(
                "flush",
                interactive=False,
                inhibit_post_migrate=True,
                reset_sequences=False,
                verbosity=0,
            )
            ContentType.objects.clear_cache()
            connection.creation.deserialize_db_from_string(data)
            ContentType.objects.clear_cache()


@pytest.fixture
def demo_site(db):
    """The demo site built by `seed_demo`: page tree, programme, rounds, accounts."""
    from django.core.management import call_command

    from cms.models import HomePage

    call_command("seed_demo", stdout=io.StringIO())

    return HomePage.objects.get(locale__language_code="th")

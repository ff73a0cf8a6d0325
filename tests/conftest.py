import io
import os
import shutil

import pytest
from django.db import connection

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


def _restore_wagtail_base_data():
    """Browser tests (transactional) flush the database after each test, taking the rows
    Wagtail's migrations created with them: locales, the root page, the root collection."""
    from django.conf import settings
    from wagtail.models import Collection, Locale, Page

    for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES:
        Locale.objects.get_or_create(language_code=code)
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    if Page.get_first_root_node() is None:
        Page.add_root(instance=Page(title="Root", slug="root", locale=Locale.get_default()))


@pytest.fixture
def demo_site(db):
    """The demo site built by `seed_demo`: page tree, programme, rounds, accounts."""
    from django.core.management import call_command

    _restore_wagtail_base_data()

    from cms.models import HomePage

    call_command("seed_demo", stdout=io.StringIO())

    return HomePage.objects.get(locale__language_code="th")

"""scripts/screenshots.py: every screen it takes names a URL that exists (no browser here)."""

import importlib.util
import sys
from pathlib import Path

import pytest
from django.urls import reverse

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "screenshots.py"


def load_script():
    spec = importlib.util.spec_from_file_location("screenshots", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_every_screen_resolves_to_a_page_for_a_known_role():
    script = load_script()
    ids = {"live_round": 1, "pre_test": 1}
    names = [screen.name for screen in script.SCREENS]
    assert len(names) == len(set(names))
    for screen in script.SCREENS:
        assert screen.role is None or screen.role in script.LOGINS, screen
        path = script.screen_path(screen, ids)
        assert path is None or path.startswith("/"), screen
        if screen.url_name is None:
            assert screen.role, f"{screen.name}: a landing page needs someone to log in"


@pytest.mark.django_db
def test_the_screens_ids_come_from_the_demo_data(demo_site):
    script = load_script()
    ids = script.demo_ids()
    assert ids["pre_test"] and ids["live_round"]
    assert script.screen_path(script.SCREENS[-1], ids) == reverse("reports:rounds")


def test_the_readme_links_to_the_screenshots():
    readme = (SCRIPT.parents[1] / "README.md").read_text()
    assert "docs/screenshots/" in readme

"""The root URLconf wires apps by name only; Wagtail's page catch-all comes from cms, last."""

import ast
from pathlib import Path

import pytest
from django.urls import get_resolver, reverse

import config.urls

OUR_APPS = {"accounts", "assessments", "certificates", "cms", "core", "courses", "reports", "sar"}


def test_the_root_urlconf_imports_no_app_view():
    tree = ast.parse(Path(config.urls.__file__).read_text())
    imported = {
        (node.module or "").split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.level == 0
    } | {
        alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    assert not imported & (OUR_APPS | {"sessions"})


def test_the_page_catch_all_is_the_last_route_and_keeps_its_name():
    assert reverse("wagtail_serve", args=[""]) == "/"
    assert reverse("wagtail_serve", args=["programme/round-1/"]) == "/programme/round-1/"
    assert reverse("cms:my_training") == "/my-training/"
    last = get_resolver().url_patterns[-1].url_patterns[-1]  # the Thai/English patterns
    assert last.urlconf_name.__name__ == "cms.urls"


@pytest.mark.django_db
def test_an_unknown_page_is_a_404_from_wagtail(client):
    assert client.get("/no-such-page/").status_code == 404

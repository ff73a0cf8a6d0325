"""The admin reads in Thai for the people who work in it (issue 15, item 5).

A DLA administrator and a trainer walk the Wagtail admin of the demo site from the
dashboard, following every admin link (one URL of each shape: ``/admin/pages/4/edit/`` and
``/admin/pages/12/edit/`` are one shape), and every page's visible text must be free of
English words, by the rules of the participant walk (``test_thai_only_pages``).

What is left out, and why:
- content people typed: page titles and bodies (the demo has an English page tree for
  ``/en/``), template, image, group and site names; it is removed from the text before
  the check, so a Wagtail string around it still counts;
- placeholders a template author types (``{name}``) and the column names of our imports;
- pages only a superuser configures once and whose English comes from outside any catalogue
  (``SUPERUSER_SETUP``): Django's permission names ("Can add round"), the time-zone and
  language lists of the account page, Wagtail's hard-coded redirect-import help.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tests.core.test_thai_only_pages import english_words, visible_text

SUPERUSER_SETUP = re.compile(
    r"^/admin/(groups/|account/|sites/|locales/|redirects/import|reports/page-types-usage)"
)
NOT_FOLLOWED = re.compile(
    r"logout|/delete|/unpublish|/revert|/lock|/unlock|/copy|/move|preview|export|/download"
    r"|/serve|/action/|/bulk|/usage|/compare|/qr/|/workflow|/history/\d|/convert_alias"
    r"|/documents/\d+/|\.(xlsx|csv|pdf|png|jpg|ics)"
)
LINK = re.compile(r'(?:href|"url")\s*[=:]\s*"(/admin/[^"#]*)"')
# Column names of our imports and {placeholders} of certificate templates are typed as they are.
CODE_WORDS = re.compile(
    r"\{\w+\}|\b(?:position|kind|single|multiple|text|choice\w*|correct|points|explanation)\b"
)
MOST_PAGES = 150
# Written in English by Wagtail outside any catalogue, or names: JavaScript is a name; the
# search form's screen-reader-only button says value="Search" in Wagtail's templates; the
# aging-pages report prints None for a page published by nobody (the demo's seed script).
# File types, the "x" of 297 x 210 mm and the item analysis's p and D are written as they are.
ALLOWED = {"JavaScript", "Search", "None", "AVIF", "GIF", "JPG", "JPEG", "PNG", "WEBP", "TSV"}
ALLOWED |= {"x", "p", "D"}


def typed_content() -> list[str]:
    """What people (or the demo) typed, longest first so a title inside another goes last."""
    from django.contrib.auth.models import Group
    from wagtail.images import get_image_model
    from wagtail.models import Page, Site

    from certificates.models import CertificateTemplate
    from courses.models import Programme, Round

    texts = set(Page.objects.values_list("title", flat=True))
    texts |= set(Page.objects.values_list("draft_title", flat=True))
    texts |= set(Group.objects.values_list("name", flat=True))
    texts |= set(Site.objects.values_list("site_name", flat=True))
    texts |= set(get_image_model().objects.values_list("title", flat=True))
    texts |= set(Programme.objects.values_list("title_en", flat=True))
    texts |= set(Round.objects.values_list("title_en", flat=True))
    for template in CertificateTemplate.objects.all():
        texts |= {str(value) for value in vars(template).values() if isinstance(value, str)}
    for page in Page.objects.filter(locale__language_code="en").specific():
        texts |= {str(value) for value in vars(page).values() if isinstance(value, str)}
        for field in ("body", "intro"):
            if hasattr(page, field):
                texts |= set(visible_text(str(getattr(page, field))).splitlines())
    # Short ones ("en", a slug) would cut words of the page itself.
    return sorted((t.strip() for t in texts if len(t.strip()) >= 4), key=len, reverse=True)


def walk_admin(client: Client, least: int) -> dict[str, list[str]]:
    content = typed_content()
    seen_shapes: set[str] = set()
    queue, problems, walked = ["/admin/"], {}, 0
    while queue and walked < MOST_PAGES:
        url = queue.pop(0)
        shape = re.sub(r"\d+", "N", url.split("?")[0])
        if shape in seen_shapes:
            continue
        seen_shapes.add(shape)
        response = client.get(url)
        walked += 1
        assert response.status_code < 500, url
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        queue += [
            link.split("?")[0]
            for link in LINK.findall(html)
            if not NOT_FOLLOWED.search(link) and not SUPERUSER_SETUP.search(link)
        ]
        text = visible_text(html)
        for typed in content:
            text = text.replace(typed, " ")
        text = CODE_WORDS.sub(" ", text)
        found = [
            f"{word!r} in {' '.join(line.split())[:100]!r}"
            for line in text.splitlines()
            for word in english_words(" ".join(line.split()))
            if word not in ALLOWED
        ]
        if found:
            problems[url] = found
    assert walked >= least, f"the walk reached only {walked} pages"
    return problems


@pytest.mark.parametrize("email, least", [("admin@example.com", 50), ("trainer@example.com", 20)])
def test_the_admin_reads_in_thai(demo_site, email, least):
    from accounts.models import User

    client = Client()
    client.force_login(User.objects.get(email=email))
    problems = walk_admin(client, least)
    assert not problems, "\n".join(f"{url}: {p}" for url, items in problems.items() for p in items)

import pytest
from django.test import override_settings
from wagtail.models import Page

from cms.models import HomePage, ProgrammePage, RoundPage, StandardPage
from courses.models import Round


def test_page_tree_allows_only_the_planned_children():
    assert HomePage.allowed_subpage_models() == [ProgrammePage, StandardPage]
    assert ProgrammePage.allowed_subpage_models() == [RoundPage, StandardPage]
    assert RoundPage.allowed_subpage_models() == []
    assert StandardPage.allowed_subpage_models() == [StandardPage]
    assert RoundPage.allowed_parent_page_models() == [ProgrammePage]
    assert ProgrammePage.allowed_parent_page_models() == [HomePage]


@pytest.mark.django_db
def test_a_round_page_cannot_be_created_under_the_home_page(demo_site):
    assert not RoundPage.can_create_at(demo_site)
    programme_page = ProgrammePage.objects.get(locale__language_code="th")
    assert RoundPage.can_create_at(programme_page)


@pytest.mark.django_db
def test_home_page_presents_the_programme_and_four_rounds_in_thai(client, demo_site):
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="th">' in html
    assert "การอบรมออนไลน์ 4 ครั้ง" in html
    assert html.count('class="round-card"') == 4
    first = Round.objects.order_by("number").first()
    # Buddhist-Era date: Gregorian year + 543.
    assert f"พ.ศ. {first.starts_at.year + 543}" in html


@pytest.mark.django_db
def test_english_home_page_is_served_under_en(client, demo_site):
    response = client.get("/en/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="en">' in html
    assert "The four online rounds" in html
    assert html.count('class="round-card"') == 4
    assert 'href="/en/programme/round-1/"' in html


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/programme/", "/programme/round-1/", "/privacy/"])
def test_every_page_renders_in_both_languages(client, demo_site, path):
    assert client.get(path).status_code == 200
    assert client.get(f"/en{path}").status_code == 200


@pytest.mark.django_db
def test_round_page_shows_its_schedule_from_the_round(client, demo_site):
    round_ = Round.objects.get(number=2)
    html = client.get("/programme/round-2/").content.decode()
    assert "กำหนดการ" in html
    assert f"{round_.starts_at.day} " in html
    assert f"พ.ศ. {round_.starts_at.year + 543}" in html


@pytest.mark.django_db
def test_language_switch_links_to_the_same_page_in_the_other_language(client, demo_site):
    assert 'href="/en/programme/"' in client.get("/programme/").content.decode()
    assert 'href="/programme/"' in client.get("/en/programme/").content.decode()


@pytest.mark.django_db
def test_seed_demo_twice_gives_the_same_counts(demo_site):
    from django.core.management import call_command

    from accounts.models import Organisation, User
    from courses.models import Programme

    def counts():
        return (
            Page.objects.count(),
            Programme.objects.count(),
            Round.objects.count(),
            Organisation.objects.count(),
            User.objects.count(),
            list(Round.objects.order_by("number").values_list("starts_at", flat=True)),
        )

    before = counts()
    call_command("seed_demo", stdout=__import__("io").StringIO())
    assert counts() == before
    assert before[2] == 4


@pytest.mark.django_db
@override_settings(ANONYMOUS_PAGE_CACHE_SECONDS=60)
def test_anonymous_pages_are_cached_until_a_page_is_published(
    client, demo_site, django_assert_num_queries
):
    client.get("/programme/")
    with django_assert_num_queries(0):
        assert client.get("/programme/").status_code == 200

    page = ProgrammePage.objects.get(locale__language_code="th")
    page.title = "ชื่อโครงการที่แก้ไขแล้ว"
    page.save_revision().publish()
    assert "ชื่อโครงการที่แก้ไขแล้ว" in client.get("/programme/").content.decode()


@pytest.mark.django_db
@override_settings(ANONYMOUS_PAGE_CACHE_SECONDS=60)
def test_logged_in_visitors_never_get_a_cached_page(client, demo_site):
    from accounts.models import User

    client.get("/")
    client.force_login(User.objects.get(email="participant@example.com"))
    assert "ออกจากระบบ" in client.get("/").content.decode()

import pytest
from wagtail import hooks

from courses.progress import MY_TRAINING_ROUND_ITEMS_HOOK, ProgressItem
from courses.services import enrol_participant
from tests.factories import RoundFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_my_training_needs_a_login(client):
    response = client.get("/my-training/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def page_queries(client) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get("/my-training/").status_code == 200
    return len(captured)


def test_my_training_lists_the_participants_rounds_with_each_apps_items(
    client, django_assert_max_num_queries
):
    user = UserFactory()
    rounds = [RoundFactory(number=n) for n in (1, 2, 3)]
    for round_ in rounds:
        enrol_participant(user=user, round_=round_)
    other = UserFactory()
    enrol_participant(user=other, round_=RoundFactory(number=4, title="รอบของคนอื่น"))
    calls = []

    def fake_items(hook_user, hook_rounds):
        calls.append(len(hook_rounds))
        return {
            r.pk: [ProgressItem(label="แบบทดสอบ", status=f"ครั้งที่ {r.number}")] for r in hook_rounds
        }

    client.force_login(user)
    with hooks.register_temporarily(MY_TRAINING_ROUND_ITEMS_HOOK, fake_items):
        # The page, then a bounded number of queries per app that adds lines.
        with django_assert_max_num_queries(15):
            html = client.get("/my-training/").content.decode()

    assert calls == [3]  # one call for all rounds, not one per round
    assert html.count("training-card--round") == 3
    assert "รอบของคนอื่น" not in html
    for round_ in rounds:
        assert f"ครั้งที่ {round_.number}" in html
    assert "พ.ศ." in html


def test_my_training_queries_do_not_grow_with_the_number_of_rounds(client):
    """Every app answers for all rounds at once: one round or four, the same queries."""
    user = UserFactory()
    client.force_login(user)
    first = RoundFactory(number=1)
    enrol_participant(user=user, round_=first)
    page_queries(client)  # warm the per-process caches (site, settings)
    one_round = page_queries(client)
    for number in (2, 3, 4):
        enrol_participant(user=user, round_=RoundFactory(programme=first.programme, number=number))
    assert page_queries(client) == one_round

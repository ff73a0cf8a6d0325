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
        # +1: the certificates hook (one query for every round and programme on the page).
        with django_assert_max_num_queries(9):
            html = client.get("/my-training/").content.decode()

    assert calls == [3]  # one call for all rounds, not one per round
    assert html.count('class="training-card"') == 3
    assert "รอบของคนอื่น" not in html
    for round_ in rounds:
        assert f"ครั้งที่ {round_.number}" in html
    assert "พ.ศ." in html

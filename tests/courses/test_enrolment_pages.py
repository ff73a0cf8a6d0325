import datetime

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone

from courses.models import Enrolment, EnrolmentStatus, Round
from courses.services import enrol_participant
from tests.accounts.factories import ReadyParticipantFactory
from tests.factories import ProgrammeFactory, RoundFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme():
    programme = ProgrammeFactory(code="esc-2569")
    start = timezone.now() + datetime.timedelta(days=7)
    for number in (1, 2, 3, 4):
        RoundFactory(
            programme=programme,
            number=number,
            starts_at=start + datetime.timedelta(weeks=number - 1),
            capacity=2,
        )
    return programme


def _rounds(programme):
    return list(programme.rounds.order_by("number"))


def test_enrol_page_ticks_every_open_round_and_enrols_in_all_four_with_one_email(
    client, programme, django_capture_on_commit_callbacks
):
    user = ReadyParticipantFactory()
    client.force_login(user)
    html = client.get("/enrol/esc-2569/?src=circular-1114").content.decode()
    assert html.count('name="rounds"') == 4
    assert html.count(" checked") == 4
    assert 'value="circular-1114"' in html
    rounds = _rounds(programme)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/enrol/esc-2569/",
            {"rounds": [r.pk for r in rounds], "src": "circular-1114"},
        )
    assert response.status_code == 302
    assert response["Location"] == "/my-training/"
    enrolments = Enrolment.objects.for_user(user)
    assert enrolments.enrolled().count() == 4
    assert set(enrolments.values_list("src", flat=True)) == {"circular-1114"}
    assert len(mail.outbox) == 1
    assert len(mail.outbox[0].attachments) == 4


def test_a_link_from_a_round_page_ticks_only_that_round(client, programme):
    client.force_login(ReadyParticipantFactory())
    html = client.get("/enrol/esc-2569/?round=3").content.decode()
    round_3 = programme.rounds.get(number=3)
    assert html.count(" checked") == 1
    assert f'value="{round_3.pk}" id="round-{round_3.pk}" checked' in html


def test_the_source_tag_of_sign_up_is_used_when_the_link_has_none(client, programme):
    user = ReadyParticipantFactory(signup_src="circular-1114")
    client.force_login(user)
    client.post("/enrol/esc-2569/", {"rounds": [_rounds(programme)[0].pk]})
    assert Enrolment.objects.get(user=user).src == "circular-1114"


def test_a_tampered_round_id_gets_a_thai_message_and_enrols_in_nothing(client, programme):
    other_round = RoundFactory()
    client.force_login(ReadyParticipantFactory())
    rounds = _rounds(programme)
    for tampered in (other_round.pk, 999999, "abc"):
        response = client.post("/enrol/esc-2569/", {"rounds": [rounds[0].pk, tampered]})
        assert response.status_code == 200
        assert "ไม่ได้อยู่ในโครงการนี้" in response.content.decode()
    assert not Enrolment.objects.exists()


def test_choosing_no_round_is_refused_in_thai(client, programme):
    client.force_login(ReadyParticipantFactory())
    response = client.post("/enrol/esc-2569/", {"rounds": []})
    assert "กรุณาเลือกอย่างน้อย" in response.content.decode()


def test_enrolling_twice_is_refused_in_thai_and_changes_nothing(client, programme):
    user = ReadyParticipantFactory()
    client.force_login(user)
    first = _rounds(programme)[0]
    client.post("/enrol/esc-2569/", {"rounds": [first.pk]})
    # A second post of the same round, e.g. a double tap or an old page.
    response = client.post("/enrol/esc-2569/", {"rounds": [first.pk]})
    assert "ครั้งที่ 1: ท่านลงทะเบียนการอบรมครั้งนี้แล้ว" in response.content.decode()
    assert Enrolment.objects.for_user(user).count() == 1
    html = client.get("/enrol/esc-2569/").content.decode()
    assert "ลงทะเบียนแล้ว" in html


def test_rounds_whose_registration_closed_are_not_offered_and_cannot_be_forced(client, programme):
    closed = _rounds(programme)[1]
    Round.objects.filter(pk=closed.pk).update(
        registration_closes_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    client.force_login(ReadyParticipantFactory())
    html = client.get("/enrol/esc-2569/").content.decode()
    assert html.count('name="rounds"') == 3
    assert "ปิดรับสมัครแล้ว" in html
    response = client.post("/enrol/esc-2569/", {"rounds": [closed.pk]})
    assert response.status_code == 200
    assert "ครั้งที่ 2: การอบรมครั้งนี้ปิดรับสมัครแล้ว" in response.content.decode()
    assert not Enrolment.objects.exists()


def test_a_closed_round_in_a_posted_form_rolls_back_the_whole_enrolment(programme):
    """Registration closing between page and post: nothing is half-saved."""
    from courses.services import EnrolmentError, enrol_in_rounds

    user = ReadyParticipantFactory()
    rounds = _rounds(programme)
    Round.objects.filter(pk=rounds[3].pk).update(
        registration_closes_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    rounds[3].refresh_from_db()
    with pytest.raises(EnrolmentError) as error:
        enrol_in_rounds(user=user, rounds=rounds)
    assert error.value.code == "registration_closed"
    assert error.value.round.number == 4
    assert not Enrolment.objects.exists()


def test_a_cancelled_participant_may_enrol_again_and_joins_the_end_of_the_queue(client, programme):
    first = _rounds(programme)[0]
    user = ReadyParticipantFactory()
    client.force_login(user)
    client.post("/enrol/esc-2569/", {"rounds": [first.pk]})
    enrolment = Enrolment.objects.get(user=user)
    client.post(f"/enrolments/{enrolment.pk}/cancel/")
    others = [ReadyParticipantFactory() for _ in range(2)]
    for other in others:
        enrol_participant(user=other, round_=first)
    response = client.post("/enrol/esc-2569/", {"rounds": [first.pk]})
    assert response.status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.WAITLISTED


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("email", "กรุณายืนยันอีเมลก่อน"),
        ("consent", "กรุณาให้ความยินยอม"),
        ("lao", "กรุณากรอกข้อมูลของท่านให้ครบก่อน"),
    ],
)
def test_enrolment_waits_for_a_confirmed_email_consent_and_lao(client, programme, missing, message):
    from allauth.account.models import EmailAddress

    from accounts.models import ConsentRecord

    user = ReadyParticipantFactory()
    if missing == "email":
        EmailAddress.objects.filter(user=user).update(verified=False)
    elif missing == "consent":
        ConsentRecord.objects.filter(user=user).update(withdrawn_at=timezone.now())
    else:
        user.organisation = None
        user.save()
    client.force_login(user)
    html = client.get("/enrol/esc-2569/").content.decode()
    assert "ก่อนลงทะเบียน" in html
    response = client.post("/enrol/esc-2569/", {"rounds": [_rounds(programme)[0].pk]})
    assert message in response.content.decode()
    assert not Enrolment.objects.exists()


def test_cancelling_frees_the_seat_for_the_next_person_who_is_told_by_email(
    client, programme, django_capture_on_commit_callbacks
):
    first = _rounds(programme)[0]
    holders = [ReadyParticipantFactory() for _ in range(2)]
    waiting = ReadyParticipantFactory(first_name="รอคิว")
    with django_capture_on_commit_callbacks(execute=True):
        seats = [enrol_participant(user=u, round_=first) for u in holders]
        enrol_participant(user=waiting, round_=first)
    mail.outbox.clear()
    client.force_login(holders[0])
    assert "ที่นั่งของท่านจะส่งต่อ" in client.get(f"/enrolments/{seats[0].pk}/cancel/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/enrolments/{seats[0].pk}/cancel/")
    assert Enrolment.objects.get(user=waiting).status == EnrolmentStatus.ENROLLED
    assert [m.to for m in mail.outbox] == [[waiting.email]]
    assert "มีที่ว่างแล้ว" in mail.outbox[0].subject
    assert mail.outbox[0].attachments[0][0] == "esc-round-1.ics"


def test_nobody_can_cancel_someone_elses_enrolment(client, programme):
    enrolment = enrol_participant(user=UserFactory(), round_=_rounds(programme)[0])
    client.force_login(ReadyParticipantFactory())
    assert client.post(f"/enrolments/{enrolment.pk}/cancel/").status_code == 404
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.ENROLLED


def test_a_started_round_cannot_be_cancelled(client, programme):
    from courses.services import EnrolmentError, cancel_enrolment

    user = ReadyParticipantFactory()
    round_ = _rounds(programme)[0]
    enrolment = enrol_participant(user=user, round_=round_)
    with pytest.raises(EnrolmentError) as error:
        cancel_enrolment(enrolment=enrolment, now=round_.starts_at + datetime.timedelta(minutes=5))
    assert error.value.code == "round_started"


def test_short_links_lead_to_the_pages_and_keep_the_source_tag(client, demo_site):
    response = client.get("/p/esc-2569/?src=circular-1114")
    assert response.status_code == 302
    assert response["Location"] == "/programme/?src=circular-1114"
    response = client.get("/p/esc-2569/2/?src=poster<script>")
    assert response["Location"] == "/programme/round-2/?src=posterscript"
    assert client.get("/en/p/esc-2569/")["Location"] == "/en/programme/"
    assert client.get("/p/no-such-programme/").status_code == 404


@override_settings(ANONYMOUS_PAGE_CACHE_SECONDS=60)
def test_the_cached_qr_landing_page_carries_its_own_source_tag_into_sign_up(
    client, demo_site, django_assert_num_queries
):
    html = client.get("/programme/?src=circular-1114").content.decode()
    assert "src=circular-1114" in html
    assert "/accounts/signup/?next=%2Fenrol%2Fesc-2569%2F%3Fsrc%3Dcircular-1114" in html
    with django_assert_num_queries(0):
        cached = client.get("/programme/?src=circular-1114").content.decode()
    assert cached == html
    other = client.get("/programme/?src=poster-chiangmai").content.decode()
    assert "src=poster-chiangmai" in other
    assert "circular-1114" not in other


def test_logged_in_visitors_see_their_place_and_an_enrol_button_on_the_pages(client, demo_site):
    from accounts.models import User

    user = User.objects.get(email="participant@example.com")
    round_2 = Round.objects.get(number=2)
    enrol_participant(user=user, round_=round_2)
    client.force_login(user)
    html = client.get("/programme/round-2/").content.decode()
    assert "ครั้งที่ 2: ลงทะเบียนแล้ว" in html
    html = client.get("/programme/").content.decode()
    assert 'href="/enrol/esc-2569/"' in html

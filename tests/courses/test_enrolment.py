import datetime
import threading

import pytest
from django.db import connection
from django.utils import timezone

from courses.models import Enrolment, EnrolmentStatus
from courses.services import (
    EnrolmentError,
    cancel_enrolment,
    enrol_in_programme,
    enrol_participant,
    promote_from_waitlist,
)
from tests.factories import ProgrammeFactory, RoundFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_enrolment_takes_a_seat_while_seats_are_free_then_waitlists():
    round_ = RoundFactory(capacity=2)
    first, second, third = UserFactory.create_batch(3)
    assert enrol_participant(user=first, round_=round_).status == EnrolmentStatus.ENROLLED
    assert enrol_participant(user=second, round_=round_).status == EnrolmentStatus.ENROLLED
    assert enrol_participant(user=third, round_=round_).status == EnrolmentStatus.WAITLISTED


def test_enrolling_twice_is_refused_and_changes_nothing():
    round_ = RoundFactory()
    user = UserFactory()
    enrol_participant(user=user, round_=round_, src="circular-1114")
    with pytest.raises(EnrolmentError) as error:
        enrol_participant(user=user, round_=round_)
    assert error.value.code == "already_enrolled"
    assert Enrolment.objects.get().src == "circular-1114"


def test_enrolment_outside_the_registration_window_is_refused():
    now = timezone.now()
    closed = RoundFactory(registration_closes_at=now - datetime.timedelta(minutes=1))
    not_yet = RoundFactory(registration_opens_at=now + datetime.timedelta(days=1))
    user = UserFactory()
    with pytest.raises(EnrolmentError) as error:
        enrol_participant(user=user, round_=closed)
    assert error.value.code == "registration_closed"
    assert "ปิด" in str(error.value.message)
    with pytest.raises(EnrolmentError) as error:
        enrol_participant(user=user, round_=not_yet)
    assert error.value.code == "registration_not_open"
    assert not Enrolment.objects.exists()


def test_cancelling_a_seat_promotes_the_first_in_the_queue():
    round_ = RoundFactory(capacity=1)
    holder, first_in_line, second_in_line = UserFactory.create_batch(3)
    seat = enrol_participant(user=holder, round_=round_)
    enrol_participant(user=first_in_line, round_=round_)
    enrol_participant(user=second_in_line, round_=round_)

    cancel_enrolment(enrolment=seat)

    statuses = dict(Enrolment.objects.values_list("user", "status"))
    assert statuses == {
        holder.pk: EnrolmentStatus.CANCELLED,
        first_in_line.pk: EnrolmentStatus.ENROLLED,
        second_in_line.pk: EnrolmentStatus.WAITLISTED,
    }


def test_a_cancelled_participant_may_enrol_again_at_the_end_of_the_queue():
    round_ = RoundFactory(capacity=1)
    holder, waiting = UserFactory.create_batch(2)
    seat = enrol_participant(user=holder, round_=round_)
    enrol_participant(user=waiting, round_=round_)
    cancel_enrolment(enrolment=seat)

    again = enrol_participant(user=holder, round_=round_)
    assert again.pk == seat.pk
    assert again.status == EnrolmentStatus.WAITLISTED


def test_cancelling_twice_is_refused():
    enrolment = enrol_participant(user=UserFactory(), round_=RoundFactory())
    cancel_enrolment(enrolment=enrolment)
    with pytest.raises(EnrolmentError) as error:
        cancel_enrolment(enrolment=enrolment)
    assert error.value.code == "not_enrolled"


def test_promotion_is_idempotent():
    round_ = RoundFactory(capacity=1)
    users = UserFactory.create_batch(2)
    for user in users:
        enrol_participant(user=user, round_=round_)
    assert promote_from_waitlist(round_=round_) == []
    assert Enrolment.objects.enrolled().count() == 1


def test_programme_enrolment_covers_every_open_round_and_skips_held_ones():
    programme = ProgrammeFactory()
    rounds = [RoundFactory(programme=programme, number=n) for n in (1, 2, 3, 4)]
    user = UserFactory()
    enrol_participant(user=user, round_=rounds[0])
    enrolments = enrol_in_programme(user=user, programme=programme, src="circular-1114")
    assert [e.round.number for e in enrolments] == [2, 3, 4]
    assert Enrolment.objects.for_user(user).enrolled().count() == 4


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_concurrency_fifty_parallel_enrolments_for_twenty_seats():
    round_ = RoundFactory(capacity=20)
    users = UserFactory.create_batch(50)
    barrier = threading.Barrier(len(users))
    errors = []

    def enrol(user):
        try:
            barrier.wait()
            enrol_participant(user=user, round_=round_)
        except Exception as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=enrol, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    enrolments = list(Enrolment.objects.for_round(round_).in_queue_order())
    assert len(enrolments) == 50
    assert len({e.user_id for e in enrolments}) == 50
    statuses = [e.status for e in enrolments]
    # Seats went to the first twenty to arrive; the rest queue in arrival order.
    assert statuses == [EnrolmentStatus.ENROLLED] * 20 + [EnrolmentStatus.WAITLISTED] * 30

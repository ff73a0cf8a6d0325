"""The attendance rule with plain values: no database (``sessions.reconciliation``)."""

import datetime

import pytest

from sessions.reconciliation import Evidence, decide_attendance, gather_evidence

MINUTE = 60_000
START = datetime.datetime(2026, 6, 1, 2, 0, tzinfo=datetime.UTC)  # 09:00 in Bangkok
START_MS = int(START.timestamp() * 1000)


def at(minute: int) -> datetime.datetime:
    return START + datetime.timedelta(minutes=minute)


def event(user_id, kind, source="analytics", **fields):
    row = {
        "user_id": user_id,
        "source": source,
        "kind": kind,
        "occurred_at": START,
        "started_at": None,
        "ended_at": None,
        "intervals": [],
        "minutes": None,
        "status": "",
        "reason": "",
        "host_user_id": None,
        "internal_user_id": "",
    }
    row.update(fields)
    return row


def presence(user_id, *spans, source="analytics"):
    intervals = [[START_MS + a * MINUTE, START_MS + b * MINUTE] for a, b in spans]
    return event(user_id, "presence", source=source, intervals=intervals)


def webhook(user_id, kind, minute, connection):
    return event(user_id, kind, "webhook", occurred_at=at(minute), internal_user_id=connection)


def decide(own, host=None, scheduled=180, present_percent=80):
    return decide_attendance(own, host=host, scheduled=scheduled, present_percent=present_percent)


@pytest.mark.parametrize(
    ("minutes", "status"),
    [(180, "present"), (144, "present"), (143, "partial"), (1, "partial"), (0, "absent")],
)
def test_the_status_follows_the_share_of_the_scheduled_time(minutes, status):
    evidence = gather_evidence([presence(7, (0, minutes))], end_ms=START_MS)
    decision = decide(evidence[7])
    assert (decision.minutes_present, decision.status) == (minutes, status)
    assert decision.scheduled_minutes == 180


def test_nobody_seen_is_absent_and_decided_by_nothing():
    decision = decide(Evidence())
    assert (decision.minutes_present, decision.status, decision.decided_by) == (0, "absent", "")
    assert decision.first_seen_at is None


def test_webhook_joins_pair_with_the_leave_of_the_same_connection():
    rows = [
        webhook(7, "joined", 0, "w_phone"),
        webhook(7, "joined", 30, "w_laptop"),
        webhook(7, "left", 60, "w_phone"),  # the phone's leave, not the laptop's
        webhook(7, "left", 120, "w_laptop"),
        webhook(7, "joined", 130, "w_again"),  # never left: lasts until the end
    ]
    evidence = gather_evidence(rows, end_ms=START_MS + 150 * MINUTE)
    assert sorted(evidence[7].intervals) == [
        (START_MS, START_MS + 60 * MINUTE),
        (START_MS + 30 * MINUTE, START_MS + 120 * MINUTE),
        (START_MS + 130 * MINUTE, START_MS + 150 * MINUTE),
    ]
    decision = decide(evidence[7])
    assert decision.minutes_present == 140
    assert decision.decided_by == "webhook"
    assert (decision.first_seen_at, decision.last_seen_at) == (at(0), at(150))


def test_the_best_source_that_saw_the_participant_decides():
    rows = [
        presence(7, (0, 10), source="poll"),
        event(7, "minutes", "import", minutes=20),
        presence(7, (0, 5), source="analytics"),
        event(8, "minutes", "import", minutes=150),
        presence(8, (0, 100), source="poll"),
    ]
    evidence = gather_evidence(rows, end_ms=START_MS)
    assert decide(evidence[7]).decided_by == "analytics"
    assert decide(evidence[7]).minutes_present == 20  # the imported minutes are larger
    eight = decide(evidence[8])
    assert (eight.minutes_present, eight.status, eight.decided_by) == (150, "present", "poll")


def test_a_co_viewer_gets_the_hosts_presence_and_is_decided_manually():
    rows = [
        presence(1, (0, 170)),
        event(2, "co_viewer", "manual", host_user_id=1, reason="ดูจอเดียวกัน"),
    ]
    evidence = gather_evidence(rows, end_ms=START_MS)
    decision = decide(evidence[2], host=evidence[1])
    assert (decision.minutes_present, decision.status) == (170, "present")
    assert (decision.decided_by, decision.co_viewer_of_id) == ("manual", 1)
    assert not decision.overridden


def test_the_latest_mark_overrides_and_a_blank_mark_gives_the_decision_back():
    marked = [
        presence(7, (0, 30)),
        event(7, "mark", "manual", status="absent", reason="first"),
        event(7, "mark", "manual", status="excused", reason="ลาป่วย"),
    ]
    decision = decide(gather_evidence(marked, end_ms=START_MS)[7])
    assert (decision.status, decision.decided_by) == ("excused", "manual")
    assert (decision.overridden, decision.override_reason) == (True, "ลาป่วย")
    assert decision.minutes_present == 30
    cleared = [*marked, event(7, "mark", "manual", status="", reason="evidence is right")]
    decision = decide(gather_evidence(cleared, end_ms=START_MS)[7])
    assert (decision.status, decision.decided_by, decision.overridden) == (
        "partial",
        "analytics",
        False,
    )
    assert decision.override_reason == ""


def test_a_join_click_alone_makes_the_participant_known_but_absent():
    evidence = gather_evidence([event(7, "join_click", "join_redirect")], end_ms=START_MS)
    assert set(evidence) == {7}
    assert decide(evidence[7]).status == "absent"


def test_a_join_click_counts_until_the_first_poll_that_saw_the_participant():
    click = event(
        7, "join_click", "join_redirect", occurred_at=at(0) + datetime.timedelta(seconds=5)
    )
    polled = presence(7, (2, 62), source="poll")
    decision = decide(gather_evidence([click, polled], end_ms=START_MS)[7])
    # 00:05 to 62:00 instead of 02:00 to 62:00: the poll only looks once a minute.
    assert decision.minutes_present == 61
    assert decision.first_seen_at == at(0) + datetime.timedelta(seconds=5)
    assert decision.decided_by == "poll"


def test_a_join_click_long_before_any_poll_or_beside_exact_evidence_adds_nothing():
    click = event(7, "join_click", "join_redirect", occurred_at=at(0))
    late_poll = presence(7, (10, 70), source="poll")
    assert decide(gather_evidence([click, late_poll], end_ms=START_MS)[7]).minutes_present == 60
    exact = presence(7, (2, 62))  # the analytics report knows the real join
    both = gather_evidence([click, presence(7, (2, 62), source="poll"), exact], end_ms=START_MS)
    assert decide(both[7]).minutes_present == 60

"""Completion conditions for the tests, answered from evidence the test records.

The real conditions come from sessions, assessments and sar; here the same protocol
(`courses.completion`) is implemented over a small in-memory store that each test fills,
so eligibility is computed from real data, not from mocks of our own code.
"""

from dataclasses import dataclass, field

import pytest
from django.core.cache import cache
from wagtail import hooks

from courses.completion import COMPLETION_CONDITION_HOOK, CompletionCondition, ConditionOutcome
from courses.services import enrol_participant
from sessions import completion as sessions_completion


@dataclass
class Evidence:
    minutes: dict = field(default_factory=dict)  # (user_id, round_id) -> minutes present
    passed_post_test: set = field(default_factory=set)  # {(user_id, round_id)}
    exercises_done: set = field(default_factory=set)  # {(user_id, round_id)}
    calls: list = field(default_factory=list)  # kinds evaluated, in order

    def attend(self, user, round_, minutes=None):
        self.minutes[(user.pk, round_.pk)] = round_.duration_minutes if minutes is None else minutes

    def complete_round(self, user, round_):
        self.attend(user, round_)
        self.passed_post_test.add((user.pk, round_.pk))
        self.exercises_done.add((user.pk, round_.pk))


class AttendanceCondition(sessions_completion.AttendanceCondition):
    """Attendance's parameters (form fields, checks) as sessions has them; the evidence and
    the wording from this store."""

    label = "เข้าร่วมการอบรม"

    def __init__(self, evidence):
        self.evidence = evidence

    def evaluate(self, *, user_ids, rounds, params):
        self.evidence.calls.append(self.kind)
        outcomes = {}
        for user_id in user_ids:
            for round_ in rounds:
                present = self.evidence.minutes.get((user_id, round_.pk), 0)
                total = round_.duration_minutes
                percent = 100 * present // total if total else 0
                if "min_minutes" in params:
                    met = present >= params["min_minutes"]
                else:
                    met = percent >= params.get("min_percent", 80)
                outcomes[(user_id, round_.pk)] = ConditionOutcome(
                    met=met, detail=f"เข้าร่วม {present} จาก {total} นาที ({percent}%)"
                )
        return outcomes

    def describe(self, params):
        if "min_minutes" in params:
            return f"เข้าร่วมการอบรมอย่างน้อย {params['min_minutes']} นาที"
        return f"เข้าร่วมการอบรมอย่างน้อยร้อยละ {params.get('min_percent', 80)}"


class SetCondition(CompletionCondition):
    def __init__(self, evidence, kind, label, attribute, yes, no):
        self.evidence, self.kind, self.label = evidence, kind, label
        self.attribute, self.yes, self.no = attribute, yes, no

    def evaluate(self, *, user_ids, rounds, params):
        self.evidence.calls.append(self.kind)
        done = getattr(self.evidence, self.attribute)
        return {
            (user_id, round_.pk): ConditionOutcome(
                met=(user_id, round_.pk) in done,
                detail=self.yes if (user_id, round_.pk) in done else self.no,
            )
            for user_id in user_ids
            for round_ in rounds
        }


@pytest.fixture
def evidence():
    """Register attendance, post_test_passed and sandbox_exercise for this test."""
    store = Evidence()
    conditions = [
        AttendanceCondition(store),
        SetCondition(
            store,
            "post_test_passed",
            "ผ่านแบบทดสอบหลังการอบรม",
            "passed_post_test",
            "ผ่านแล้ว",
            "ยังไม่ผ่าน",
        ),
        SetCondition(
            store,
            "sandbox_exercise",
            "ทำแบบฝึกหัดในระบบทดลอง",
            "exercises_done",
            "ทำครบแล้ว",
            "ยังไม่ได้ทำ",
        ),
    ]
    registrations = [(COMPLETION_CONDITION_HOOK, lambda c=c: c) for c in conditions]
    with hooks.register_temporarily(registrations):
        yield store


@pytest.fixture(autouse=True)
def certificate_files(settings, tmp_path):
    """PDFs go to a folder of this test's own; rate-limit counters start at zero."""
    cache.clear()
    settings.CERTIFICATE_PDF_ROOT = tmp_path / "certificates"
    return settings.CERTIFICATE_PDF_ROOT


def enrol(user, *rounds):
    for round_ in rounds:
        enrol_participant(user=user, round_=round_)

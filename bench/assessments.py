"""Pre/post-test speed: saving an answer, submitting, the report and the round summary.

    .venv/bin/python bench/assessments.py [participants]

Runs against a throwaway SQLite database (migrated here) with the test settings. The baseline
is the trivial view /healthz/ through the same Django test client, measured in the same run;
ratios compare across machines. Prints figures, asserts nothing.
"""

import datetime
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB = Path(tempfile.mkdtemp()) / "bench.sqlite3"
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
os.environ["DATABASE_URL"] = f"sqlite:///{DB}"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402


def per_call(function, repeat):
    started = time.perf_counter()
    for _ in range(repeat):
        function()
    return (time.perf_counter() - started) / repeat


def main(participants: int) -> None:
    call_command("migrate", verbosity=0)
    from accounts.models import LaoType, Organisation, User
    from assessments.demo import seed_assessments
    from assessments.selectors import round_test_summary
    from assessments.services import start_attempt, submit_attempt
    from courses.models import Enrolment, EnrolmentStatus, Programme, Round

    now = timezone.now()
    programme = Programme.objects.create(title="bench", code="bench")
    round_ = Round.objects.create(
        programme=programme,
        number=1,
        title="1",
        starts_at=now,
        ends_at=now + datetime.timedelta(hours=3),
        registration_opens_at=now - datetime.timedelta(days=1),
        registration_closes_at=now,
    )
    pre, post = seed_assessments(programme)
    post.max_attempts = 1_000_000
    post.save()
    organisations = [
        Organisation.objects.create(
            dla_code=f"99{n:05d}",
            lao_type=[LaoType.SAO, LaoType.TOWN_MUNICIPALITY][n % 2],
            name_th=f"อปท. {n}",
            province_code=["50", "10", "30"][n % 3],
            district_code=["5001", "1001", "3001"][n % 3],
        )
        for n in range(30)
    ]
    questions = {quiz.pk: list(quiz.questions.prefetch_related("choices")) for quiz in (pre, post)}
    for number in range(participants):
        user = User.objects.create_user(
            f"p{number}@example.com", "bench-2569", organisation=organisations[number % 30]
        )
        Enrolment.objects.create(user=user, round=round_, status=EnrolmentStatus.ENROLLED)
        for quiz, right in ((pre, number % 5), (post, 4 + number % 7)):
            attempt = start_attempt(user=user, quiz=quiz)
            answers = {}
            for index, question in enumerate(questions[quiz.pk]):
                choices = [c for c in question.choices.all() if c.is_correct == (index < right)]
                answers[question.pk] = [choices[0].pk]
            submit_attempt(user=user, attempt_id=attempt.pk, answers=answers)

    admin = User.objects.create_superuser("admin@example.com", "bench-2569")
    taker = User.objects.get(email="p0@example.com")
    client = Client()
    client.force_login(taker)
    client.get("/healthz/")
    baseline = per_call(lambda: client.get("/healthz/"), 200)

    attempt = start_attempt(user=taker, quiz=post)
    question = questions[post.pk][0]
    choice = question.choices.all()[0].pk
    url = f"/tests/attempts/{attempt.pk}/answer/"
    save = per_call(lambda: client.post(url, {"question": question.pk, "choice": choice}), 100)
    page = per_call(lambda: client.get(f"/tests/attempts/{attempt.pk}/"), 30)

    def submit_one():
        current = start_attempt(user=taker, quiz=post)
        submit_attempt(
            user=taker,
            attempt_id=current.pk,
            answers={q.pk: [q.choices.all()[0].pk] for q in questions[post.pk]},
        )

    submit = per_call(submit_one, 20)
    admin_client = Client()
    admin_client.force_login(admin)
    report = per_call(lambda: admin_client.get(f"/admin/tests/{post.pk}/report/"), 5)
    summary = per_call(lambda: round_test_summary([round_.pk]), 5)

    rows = [
        ("baseline GET /healthz/", baseline),
        ("POST one answer (auto-save)", save),
        ("GET attempt page (10 questions)", page),
        ("start + submit + grade (10 questions)", submit),
        (f"GET report ({participants} participants)", report),
        (f"round_test_summary ({participants})", summary),
    ]
    for label, seconds in rows:
        print(f"{label:<40}{seconds * 1000:9.3f} ms   ({seconds / baseline:7.2f} x baseline)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 500)

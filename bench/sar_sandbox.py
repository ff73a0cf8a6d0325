"""SAR sandbox speed: the engine, the results page and exercise checks for a whole class.

    .venv/bin/python bench/sar_sandbox.py [participants]

Runs against a throwaway SQLite database (migrated here, about half a minute) with the test
settings. The baseline is the trivial view /healthz/ through the same Django test client,
measured in the same run; ratios compare across machines. Prints figures, asserts nothing.
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
    from courses.completion import completion_conditions
    from courses.models import Programme, Round
    from sar.engine import assess
    from sar.framework import get_framework
    from sar.selectors import workspace_city_data
    from sar.services import create_workspace, save_section

    organisation = Organisation.objects.create(
        dla_code="9999999",
        lao_type=LaoType.TOWN_MUNICIPALITY,
        name_th="เทศบาลเมืองทดสอบ",
        province_code="50",
        district_code="5001",
    )
    owner = User.objects.create_user("bench@example.com", "bench-2569", organisation=organisation)
    sample = create_workspace(owner=owner, year_be=2569, start_from="sample")
    framework = get_framework()
    data = workspace_city_data(sample, framework)

    client = Client()
    client.force_login(owner)
    client.get("/healthz/")
    baseline = per_call(lambda: client.get("/healthz/"), 200)
    engine = per_call(lambda: assess(data, framework), 1000)
    results = per_call(lambda: client.get(f"/sandbox/{sample.pk}/results/"), 30)
    section = per_call(lambda: client.get(f"/sandbox/{sample.pk}/edit/ENV/"), 30)

    profile = {
        "lao_type": "town_municipality",
        "population": "25000",
        "households": "9000",
        "area_km2": "12.5",
        "communities": "20",
    }
    waste = {"msw_generated_t": "10500", "msw_recycled_t": "2300", "msw_composted_t": "900"}
    users = []
    for number in range(participants):
        user = User.objects.create_user(
            f"p{number}@example.com", "bench-2569", organisation=organisation
        )
        workspace = create_workspace(owner=user, year_be=2569)
        save_section(workspace=workspace, section="profile", values=profile, notes={}, user=user)
        save_section(workspace=workspace, section="ENV", values=waste, notes={}, user=user)
        users.append(user.pk)
    programme = Programme.objects.create(title="bench", code="bench")
    now = timezone.now()
    rounds = [
        Round.objects.create(
            programme=programme,
            number=n,
            title=f"{n}",
            starts_at=now,
            ends_at=now + datetime.timedelta(hours=3),
            registration_opens_at=now - datetime.timedelta(days=1),
            registration_closes_at=now,
        )
        for n in (1, 2, 3, 4)
    ]
    condition = completion_conditions()["sandbox_exercise"]
    evaluate = per_call(lambda: condition.evaluate(user_ids=users, rounds=rounds, params={}), 3)

    rows = [
        ("baseline GET /healthz/", baseline),
        ("engine: assess the sample city", engine),
        ("GET results page (sample city)", results),
        ("GET ENV data-entry page", section),
    ]
    for label, seconds in rows:
        print(f"{label:<34}{seconds * 1000:9.3f} ms   ({seconds / baseline:6.2f} x baseline)")
    print(
        f"sandbox_exercise: {participants} participants x 4 rounds "
        f"{evaluate * 1000:8.1f} ms   ({evaluate / baseline:.0f} x baseline, "
        f"{evaluate / participants * 1000:.2f} ms per participant)"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 500)

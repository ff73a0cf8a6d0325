import subprocess
import uuid
from pathlib import Path

import pytest
from django.db import connection

BASE_DIR = Path(__file__).resolve().parents[2]
TABLES = ["accounts_user", "accounts_organisation", "courses_round", "wagtailcore_page"]

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]


def database_url(name: str) -> str:
    settings = connection.settings_dict
    host = settings["HOST"] or "127.0.0.1"
    return f"postgres://{settings['USER']}@{host}:{settings['PORT'] or 5432}/{name}"


def row_counts(url: str) -> dict[str, int]:
    # Table names are our constants above, not input.
    query = " UNION ALL ".join(f"SELECT '{t}', count(*) FROM {t}" for t in TABLES)  # noqa: S608
    output = subprocess.run(  # noqa: S603
        ["psql", url, "-tA", "-F", "=", "-c", query],  # noqa: S607
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return {name: int(count) for name, count in (line.split("=") for line in output.split())}


def test_backup_then_restore_gives_back_every_row(demo_site, tmp_path):
    source = database_url(connection.settings_dict["NAME"])
    target_name = f"esc_restore_{uuid.uuid4().hex[:8]}"
    dump = tmp_path / "esc.dump"
    subprocess.run(  # noqa: S603
        [BASE_DIR / "scripts/backup.sh", dump],
        env={"DATABASE_URL": source, "PATH": "/usr/bin:/bin"},
        check=True, capture_output=True,
    )  # fmt: skip
    try:
        subprocess.run(  # noqa: S603
            [BASE_DIR / "scripts/restore.sh", dump],
            env={"DATABASE_URL": database_url(target_name), "PATH": "/usr/bin:/bin"},
            check=True, capture_output=True,
        )  # fmt: skip
        restored = row_counts(database_url(target_name))
        assert restored == row_counts(source)
        assert restored["wagtailcore_page"] > 10
    finally:
        subprocess.run(  # noqa: S603
            ["psql", database_url("postgres"), "-qc", f'DROP DATABASE IF EXISTS "{target_name}"'],  # noqa: S607
            check=False, capture_output=True,
        )  # fmt: skip

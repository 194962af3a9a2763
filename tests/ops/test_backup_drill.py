"""`make backup` and `make restore-drill` on PostgreSQL: the drill restores into a fresh database
and media folder, starts the app, and finds the same rows and files; a damaged backup fails it."""

import json
import subprocess
import sys

import pytest
from django.db import connection

from tests.ops.procs import ROOT, database_url
from tuijin.notifications.models import ScheduleSlot
from tuijin.orgs.models import User

pytestmark = pytest.mark.django_db(transaction=True)


def run(script, environ, *args):
    return subprocess.run(  # noqa: S603 (our own interpreter and scripts)
        [sys.executable, str(ROOT / "scripts" / script), *args], cwd=ROOT, env=environ,
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip


@pytest.fixture
def environ(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("pg_dump and pg_restore: the PostgreSQL run of the suite")
    media = tmp_path / "media"
    (media / "imports").mkdir(parents=True)
    (media / "imports" / "月报.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    (media / "photos").mkdir()
    (media / "photos" / "site.jpg").write_bytes(bytes(range(256)) * 64)
    import os

    base = {k: v for k, v in os.environ.items() if k != "TUIJIN_TESTING"}
    return base | {"DATABASE_URL": database_url(), "MEDIA_ROOT": str(media), "BACKUP_DIR": str(tmp_path / "backups")}


def test_the_restore_drill_finds_the_same_rows_and_files(environ, tmp_path):
    # Rows written without the services: a transactional test may leave no audit row (append-only).
    User.objects.bulk_create(User(username=f"user{n}", full_name=f"用户{n}") for n in range(12))
    ScheduleSlot.objects.bulk_create(ScheduleSlot(job="daily_timers", slot=f"2026-05-{d:02d}") for d in range(1, 29))
    made = run("backup.py", environ)
    assert made.returncode == 0, made.stdout + made.stderr
    (folder,) = (tmp_path / "backups").iterdir()
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["database"]["tables"]["orgs_user"]["rows"] >= 10
    assert set(manifest["media"]["files"]) == {"imports/月报.xlsx", "photos/site.jpg"}
    assert "DATABASE_URL" in json.loads((folder / "settings.json").read_text())

    drill = run("restore_drill.py", environ)
    assert drill.returncode == 0, drill.stdout + drill.stderr
    assert "restore drill: PASS" in drill.stdout
    assert "/healthz: 200" in drill.stdout
    with connection.cursor() as cursor:  # the drill database is gone
        cursor.execute("SELECT count(*) FROM pg_database WHERE datname LIKE 'tuijin_drill_%%'")
        assert cursor.fetchone()[0] == 0

    # A damaged dump is caught before anything is restored.
    with (folder / "db.dump").open("r+b") as f:
        f.seek(100)
        f.write(b"\x00\x00\x00")
    broken = run("restore_drill.py", environ, str(folder))
    assert broken.returncode == 1
    assert "FAIL  db.dump: sha256" in broken.stdout

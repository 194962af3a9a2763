#!/usr/bin/env python3
"""`make restore-drill`: restore the latest backup into a fresh database and media folder, start
the app on it, and compare with the backup's manifest. Prints a pass/fail report; exit 0 = pass.

    python scripts/restore_drill.py [BACKUP_FOLDER] [--keep]

Steps: the archives' sha256 against the manifest; `CREATE DATABASE tuijin_drill_<stamp>` on the
DATABASE_URL server (DRILL_DATABASE_URL names another server or database: it must be empty) and
pg_restore into it; the media archive into var/drill/<stamp>/media; `manage.py migrate --check`
(the restored schema is the code's); gunicorn on a free loopback port with the restored database
and media, and GET /healthz; every table's row count and checksum and every media file's sha256
against the manifest. The drill database and folder are removed afterwards unless --keep.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import socket
import subprocess
import sys
import tarfile
import time
import urllib.request
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))
from backup import (
    ROOT,
    SESSION_SETUP,
    cli_conninfo,
    conninfo,
    database,
    media_files,
    pg_env,
    read_env,
    sha256,
    table_figures,
)

PY = sys.executable


class Report:
    def __init__(self):
        self.lines: list[tuple[bool, str]] = []

    def check(self, ok: bool, what: str) -> bool:
        self.lines.append((bool(ok), what))
        print(f"  {'PASS' if ok else 'FAIL'}  {what}", flush=True)
        return bool(ok)

    @property
    def passed(self) -> bool:
        return all(ok for ok, _ in self.lines)


def latest_backup() -> Path:
    root = Path(read_env().str("BACKUP_DIR", default=str(ROOT / "var" / "backups")))
    found = sorted(p.parent for p in root.glob("*/manifest.json"))
    if not found:
        sys.exit(f"no backup in {root}: run `make backup` first")
    return found[-1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def url_of(db: dict) -> str:
    auth = ""
    if "user" in db:
        auth = db["user"] + (f":{db['password']}" if "password" in db else "") + "@"
    host = db.get("host", "")
    if not host or host.startswith("/"):
        query = f"?host={host}" if host else ""
        port = f"&port={db['port']}" if host and "port" in db else ""
        return f"postgres://{auth}/{db['dbname']}{query}{port}"
    return f"postgres://{auth}{host}:{db.get('port', 5432)}/{db['dbname']}"


def drill(folder: Path, *, keep: bool = False) -> bool:
    report = Report()
    times: dict[str, float] = {}
    manifest = json.loads((folder / "manifest.json").read_text())
    print(f"restore drill of {folder} (made {manifest['created_at']})")
    for name, digest in manifest["archives"].items():
        report.check(sha256(folder / name) == digest, f"{name}: sha256 as in the manifest")
    if not report.passed:
        return False

    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d%H%M%S")
    source = database()
    target = database(os.environ.get("DRILL_DATABASE_URL")) if os.environ.get("DRILL_DATABASE_URL") else None
    created = target is None
    if created:
        target = source | {"dbname": f"tuijin_drill_{stamp}"}
        with psycopg.connect(conninfo(source | {"dbname": "postgres"}), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{target["dbname"]}"')
    media = ROOT / "var" / "drill" / stamp / "media"
    media.mkdir(parents=True)
    app = None
    try:
        started = time.monotonic()
        restored = subprocess.run(  # noqa: S603 (pg_restore from PATH, our own arguments)
            [shutil.which("pg_restore") or "pg_restore", "--no-owner", "--no-privileges", "--exit-on-error",
             "--no-password",
             f"--dbname={cli_conninfo(target)}", str(folder / "db.dump")],
            env=pg_env(target), capture_output=True, text=True,
        )  # fmt: skip
        times["restore_database_seconds"] = round(time.monotonic() - started, 2)
        if not report.check(restored.returncode == 0, f"pg_restore into {target['dbname']}"):
            print(restored.stderr[-2000:])
            return False
        started = time.monotonic()
        with tarfile.open(folder / "media.tar.gz") as tar:
            tar.extractall(media, filter="data")
        times["restore_media_seconds"] = round(time.monotonic() - started, 2)

        app_env = {k: v for k, v in os.environ.items() if k not in ("TUIJIN_TESTING", "TASK_BROKER_URL")}
        # DEBUG=1 on the loopback address: the drill checks the data, and needs none of the site's secrets.
        app_env |= {"DATABASE_URL": url_of(target), "MEDIA_ROOT": str(media), "DEBUG": "1",
                    "ALLOWED_HOSTS": "127.0.0.1", "DATABASE_OWNER_URL": ""}  # fmt: skip
        check = subprocess.run(  # noqa: S603
            [PY, "manage.py", "migrate", "--check"], cwd=ROOT, env=app_env, capture_output=True, text=True
        )
        if not report.check(check.returncode == 0, "manage.py migrate --check: no migration missing"):
            print((check.stdout + check.stderr)[-2000:])

        port = free_port()
        started = time.monotonic()
        app = subprocess.Popen(  # noqa: S603
            [str(Path(PY).parent / "gunicorn"), "tuijin.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1",
             "--timeout", "60", "--log-level", "warning"],
            cwd=ROOT, env=app_env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        status, body = 0, ""
        while time.monotonic() - started < 60 and app.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as answer:
                    status, body = answer.status, answer.read(500).decode(errors="replace")
                break
            except urllib.error.HTTPError as exc:
                status, body = exc.code, exc.read(500).decode(errors="replace")
                break
            except OSError:
                time.sleep(0.3)
        times["app_start_seconds"] = round(time.monotonic() - started, 2)
        report.check(status == 200, f"the app on the restored data answers /healthz: {status} {body.strip()[:120]}")

        started = time.monotonic()
        with psycopg.connect(conninfo(target)) as conn, conn.cursor() as cursor:
            cursor.execute(SESSION_SETUP)
            tables = table_figures(cursor)
        expected = manifest["database"]["tables"]
        for name in sorted(set(expected) | set(tables)):
            want, got = expected.get(name), tables.get(name)
            if want == got:
                continue
            report.check(False, f"table {name}: {want} in the backup, {got} restored")
        rows = sum(t["rows"] for t in expected.values())
        report.check(
            all(expected.get(n) == tables.get(n) for n in set(expected) | set(tables)),
            f"{len(expected)} tables, {rows} rows: counts and checksums as in the manifest",
        )
        files = media_files(media)
        for name in sorted(set(manifest["media"]["files"]) ^ set(files)):
            report.check(False, f"media file {name}: only in the {'backup' if name not in files else 'restore'}")
        report.check(
            files == manifest["media"]["files"],
            f"{len(files)} media files: sizes and sha256 as in the manifest",
        )
        times["compare_seconds"] = round(time.monotonic() - started, 2)
    finally:
        if app is not None:
            app.terminate()
            try:
                app.wait(timeout=20)
            except subprocess.TimeoutExpired:
                app.kill()
        if not keep:
            if created:
                with psycopg.connect(conninfo(source | {"dbname": "postgres"}), autocommit=True) as conn:
                    conn.execute(f'DROP DATABASE IF EXISTS "{target["dbname"]}" WITH (FORCE)')
            shutil.rmtree(media.parent, ignore_errors=True)
        else:
            print(f"kept: database {target['dbname']}, media {media}")
    print("timings: " + ", ".join(f"{k} {v}" for k, v in times.items()))
    passed = sum(ok for ok, _ in report.lines)
    print(f"restore drill: {'PASS' if report.passed else 'FAIL'} ({passed}/{len(report.lines)} checks)")
    return report.passed


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--keep"]
    folder = Path(args[0]) if args else latest_backup()
    sys.exit(0 if drill(folder, keep="--keep" in sys.argv) else 1)

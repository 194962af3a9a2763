#!/usr/bin/env python3
"""`make backup`: a consistent backup of Tuijin into var/backups/<timestamp>/ (BACKUP_DIR).

    db.dump        pg_dump in custom format of the DATABASE_URL database (pg_restore reads it)
    media.tar.gz   every file under MEDIA_ROOT (uploads, imports, generated bulletins)
    settings.json  the environment's settings, secrets left out (names kept, values "<secret>")
    manifest.json  row count and checksum of every table, sha256 of every media file and of the
                   two archives, the server's version and how long each step took

The counts and checksums are taken in the very snapshot pg_dump dumps (pg_export_snapshot in a
REPEATABLE READ transaction held open while pg_dump runs with --snapshot), so they describe the
dump exactly even while the site keeps working. `make restore-drill` (scripts/restore_drill.py)
restores the latest backup elsewhere and compares. Reads DATABASE_URL and MEDIA_ROOT (and the
checkout's .env) the way tuijin/settings.py does; needs no SECRET_KEY. PostgreSQL only: the
embedded SQLite file is copied with `sqlite3 var/tuijin.sqlite3 ".backup FILE"`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path

import environ
import psycopg

ROOT = Path(__file__).resolve().parent.parent
SECRET = re.compile(r"SECRET|PASSWORD|KEY|TOKEN|CREDENTIAL", re.IGNORECASE)
# Rows whose text is the same in a restored copy: the session's rendering is fixed.
SESSION_SETUP = (
    "SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'; SET IntervalStyle = 'postgres'; SET extra_float_digits = 3"
)


def read_env() -> environ.Env:
    env = environ.Env()
    environ.Env.read_env(ROOT / ".env", overwrite=False)
    return env


def database(url: str | None = None) -> dict:
    """libpq keywords of DATABASE_URL (or `url`)."""
    env = read_env()
    url = url or env.str("DATABASE_URL", default="")
    if not url:
        sys.exit("DATABASE_URL is not set: the backup is of a PostgreSQL database (see the README).")
    config = environ.Env.db_url_config(url)
    if "postgresql" not in config["ENGINE"]:
        sys.exit(f"DATABASE_URL is not PostgreSQL ({config['ENGINE']}): copy SQLite with sqlite3 .backup instead.")
    keywords = {"dbname": config["NAME"], "host": config.get("HOST") or "", "port": str(config.get("PORT") or "")}
    keywords |= {"user": config.get("USER") or "", "password": config.get("PASSWORD") or ""}
    return {k: v for k, v in keywords.items() if v}


def conninfo(db: dict) -> str:
    return psycopg.conninfo.make_conninfo(**db)


def pg_env(db: dict) -> dict[str, str]:
    """Environment for pg_dump / pg_restore / psql: the password through PGPASSWORD, not argv."""
    extra = {"PGPASSWORD": db["password"]} if "password" in db else {}
    return os.environ | extra


def cli_conninfo(db: dict) -> str:
    return conninfo({k: v for k, v in db.items() if k != "password"})


def media_root() -> Path:
    return Path(read_env().str("MEDIA_ROOT", default=str(ROOT / "var" / "media")))


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def table_figures(cursor) -> dict[str, dict]:
    """{table: {"rows": n, "md5": checksum of its rows in a stable order}} of the public schema."""
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
    figures = {}
    for (table,) in cursor.fetchall():
        quoted = '"' + table.replace('"', '""') + '"'
        cursor.execute(
            f"SELECT count(*), coalesce(md5(string_agg(md5(t::text), '' ORDER BY t::text)), '') FROM {quoted} t"  # noqa: S608
        )
        rows, checksum = cursor.fetchone()
        figures[table] = {"rows": rows, "md5": checksum}
    return figures


def media_files(root: Path) -> dict[str, dict]:
    if not root.is_dir():
        return {}
    found = {}
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        found[path.relative_to(root).as_posix()] = {"bytes": path.stat().st_size, "sha256": sha256(path)}
    return found


def settings_snapshot() -> dict[str, str]:
    """The environment variables tuijin/settings.py reads that are set here; secrets redacted."""
    source = (ROOT / "tuijin" / "settings.py").read_text(encoding="utf-8")
    names = sorted(
        set(re.findall(r"""(?:env(?:\.\w+)?|_strict_\w+|_fernet_keys)\(\s*["']([A-Z][A-Z0-9_]+)["']""", source))
    )
    read_env()  # the checkout's .env, as the settings read it
    snapshot = {}
    for name in names:
        value = os.environ.get(name)
        if value is None:
            continue
        if name.endswith("_URL") and "@" in value:
            value = re.sub(r"//([^:/@]+):[^@]*@", r"//\1:<secret>@", value)
        snapshot[name] = "<secret>" if SECRET.search(name) else value
    return snapshot


def backup(target_root: Path | None = None) -> Path:
    env = read_env()
    db = database()
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    target_root = target_root or Path(env.str("BACKUP_DIR", default=str(ROOT / "var" / "backups")))
    target = target_root / stamp
    target.mkdir(parents=True)
    os.chmod(target, 0o700)
    timings = {}

    started = time.monotonic()
    with psycopg.connect(conninfo(db), autocommit=False) as conn:
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]
        server = conn.execute("SHOW server_version").fetchone()[0]
        dump = subprocess.Popen(  # noqa: S603 (pg_dump from PATH, our own arguments)
            [shutil.which("pg_dump") or "pg_dump", "--format=custom", f"--snapshot={snapshot}", "--no-password",
             f"--file={target / 'db.dump'}", f"--dbname={cli_conninfo(db)}"],
            env=pg_env(db),
        )  # fmt: skip
        with conn.cursor() as cursor:
            cursor.execute(SESSION_SETUP)
            tables = table_figures(cursor)
        if dump.wait() != 0:
            sys.exit(f"pg_dump failed (exit {dump.returncode})")
    timings["database_seconds"] = round(time.monotonic() - started, 2)

    started = time.monotonic()
    media = media_root()
    files = media_files(media)
    with tarfile.open(target / "media.tar.gz", "w:gz") as tar:
        for name in files:
            tar.add(media / name, arcname=name, recursive=False)
    timings["media_seconds"] = round(time.monotonic() - started, 2)

    (target / "settings.json").write_text(json.dumps(settings_snapshot(), indent=2, ensure_ascii=False) + "\n")
    manifest = {
        "format": 1,
        "created_at": stamp,
        "database": {"name": db["dbname"], "server_version": server, "tables": tables},
        "media": {"root": str(media), "files": files},
        "archives": {name: sha256(target / name) for name in ("db.dump", "media.tar.gz", "settings.json")},
        "timings": timings,
    }
    (target / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    rows = sum(t["rows"] for t in tables.values())
    size = sum((target / n).stat().st_size for n in manifest["archives"])
    print(
        f"backup {target}: {len(tables)} tables, {rows} rows, {len(files)} media files, "
        f"{size / 1e6:.1f} MB; database {timings['database_seconds']} s, media {timings['media_seconds']} s"
    )
    return target


if __name__ == "__main__":
    backup(Path(sys.argv[1]) if len(sys.argv) > 1 else None)

"""The deployment (deploy/) tried for real: gunicorn from its config file on a migrated database,
the systemd units, the nginx site, the health checks and protected downloads."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PY = sys.executable
FERNET = "ZmFrZS1rZXktZm9yLXRlc3RzLW9ubHktMzItYnl0ZXM="


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def production_env(database: Path, **extra: str) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if k not in ("TUIJIN_TESTING", "PYTEST_XDIST_WORKER", "DEBUG")}
    return base | {
        "DEBUG": "0", "SECRET_KEY": "deploy-test-secret-key-" + "x" * 30, "FIELD_ENCRYPTION_KEY": FERNET,
        "DATABASE_URL": f"sqlite:///{database}", "ALLOWED_HOSTS": "127.0.0.1", "TASK_BROKER_URL": "",
        "CACHE_URL": "", "PYTHONPATH": str(ROOT),
    } | extra  # fmt: skip


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory) -> Path:
    """A SQLite file migrated by manage.py under the production settings (once per session)."""
    database = tmp_path_factory.mktemp("deploy") / "site.sqlite3"
    done = subprocess.run(  # noqa: S603 (our interpreter, our arguments)
        [PY, "manage.py", "migrate", "-v0"], cwd=ROOT, env=production_env(database),
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    return database


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310 (http://127.0.0.1 only)
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310
            return answer.status, dict(answer.headers), answer.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def wait_until(check, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")

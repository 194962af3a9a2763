"""Real processes for the operations tests: Celery workers, the scheduler, manage.py commands,
against the test database (PostgreSQL; the tests are transactional so the processes see the rows)
and the RabbitMQ broker on this machine (one queue per test, deleted afterwards)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
BROKER = os.environ.get("TEST_TASK_BROKER_URL", "amqp://guest:guest@127.0.0.1:5672//")
PY = sys.executable


def need_postgres_and_broker() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("several processes on one database: the PostgreSQL run of the suite")
    host, port = "127.0.0.1", 5672
    try:
        socket.create_connection((host, port), timeout=2).close()
    except OSError:
        if os.environ.get("CI"):
            pytest.fail(f"RabbitMQ is not listening on {host}:{port}")
        pytest.skip(f"RabbitMQ is not listening on {host}:{port}")


def database_url() -> str:
    s = connection.settings_dict
    host = s.get("HOST") or "/var/run/postgresql"
    auth = f"{s['USER']}:{s.get('PASSWORD') or ''}@" if s.get("USER") else ""
    if host.startswith("/"):
        return f"postgres://{auth}/{s['NAME']}?host={host}" + (f"&port={s['PORT']}" if s.get("PORT") else "")
    return f"postgres://{auth}{host}:{s.get('PORT') or 5432}/{s['NAME']}"


def env(queue: str, **extra: str) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if k not in ("TUIJIN_TESTING", "PYTEST_XDIST_WORKER")}
    return (
        base
        | {
            "DEBUG": "1",
            "DATABASE_URL": database_url(),
            "TASK_BROKER_URL": BROKER,
            "TASK_QUEUE": queue,
            "TASK_RETRY_BACKOFF": "1",
            "TASK_RETRY_BACKOFF_MAX": "2",
            "PYTHONPATH": str(ROOT),
            "LOG_LEVEL": "INFO",
            "CONN_MAX_AGE": "0",
        }
        | extra
    )


def new_queue() -> str:
    return f"test-{uuid.uuid4().hex[:10]}"


class Procs:
    """Started processes, each in its own process group; all killed at the end of the test."""

    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.started: list[tuple[subprocess.Popen, Path]] = []

    def start(self, name: str, argv: list[str], environ: dict[str, str]) -> subprocess.Popen:
        log = self.tmp / f"{name}.log"
        handle = log.open("ab")
        proc = subprocess.Popen(  # noqa: S603 (our own interpreter and arguments)
            argv, cwd=ROOT, env=environ | {"WORKER_NAME": name}, stdout=handle, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        self.started.append((proc, log))
        return proc

    def worker(self, name: str, environ: dict[str, str], concurrency: int = 1) -> subprocess.Popen:
        return self.start(name, [
            PY, "-m", "celery", "-A", "tuijin.core.taskqueue", "worker", "-n", f"{name}-{environ['TASK_QUEUE']}@%h",
            "-Q", environ["TASK_QUEUE"], "-c", str(concurrency), "--without-gossip", "--without-mingle",
            "-l", "INFO",
        ], environ)  # fmt: skip

    def manage(self, environ: dict[str, str], *args: str, timeout: float = 120) -> str:
        done = subprocess.run(  # noqa: S603 (our own interpreter and arguments)
            [PY, "manage.py", *args], cwd=ROOT, env=environ, capture_output=True, text=True, timeout=timeout
        )
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    @staticmethod
    def kill(proc: subprocess.Popen, sig: int = signal.SIGKILL) -> None:
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)

    def stop_all(self) -> None:
        for proc, _log in self.started:
            if proc.poll() is None:
                self.kill(proc, signal.SIGTERM)

    def logs(self) -> str:
        return "\n".join(f"--- {log.name}\n{log.read_text(errors='replace')[-3000:]}" for _p, log in self.started)


def enqueue(environ: dict[str, str], code: str) -> None:
    """Enqueue through Django's Tasks API in a process configured like the web app (Celery backend)."""
    done = subprocess.run(  # noqa: S603 (our own interpreter and arguments)
        [PY, "-c", "import django; django.setup()\n" + code],
        cwd=ROOT, env=environ | {"DJANGO_SETTINGS_MODULE": "tuijin.settings"}, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr


def queue_depth(queue: str) -> int:
    from kombu import Connection

    with Connection(BROKER) as conn:
        return conn.default_channel.queue_declare(queue=queue, passive=True).message_count


def delete_queue(queue: str) -> None:
    from kombu import Connection

    try:
        with Connection(BROKER) as conn:
            conn.default_channel.queue_delete(queue=queue)
    except Exception:  # noqa: S110 (never declared: nothing to clean)
        pass


def wait_for(check, timeout: float, what: str, procs: Procs | None = None, step: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(step)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}\n{procs.logs() if procs else ''}")

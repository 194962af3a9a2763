"""gunicorn started from deploy/gunicorn.conf.py serves the app under the production settings."""

import json
import signal
import subprocess

import pytest

from tests.deploy.conftest import ROOT, free_port, get, production_env, wait_until

pytestmark = pytest.mark.deploy


@pytest.fixture
def gunicorn(migrated_sqlite, tmp_path):
    port = free_port()
    log = tmp_path / "gunicorn.log"
    environ = production_env(
        migrated_sqlite, GUNICORN_BIND=f"127.0.0.1:{port}", GUNICORN_WORKERS="1", GUNICORN_THREADS="2",
        LOG_FORMAT="json",
    )  # fmt: skip
    with log.open("wb") as out:
        proc = subprocess.Popen(  # noqa: S603 (our virtualenv's gunicorn)
            [str(ROOT / ".venv" / "bin" / "gunicorn"), "--config", str(ROOT / "deploy" / "gunicorn.conf.py")],
            cwd=ROOT, env=environ, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    base = f"http://127.0.0.1:{port}"

    def up():
        if proc.poll() is not None:
            raise AssertionError("gunicorn exited:\n" + log.read_text(errors="replace"))
        try:
            return get(base + "/healthz")[0] == 200
        except OSError:
            return False

    try:
        wait_until(up, 60, "gunicorn to answer /healthz")
        yield base, log
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)


def test_gunicorn_from_the_deploy_config_answers_health_and_readiness(gunicorn):
    base, _log = gunicorn
    status, _headers, body = get(base + "/healthz")
    assert (status, json.loads(body)) == (200, {"status": "ok"})  # over plain HTTP: no redirect for probes
    status, _headers, body = get(base + "/readyz")
    answer = json.loads(body)
    assert status == 200, answer
    assert answer["checks"]["database"]["ok"]
    assert answer["checks"]["migrations"]["ok"]
    assert "scheduler_heartbeat" not in answer["checks"]  # no TASK_BROKER_URL: the database worker


def test_each_request_is_one_json_log_line_with_its_request_id(gunicorn):
    base, log = gunicorn
    status, headers, _body = get(base + "/readyz", {"X-Request-ID": "nginx-req-0001"})
    assert headers["X-Request-ID"] == "nginx-req-0001"

    def line():
        for text in log.read_text(errors="replace").splitlines():
            if text.startswith("{") and '"request_id": "nginx-req-0001"' in text:
                return json.loads(text)
        return None

    entry = wait_until(line, 10, "the request's log line")
    assert entry["method"] == "GET"
    assert entry["path"] == "/readyz"
    assert entry["status"] == status
    assert entry["user_id"] is None
    assert entry["duration_ms"] >= 0
    assert entry["time"].endswith("+08:00")  # Asia/Shanghai

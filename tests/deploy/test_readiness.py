"""/readyz with the Celery task queue: the scheduler's and a worker's heartbeats must be fresh."""

import datetime as dt

import pytest
import time_machine
from django.core.cache import caches

from tuijin.core import health

pytestmark = [pytest.mark.deploy, pytest.mark.django_db]

START = dt.datetime(2026, 5, 12, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def celery_site(settings):
    settings.TASK_BROKER_URL = "amqp://guest:guest@127.0.0.1:5672//"
    settings.HEALTH_SCHEDULER_MAX_AGE = 120
    settings.HEALTH_WORKER_MAX_AGE = 180
    health._last_written.clear()
    caches["shared"].delete_many([health.KEY.format("scheduler"), health.KEY.format("worker")])


def test_ready_when_the_scheduler_and_a_worker_were_heard_from(client):
    with time_machine.travel(START, tick=False):
        health.beat("scheduler")
        health.beat("worker")
        response = client.get("/readyz")
    assert response.status_code == 200, response.json()
    assert set(response.json()["checks"]) == {"database", "migrations", "scheduler_heartbeat", "worker_heartbeat"}


def test_not_ready_when_the_scheduler_heartbeat_is_stale(client):
    with time_machine.travel(START, tick=False) as traveller:
        health.beat("scheduler")
        health.beat("worker")
        traveller.shift(dt.timedelta(seconds=150))
        health.beat("worker")
        response = client.get("/readyz")
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["scheduler_heartbeat"] == {"ok": False, "age_seconds": 150.0, "max_age_seconds": 120}
    assert checks["worker_heartbeat"]["ok"]
    assert checks["database"]["ok"]
    assert response.json()["status"] == "unavailable"


def test_not_ready_before_any_worker_was_heard_from(client):
    health.beat("scheduler")
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["worker_heartbeat"]["error"] == "never heard from"


def test_liveness_does_not_depend_on_the_heartbeats(client):
    assert client.get("/healthz").json() == {"status": "ok"}

"""A background import whose worker died is not left `running` for ever: its lease expires, and it
is run again once (safe: nothing was written) or, interrupted again, failed with a clear message.

A dead worker is a claim written as run_import writes it, then the clock moved past the lease.
"""

import datetime as dt
import threading
from types import SimpleNamespace

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.utils import timezone

from tests.indicators.test_excel import OPEN_DAY, YEAR, as_upload, upload, workbook
from tuijin.indicators import import_tasks
from tuijin.indicators.models import ImportBatch, Report
from tuijin.indicators.services import imports, uploads
from tuijin.orgs.models import User

pytestmark = pytest.mark.django_db
LEASE = dt.timedelta(minutes=5)


@pytest.fixture
def queued_batch(cast, catalogue, client_for, monkeypatch, settings, tmp_path):
    """A big upload queued for the worker (its task not run yet): 18 figures for March."""
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(uploads, "BACKGROUND_ROWS", 2)
    client = client_for(cast.supervisor)
    with time_machine.travel(OPEN_DAY, tick=False):
        wb = workbook(client.get("/indicators/config/workbook/", {"year": YEAR, "month": 3}))
        for row in wb.active.iter_rows(min_row=2):
            row[7].value = 1
        upload(client, as_upload(wb, "big.xlsx"))  # on_commit not run: the task is only queued
    return ImportBatch.objects.get()


def die_while_running(batch: ImportBatch, *, attempts: int = 1) -> None:
    """What a worker leaves behind when it is killed after claiming the batch."""
    ImportBatch.objects.filter(pk=batch.pk).update(
        status="running", claimed_by="host:4242:dead", heartbeat_at=timezone.now(), attempts=attempts, processed_rows=8
    )


def later(minutes: float):
    return time_machine.travel(dt.datetime.fromisoformat(OPEN_DAY.replace(" +", "+")) + dt.timedelta(minutes=minutes))


def test_an_import_whose_worker_died_is_run_again_once_and_the_page_says_so(
    queued_batch, cast, client_for, django_capture_on_commit_callbacks
):
    with time_machine.travel(OPEN_DAY, tick=False):
        die_while_running(queued_batch)
    client = client_for(cast.supervisor)
    with later(6), django_capture_on_commit_callbacks(execute=True):
        page = client.get(f"/indicators/config/imports/{queued_batch.pk}/", headers={"HX-Request": "true"})
    assert "处理进程中断，已自动重试" in page.text
    assert 'data-status="pending"' in page.text  # queued again; the worker (here: at once) reruns it
    queued_batch.refresh_from_db()
    assert (queued_batch.status, queued_batch.attempts, queued_batch.notice) == (
        "done",
        2,
        "处理进程中断，已自动重试。",
    )
    with later(7):
        page = client.get(f"/indicators/config/imports/{queued_batch.pk}/")
    assert Report.objects.count() == 18
    assert "处理进程中断，已自动重试" in page.text
    assert 'data-testid="batch-done"' in page.text


def test_an_import_still_renewing_its_lease_is_left_alone(queued_batch, django_capture_on_commit_callbacks):
    with time_machine.travel(OPEN_DAY, tick=False):
        die_while_running(queued_batch)
    with later(4), django_capture_on_commit_callbacks(execute=True):
        assert import_tasks.imports_recover() == {"retried": 0, "failed": 0}
    queued_batch.refresh_from_db()
    assert (queued_batch.status, queued_batch.claimed_by) == ("running", "host:4242:dead")


def test_an_import_interrupted_twice_fails_and_asks_for_a_new_upload(queued_batch, cast, client_for):
    with time_machine.travel(OPEN_DAY, tick=False):
        die_while_running(queued_batch, attempts=2)
    with later(6):
        page = client_for(cast.supervisor).get(f"/indicators/config/imports/{queued_batch.pk}/")
    queued_batch.refresh_from_db()
    assert queued_batch.status == "failed"
    assert queued_batch.errors == [{"row": None, "field": "file", "message": "处理中断，请重新上传。"}]
    assert "处理中断，请重新上传" in page.text
    assert "every 1s" not in page.text
    assert Report.objects.count() == 0


def test_a_worker_that_lost_its_claim_stops_and_writes_nothing(queued_batch, cast):
    with time_machine.travel(OPEN_DAY, tick=False):
        ImportBatch.objects.filter(pk=queued_batch.pk).update(status="running", claimed_by="recovered:1:new")
        with default_storage.open(uploads.stored_path(queued_batch), "rb") as handle:
            rows = uploads.READERS["reports"](handle.read())
        queued_batch.claimed_by = "dead:1:old"  # what the dead worker still holds in memory
        with pytest.raises(imports.LeaseLost):
            import_tasks._progress(queued_batch.pk, "dead:1:old")(10)
        with pytest.raises(imports.LeaseLost):
            imports.reports_import(actor=cast.supervisor, rows=rows, source=imports.SOURCE_EXCEL, batch=queued_batch)
    assert Report.objects.count() == 0
    assert ImportBatch.objects.get().claimed_by == "recovered:1:new"


def test_the_worker_renews_its_lease_while_it_validates(queued_batch, monkeypatch):
    monkeypatch.setattr(imports, "PROGRESS_EVERY", 5)
    seen = []
    real = import_tasks._progress

    def watching(batch_id, token):
        update = real(batch_id, token)

        def spy(processed):
            update(processed)
            seen.append(ImportBatch.objects.values_list("heartbeat_at", flat=True).get())

        return spy

    monkeypatch.setattr(import_tasks, "_progress", watching)
    with time_machine.travel(OPEN_DAY, tick=True):
        assert import_tasks.run_import.call(queued_batch.pk) == "done"
    assert len(seen) == 4
    assert seen == sorted(seen)
    queued_batch.refresh_from_db()
    assert queued_batch.heartbeat_at >= seen[-1]


@pytest.mark.django_db(transaction=True)
def test_two_recoverers_at_once_take_a_stale_import_only_once(monkeypatch):
    """The first holds its takeover uncommitted while the second tries: the second's conditional
    UPDATE waits for the row lock, then finds the batch no longer stale."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers by its write lock; the race needs two PostgreSQL sessions")
    owner = User.objects.create(username="importer")  # no service, no audit row: the flush stays possible
    batch = ImportBatch.objects.create(
        kind="reports", created_by=owner, status="running", claimed_by="host:4242:dead", attempts=1,
        heartbeat_at=_after(0),
    )  # fmt: skip
    results, first_claimed, queued = {}, threading.Event(), []

    def first():
        try:
            with transaction.atomic():
                results["first"] = import_tasks.imports_recover(now=_after(6))
                first_claimed.set()
                threading.Event().wait(0.5)  # the second is now waiting on the row
        finally:
            connection.close()

    def second():
        try:
            first_claimed.wait(5)
            results["second"] = import_tasks.imports_recover(now=_after(6))
        finally:
            connection.close()

    # No worker here: the retry's task is only counted (the batch stays pending).
    monkeypatch.setattr(import_tasks, "run_import", SimpleNamespace(enqueue=queued.append))
    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert results == {"first": {"retried": 1, "failed": 0}, "second": {"retried": 0, "failed": 0}}
    assert queued == [batch.pk]
    batch.refresh_from_db()
    assert (batch.status, batch.claimed_by) == ("pending", "")


def _after(minutes: int) -> dt.datetime:
    return dt.datetime.fromisoformat(OPEN_DAY.replace(" +", "+")) + dt.timedelta(minutes=minutes)


def test_an_import_from_before_leases_is_recovered_too(queued_batch, django_capture_on_commit_callbacks):
    """A batch left running before this release has no heartbeat: it counts as stale."""
    ImportBatch.objects.filter(pk=queued_batch.pk).update(status="running")
    with later(0), django_capture_on_commit_callbacks(execute=True):
        assert import_tasks.imports_recover()["retried"] == 1
    assert ImportBatch.objects.get().status == "done"

"""The daily timers: reminders, digests and escalations that other apps register.

`register(name, fn, working_days_only=True)` — `fn(as_of: date) -> int` acts on the situation
at `as_of` (a date in Asia/Shanghai) and returns how many things it acted on; it must be
idempotent (claim its work with a conditional UPDATE, or notify with a `dedupe_key`).
`run_timers(as_of)` runs them; each (timer, day) is claimed once in `TimerRun`, so a second
run for the same day does nothing (unless forced).

Reminders are sent at 09:00 on working days only: a timer registered with
`working_days_only=True` (the default, for anything that tells people) is skipped on a rest
day or public holiday, and for today before 09:00. Escalations (`working_days_only=False`) run
on every day they are called for. The worker runs `daily_timers` at 09:00 of every working day
and queues the next run itself; `manage.py schedule_timers` starts the chain,
`manage.py run_timers --as-of YYYY-MM-DD` catches up by hand.

A claim carries a lease (tuijin.core.leases): a run that never finished and whose heartbeat is
older than TIMER_LEASE_SECONDS belongs to a worker that died. The next run for that day takes it
over (once: timers are idempotent, so a rerun is safe); `timers_recover` (worker start and each
daily run) queues that rerun for today at once, and marks a claim interrupted twice as failed so
a timer that kills its worker does not do it every few minutes (`run_timers --force` reruns it).
"""

from __future__ import annotations

import datetime as dt
import logging
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F
from django.tasks import task
from django.utils import timezone

from tuijin.audit.context import as_system
from tuijin.audit.models import SystemActor
from tuijin.core import conf as core_conf
from tuijin.core import leases
from tuijin.notifications.models import TimerRun
from tuijin.workdays import workcalendar

logger = logging.getLogger(__name__)

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
SEND_TIME = dt.time(9, 0)
DAILY_TASK_NAME = "daily_timers"
MAX_ATTEMPTS = 2  # the first run and one takeover
INTERRUPTED = "处理进程两次中断，未再自动重试；请查明原因后用 manage.py run_timers --force 补跑。"


@dataclass(frozen=True)
class Timer:
    name: str
    fn: Callable[[dt.date], int]
    working_days_only: bool = True


@dataclass(frozen=True)
class Outcome:
    name: str
    status: str  # "done", "already_ran", "skipped_rest_day", "skipped_before_send_time", "error"
    acted: int = 0
    message: str = ""


_REGISTRY: dict[str, Timer] = {}


def register(name: str, fn: Callable[[dt.date], int], *, working_days_only: bool = True) -> None:
    """Add a timer (call from AppConfig.ready(); registering the same name again replaces it)."""
    if not name or len(name) > TimerRun._meta.get_field("name").max_length:
        raise ValueError(f"bad timer name {name!r}")
    _REGISTRY[name] = Timer(name, fn, working_days_only)


def registered() -> dict[str, Timer]:
    return dict(_REGISTRY)


def local_now(now: dt.datetime | None = None) -> dt.datetime:
    return timezone.localtime(now or timezone.now(), SHANGHAI)


def today() -> dt.date:
    return local_now().date()


def is_send_time(now: dt.datetime | None = None) -> bool:
    """True from 09:00 (Asia/Shanghai) on a working day; never at night or on a holiday."""
    local = local_now(now)
    if local.time() < SEND_TIME:
        return False
    try:
        return workcalendar.is_working_day(local.date())
    except workcalendar.UnknownCalendarYear:
        return False


def run_timers(as_of: dt.date, *, names: list[str] | None = None, force: bool = False) -> list[Outcome]:
    """Run the registered timers (or those `names`) for `as_of`; one Outcome per timer."""
    unknown = set(names or ()) - set(_REGISTRY)
    if unknown:
        raise KeyError(f"unknown timer(s): {', '.join(sorted(unknown))}")
    timers = [_REGISTRY[n] for n in (names or sorted(_REGISTRY))]
    reminder_day, why_not = _reminder_day(as_of)
    outcomes = []
    for timer in timers:
        if timer.working_days_only and not reminder_day:
            outcomes.append(Outcome(timer.name, why_not, message=_SKIP_MESSAGES[why_not]))
            continue
        outcomes.append(_run_one(timer, as_of, force))
    return outcomes


_SKIP_MESSAGES = {
    "skipped_rest_day": "休息日不发送提醒",
    "skipped_before_send_time": "提醒于工作日 9:00 后发送",
    "skipped_unknown_year": "该年度节假日安排未录入，不发送提醒",
}


def _reminder_day(as_of: dt.date) -> tuple[bool, str]:
    try:
        if not workcalendar.is_working_day(as_of):
            return False, "skipped_rest_day"
    except workcalendar.UnknownCalendarYear:
        return False, "skipped_unknown_year"
    if as_of == today() and local_now().time() < SEND_TIME:
        return False, "skipped_before_send_time"
    return True, ""


def _run_one(timer: Timer, as_of: dt.date, force: bool) -> Outcome:
    token = leases.new_token()
    run = _claim(timer.name, as_of, force, token)
    if run is None:
        return Outcome(timer.name, "already_ran", message="该日已运行")
    mine = TimerRun.objects.filter(pk=run.pk, claimed_by=token)
    try:
        with as_system(SystemActor.TIMER):  # what it records is the system's, not a person's
            acted = int(timer.fn(as_of) or 0)
    except Exception as exc:
        # A failing timer is logged and recorded; the others still run. Its claim is released
        # so the next run (or a catch-up by hand) tries it again.
        logger.exception("timer %s for %s failed", timer.name, as_of)
        mine.delete()
        return Outcome(timer.name, "error", message=f"{type(exc).__name__}: {exc}")
    mine.update(finished_at=timezone.now(), heartbeat_at=timezone.now(), acted=acted, error="")
    logger.info("timer %s for %s acted on %s", timer.name, as_of, acted)
    return Outcome(timer.name, "done", acted=acted)


def _claim(name: str, day: dt.date, force: bool, token: str) -> TimerRun | None:
    """Claim (timer, day): a new row, or a takeover of a claim whose lease expired (or, forced,
    of any claim). The takeover is a conditional UPDATE: of two runs only one gets it."""
    now = timezone.now()
    try:
        with transaction.atomic():
            return TimerRun.objects.create(name=name, day=day, claimed_by=token, heartbeat_at=now)
    except IntegrityError:
        pass
    run = TimerRun.objects.filter(name=name, day=day)
    if not force:
        run = run.filter(finished_at=None, attempts__lt=MAX_ATTEMPTS).filter(
            leases.expired(core_conf.TIMER_LEASE_SECONDS, now)
        )
    taken = run.update(
        started_at=now, finished_at=None, claimed_by=token, heartbeat_at=now, error="",
        attempts=1 if force else F("attempts") + 1,
    )  # fmt: skip
    if not taken:
        return None
    if not force:
        logger.warning("timer %s for %s: the claim of a worker that died is taken over", name, day)
    return TimerRun.objects.get(name=name, day=day)


def timers_recover(now: dt.datetime | None = None, *, requeue: bool = True) -> dict[str, int]:
    """Deal with unfinished claims whose lease expired: one interrupted twice is marked failed;
    one of today is run again at once (queued), any other waits for a run for its day."""
    now = now or timezone.now()
    stale = TimerRun.objects.filter(finished_at=None).filter(leases.expired(core_conf.TIMER_LEASE_SECONDS, now))
    failed = stale.filter(attempts__gte=MAX_ATTEMPTS).update(finished_at=now, error=INTERRUPTED)
    retry_today = stale.filter(attempts__lt=MAX_ATTEMPTS, day=local_now(now).date()).exists()
    if failed:
        logger.error("%s timer claim(s) interrupted twice: marked failed", failed)
    if retry_today and requeue:
        transaction.on_commit(lambda: daily_timers.enqueue())
    return {"failed": failed, "retry_today": int(retry_today)}


# --- the daily chain -------------------------------------------------------------------------


def next_run_at(after: dt.datetime | None = None) -> dt.datetime:
    """09:00 Asia/Shanghai of the first working day after `after`'s date (the next day when the
    calendar for that year is not entered yet, so the chain never stops)."""
    day = local_now(after).date() + dt.timedelta(days=1)
    try:
        day = workcalendar.next_working_day(day)
    except workcalendar.UnknownCalendarYear:
        logger.warning("no holiday calendar for %s: daily timers scheduled for the next natural day", day.year)
    return dt.datetime.combine(day, SEND_TIME, tzinfo=SHANGHAI)


@task
def daily_timers() -> dict:
    """Run today's timers, send what is due, and queue the next run (09:00 of the next working day)."""
    from tuijin.core.recovery import recover_claims
    from tuijin.notifications import deliveries

    try:
        recover_claims(requeue_timers=False)
        outcomes = run_timers(today())
        deliveries.send_due()
    finally:
        # A backend that cannot defer (Celery) has the scheduler queue the next run
        # (tuijin.notifications.scheduler); the database worker keeps one queued itself.
        if daily_timers.get_backend().supports_defer and not _queued_after(timezone.now()):
            daily_timers.using(run_after=next_run_at()).enqueue()
    return {o.name: o.status for o in outcomes}


def _queued_after(moment: dt.datetime) -> bool:
    """Is a daily_timers run already waiting in the database queue for after `moment`?"""
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(
        task_path=daily_timers.module_path, status="READY", run_after__gt=moment
    ).exists()


def schedule(now: dt.datetime | None = None) -> tuple[bool, dt.datetime]:
    """Make sure exactly one future daily_timers run is queued; returns (queued now?, its time)."""
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    waiting = DBTaskResult.objects.filter(task_path=daily_timers.module_path, status="READY").order_by("run_after")
    future = list(waiting.filter(run_after__gt=now))
    if future:
        keep, extra = future[0], future[1:]
        if extra:
            waiting.filter(pk__in=[r.pk for r in extra]).delete()
        return False, keep.run_after
    when = next_run_at(now) if local_now(now).time() >= SEND_TIME else _today_or_next(now)
    daily_timers.using(run_after=when).enqueue()
    return True, when


def _today_or_next(now: dt.datetime) -> dt.datetime:
    """Before 09:00: today at 09:00 when today is a working day, else the next working day's 09:00."""
    local = local_now(now)
    try:
        if workcalendar.is_working_day(local.date()):
            return dt.datetime.combine(local.date(), SEND_TIME, tzinfo=SHANGHAI)
    except workcalendar.UnknownCalendarYear:
        pass
    return next_run_at(now)

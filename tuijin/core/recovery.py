"""Recovery of claims left by a worker that died (see tuijin.core.leases).

`recover_claims` runs when the worker starts (`manage.py recover_claims`, before `db_worker`),
again once the longest lease has passed after that (a claim the dead worker renewed just before
it died is not stale at the start yet), at the start of each daily timer run, and, for imports,
whenever an import's page is polled.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.tasks import task
from django.utils import timezone

from tuijin.core import conf

Recoverer = Callable[..., dict[str, int]]
_RECOVERERS: dict[str, Recoverer] = {}


def register(kind: str, recoverer: Recoverer) -> None:
    """An app with leased claims registers how to recover them (from its AppConfig.ready), so core
    names no app. A recoverer takes `requeue` (may it queue work again now) and says what it did."""
    _RECOVERERS[kind] = recoverer


def recover_claims(*, requeue_timers: bool = True) -> dict[str, dict[str, int]]:
    """Recover every registered kind of stale claim ("imports", "timers"); returns what was done,
    per kind. `requeue_timers=False` from inside the daily run, which runs today's timers itself."""
    return {kind: recoverer(requeue=requeue_timers) for kind, recoverer in sorted(_RECOVERERS.items())}


@task
def recover_claims_task() -> dict[str, dict[str, int]]:
    return recover_claims()


def recover_at_start() -> dict[str, dict[str, int]]:
    """Recover now, and queue one more recovery for when every claim alive now would be stale."""
    done = recover_claims()
    if recover_claims_task.get_backend().supports_defer:
        wait = max(conf.IMPORT_LEASE_SECONDS, conf.TIMER_LEASE_SECONDS) + 30
        recover_claims_task.using(run_after=timezone.now() + dt.timedelta(seconds=wait)).enqueue()
    return done

"""最多报一次: indicators fed by projects take each unit's value from the project library.

For every active indicator marked `fed_by_projects` and due in the month, the value of a unit
that reports it (a member of one of its ranking groups) is derived from the projects whose
implementing unit is that unit or below it; the indicator's `project_figure` says which figure:

- investment: the year-to-date investment (亿元, months 1..M) from the projects' progress. A unit
  none of whose projects has reported anything for the year gets no figure (未报, not 0); last
  year's value is the same sum for the year before where progress exists for it, otherwise the
  stored one stays.
- started: how many projects started (实际开工) in the year by the end of month M. The library
  knows this for every unit, so a unit without a started project gets 0.

Figures are written through the one write path (`indicators.services.figures`) into the unit's
`Submission` for the period (created as a draft when absent; its status is never changed). A
fed figure counts as reported on its own (`analytics.counted`), so a unit whose only figures
are fed is ranked without ever being asked for anything. Running again with nothing changed
writes nothing (no revision, no version bump, no audit event).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import F, Func, OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from tuijin.audit.context import as_system
from tuijin.audit.models import AuditAction, SystemActor
from tuijin.audit.services import record
from tuijin.indicators.models import Indicator, ProjectFigure, RevisionKind
from tuijin.indicators.services.catalogue import reporting_pairs
from tuijin.indicators.services.figures import KEEP, Source, Write, figures_write
from tuijin.orgs.models import Unit, User
from tuijin.projects.metrics import period_end
from tuijin.projects.models import Project, ProjectProgress

FEED_REASON = "项目进展自动汇总"  # the revisions' reason


@dataclass(frozen=True)
class FeedResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def fed_indicators(month: int) -> list[Indicator]:
    return [i for i in Indicator.objects.filter(is_active=True, fed_by_projects=True) if i.is_due(month)]


def unit_ytd(units: QuerySet[Unit], year: int, month: int) -> dict[int, Decimal | None]:
    """{unit id: YTD investment of the projects at or below the unit} in one query (None: no progress)."""
    below = (
        ProjectProgress.objects.filter(year=year, month__lte=month, project__unit__path__startswith=OuterRef("path"))
        .order_by()
        .values("year")
        .annotate(total=Sum("investment"))
        .values("total")
    )
    # SQLite sums decimals in floating point (12.340000000000002): back to the stored precision.
    rows = units.annotate(ytd=Subquery(below)).values_list("pk", "ytd")
    return {pk: None if ytd is None else Decimal(ytd).quantize(FOUR_PLACES) for pk, ytd in rows}


FOUR_PLACES = Decimal("0.0001")


def unit_started(units: QuerySet[Unit], year: int, month: int) -> dict[int, Decimal]:
    """{unit id: projects at or below the unit started in the year by the end of the month}, one query."""
    below = (
        Project.objects.filter(
            unit__path__startswith=OuterRef("path"),
            started_on__gte=dt.date(year, 1, 1),
            started_on__lte=period_end(year, month),
        )
        .order_by()
        .annotate(n=Func(F("pk"), function="COUNT"))
        .values("n")
    )
    rows = units.annotate(started=Coalesce(Subquery(below), 0)).values_list("pk", "started")
    return {pk: Decimal(n) for pk, n in rows}


DERIVATIONS = {ProjectFigure.INVESTMENT: unit_ytd, ProjectFigure.STARTED: unit_started}
# The feed writes as the supervisors' import does into locked periods, but into the unit's draft.
FEED = Source(revision_kind=RevisionKind.IMPORT, may_write_locked=True)


def feed_indicator_values(*, year: int, month: int, actor: User, units: Iterable[Unit] | None = None) -> FeedResult:
    """Write the fed indicators' values of (year, month) for `units` (every reporting unit when
    None). `actor` is who set the run off: the revisions name them, the audit event is the
    system's (`SystemActor.FEED`) with them as its cause."""
    indicators = fed_indicators(month)
    if not indicators:
        return FeedResult()
    targets = Unit.objects.filter(is_active=True, ranking_groups__indicators__in=indicators).distinct()
    if units is not None:
        targets = targets.filter(pk__in=[u.pk for u in units])
    cause = _("触发：%(who)s") % {"who": actor.username}
    with transaction.atomic(), as_system(SystemActor.FEED, cause):
        return _feed(year, month, actor, targets, indicators)


def _feed(year, month, actor, targets, indicators) -> FeedResult:
    derived: dict[str, tuple[dict, dict]] = {}
    writes = []
    for indicator in indicators:
        if indicator.project_figure not in derived:
            derive = DERIVATIONS[indicator.project_figure]
            values = {pk: v for pk, v in derive(targets, year, month).items() if v is not None}
            derived[indicator.project_figure] = (values, derive(targets.filter(pk__in=list(values)), year - 1, month))
        values, last_year = derived[indicator.project_figure]
        for unit_id, _indicator_id in sorted(reporting_pairs(values, [indicator.pk])):
            last = last_year.get(unit_id)
            writes.append(Write(unit_id, indicator.pk, year, month, values[unit_id], KEEP if last is None else last))
    outcome = figures_write(
        actor=actor, writes=writes, source=FEED, reason=FEED_REASON, indicators={i.pk: i for i in indicators}
    )
    changes = {
        f"{w.unit_id}.{w.indicator_id}.value": [_text(old.value if old else None), str(w.value)]
        for w, old, _last, _remark in outcome.changes
        if old is None or old.value != w.value
    }
    if outcome.created or outcome.updated:
        record(
            actor=actor, action=AuditAction.UPDATE, object_type="indicators.report",
            object_repr=_("%(y)d年%(m)d月项目汇总指标") % {"y": year, "m": month},
            changes=changes, note=_("由项目进展汇总"),
        )  # fmt: skip
    return FeedResult(created=outcome.created, updated=outcome.updated, unchanged=outcome.unchanged)


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)

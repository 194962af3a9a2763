"""最多报一次: indicators fed by projects take each unit's value from its projects' progress.

For every active indicator marked `fed_by_projects` and due in the month, the value of a unit
that reports it (a member of one of its ranking groups) is the year-to-date investment
(亿元, months 1..M) of every project whose implementing unit is that unit or below it. The
value is written into the unit's `Report` for the period, in its `Submission` (created as a
draft when absent; its status is never changed), so analytics, rankings and bulletins read it
like any other figure while the reporter is never asked for it again.

A unit none of whose projects has reported anything for the year gets no figure (未报, not 0).
Last year's value is the same sum for the year before where progress exists for it; otherwise
the stored one stays. Running again with nothing changed writes nothing (no revision, no
version bump, no audit event).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import OuterRef, QuerySet, Subquery, Sum
from django.utils.translation import gettext as _

from tuijin.audit.models import AuditAction
from tuijin.audit.services import record
from tuijin.indicators import periods
from tuijin.indicators.models import (
    Indicator,
    Report,
    ReportRevision,
    RevisionKind,
    Submission,
    SubmissionStatus,
)
from tuijin.indicators.services.catalogue import reporting_pairs
from tuijin.orgs.models import Unit, User
from tuijin.projects.models import ProjectProgress

FEED_REASON = "项目进展自动汇总"


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
    return dict(units.annotate(ytd=Subquery(below)).values_list("pk", "ytd"))


def feed_indicator_values(*, year: int, month: int, actor: User, units: Iterable[Unit] | None = None) -> FeedResult:
    """Write the fed indicators' values of (year, month) for `units` (every reporting unit when
    None). `actor` is who caused the run: revisions and the audit event name them."""
    indicators = fed_indicators(month)
    if not indicators:
        return FeedResult()
    targets = Unit.objects.filter(is_active=True, ranking_groups__indicators__in=indicators).distinct()
    if units is not None:
        targets = targets.filter(pk__in=[u.pk for u in units])
    with transaction.atomic():
        return _feed(year, month, actor, targets, indicators)


def _feed(year, month, actor, targets, indicators) -> FeedResult:
    values = {pk: v for pk, v in unit_ytd(targets, year, month).items() if v is not None}
    if not values:
        return FeedResult()
    last_year = unit_ytd(targets.filter(pk__in=list(values)), year - 1, month)
    pairs = sorted(reporting_pairs(values, [i.pk for i in indicators]))
    submissions = {
        s.unit_id: s
        for s in Submission.objects.select_for_update()
        .filter(unit_id__in=values, year=year, month=month)
        .order_by("pk")
    }
    reports = {
        (r.unit_id, r.indicator_id): r
        for r in Report.objects.select_for_update()
        .filter(unit_id__in=values, indicator__in=indicators, year=year, month=month)
        .order_by("pk")
    }
    locked = periods.is_locked(year, month)
    created = updated = unchanged = 0
    changes: dict[str, list] = {}
    for unit_id, indicator_id in pairs:
        value, last = values[unit_id], last_year.get(unit_id)
        report = reports.get((unit_id, indicator_id))
        if report is None:
            submission = submissions.get(unit_id) or _submission(unit_id, year, month, submissions)
            report = Report(
                submission=submission, unit_id=unit_id, indicator_id=indicator_id, year=year, month=month,
                value=value, last_year_value=last, updated_by=actor,
            )  # fmt: skip
            report.save()
            created += 1
            changes[f"{unit_id}.{indicator_id}.value"] = [None, str(value)]
            continue
        new_last = report.last_year_value if last is None else last
        if (report.value, report.last_year_value) == (value, new_last):
            unchanged += 1
            continue
        handed_in = submissions[unit_id].status != SubmissionStatus.DRAFT
        if locked or handed_in:
            ReportRevision.objects.create(
                report=report, kind=RevisionKind.IMPORT, old_value=report.value, new_value=value,
                old_last_year_value=report.last_year_value, new_last_year_value=new_last,
                reason=FEED_REASON, changed_by=actor,
            )  # fmt: skip
        changes[f"{unit_id}.{indicator_id}.value"] = [_text(report.value), str(value)]
        report.value, report.last_year_value, report.updated_by = value, new_last, actor
        report.version += 1
        report.save()
        updated += 1
    if created or updated:
        record(
            actor=actor, action=AuditAction.UPDATE, object_type="indicators.report",
            object_repr=_("%(y)d年%(m)d月项目汇总指标") % {"y": year, "m": month},
            changes=changes, note=FEED_REASON,
        )  # fmt: skip
    return FeedResult(created=created, updated=updated, unchanged=unchanged)


def _submission(unit_id: int, year: int, month: int, submissions: dict) -> Submission:
    """The unit's form for the period, created as a draft (its status is the unit's business)."""
    try:
        with transaction.atomic():
            submission = Submission.objects.create(unit_id=unit_id, year=year, month=month)
    except IntegrityError:  # created meanwhile by the reporter's own save
        submission = Submission.objects.select_for_update().get(unit_id=unit_id, year=year, month=month)
    submissions[unit_id] = submission
    return submission


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)

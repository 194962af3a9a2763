"""The one write path of figures (`Report`): every writer calls `figures_write`.

The reporter's form and the reports API (`reporting.submission_save_draft`, which the entry
template upload also uses), the supervisor's Excel import and bulk API (`imports.reports_import`),
the project feed (`projects.services.feed`) and an approved correction all hand their figures
here, so these rules are written once:

- Validation (`figure_errors`): the period exists and is not after the open period, the
  indicator is due in its month, values are finite, within range, with at most four decimals
  and not negative for summing kinds, remarks not longer than MAX_REMARK. A batch with any bad
  figure writes nothing (`FiguresRejected`, each error naming the figure by its index).
- Locks: whether a period is locked is `periods.is_locked`, asked once per period of the batch.
  A source that may not write a locked period (the reporter) is refused there.
- Revisions: a stored figure whose value or last year's value changes keeps a `ReportRevision`
  when its period is locked or its submission has been handed in (any status but draft: a
  returned month was handed in once); a new figure written into a locked period keeps one too
  (its old value empty). A change of the remark alone is not a revision. A figure equal to what
  is stored changes nothing (no version bump), so writing the same batch twice is harmless.

Writes are bulk SQL (`bulk_sql`), a few queries whatever the batch size: the same code serves
one figure from the form and 100,000 from a province's workbook. The caller holds the
transaction, records the audit event and bumps the versions of the submissions it edits.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS
from django.utils import timezone
from django.utils.translation import gettext as _

from tuijin.indicators import periods
from tuijin.indicators.models import (
    ImportBatch,
    Indicator,
    Report,
    ReportRevision,
    Submission,
    SubmissionStatus,
)
from tuijin.indicators.services import bulk_sql
from tuijin.indicators.services.catalogue import MAX_ABS_VALUE, MAX_DECIMALS, MAX_YEAR, MIN_YEAR
from tuijin.orgs.models import User

MAX_REMARK = 2000
WRITE_BATCH = 2000


class Keep(enum.Enum):
    """A field left out of a write keeps what is stored."""

    STORED = "stored"


KEEP = Keep.STORED


@dataclass(slots=True)
class Write:
    """One figure to write: unit × indicator × period, by ids."""

    unit_id: int
    indicator_id: int
    year: int
    month: int
    value: Decimal | None
    last_year_value: Decimal | Keep | None = KEEP
    remark: str | Keep = KEEP


@dataclass(frozen=True)
class Source:
    """Who writes, and what that writer may do.

    `revision_kind` labels the revisions it leaves; `new_status` is the status of a submission
    it has to create (a supervisor's figures are official at once, the reporter's and the
    feed's sit in the unit's draft); `may_write_locked` lets it write a locked period.
    """

    revision_kind: str
    new_status: str = SubmissionStatus.DRAFT
    may_write_locked: bool = False


@dataclass(frozen=True)
class FigureError:
    index: int  # the write's position in the batch
    field: str  # value, last_year_value, remark, year, month, indicator or NON_FIELD_ERRORS
    message: str


class FiguresRejected(Exception):
    """Nothing was written; `errors` lists every problem found."""

    def __init__(self, errors: list[FigureError]):
        super().__init__(f"{len(errors)} errors")
        self.errors = errors


@dataclass(frozen=True, slots=True)
class Stored:
    pk: int
    value: Decimal | None
    last_year_value: Decimal | None
    remark: str
    submission_id: int


@dataclass
class Outcome:
    """What a batch did. `changes`: (write, what was stored or None, new last-year value, new remark)."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    revised: int = 0
    submissions: set[int] = field(default_factory=set)  # ids of the submissions whose figures changed
    changes: list[tuple[Write, Stored | None, Decimal | None, str]] = field(default_factory=list)


# --- periods --------------------------------------------------------------------------------


def open_period(today: dt.date | None = None) -> tuple[int, int]:
    """The latest period a figure may be written for: the month in progress. Its form opens
    early (a reporter may start it before month end, the feed sums its progress as it comes);
    a later month has not begun, so nothing is written for it."""
    today = today or timezone.localdate()
    return (today.year, today.month)


def locked_periods(keys: set[tuple[int, int]], today: dt.date) -> set[tuple[int, int]]:
    """Which of these periods are locked: `periods.is_locked`, the one decision, once each."""
    return {key for key in keys if periods.is_locked(*key, today)}


def locked_message(year: int, month: int) -> str:
    return _("%(year)d年%(month)d月已过截止日（%(deadline)s）并锁定，不能再修改；如需更正，请提出更正申请。") % {
        "year": year, "month": month, "deadline": periods.deadline(year, month).isoformat(),
    }  # fmt: skip


def future_message(year: int, month: int, open_: tuple[int, int]) -> str:
    return _("%(year)d年%(month)d月尚未开始填报（当前填报期为 %(oy)d年%(om)d月），不能写入。") % {
        "year": year, "month": month, "oy": open_[0], "om": open_[1],
    }  # fmt: skip


# --- validation -------------------------------------------------------------------------------


def figure_errors(
    *,
    indicator: Indicator,
    year: int,
    month: int,
    value: Decimal | None,
    last_year_value: Decimal | Keep | None = KEEP,
    remark: str | Keep = KEEP,
    open_: tuple[int, int],
) -> list[tuple[str, str]]:
    """Every problem of one figure as (field, message), in Chinese; empty when it may be written.

    The one validation of a figure, whatever path it comes by (form, API, Excel, bulk, feed).
    """
    errors = []
    if not (1 <= month <= 12):
        errors.append(("month", _("月份须在 1 到 12 之间。")))
    if not (MIN_YEAR <= year <= MAX_YEAR):
        errors.append(("year", _("年度须在 %(a)d 到 %(b)d 之间。") % {"a": MIN_YEAR, "b": MAX_YEAR}))
    if errors:
        return errors
    if (year, month) > open_:
        errors.append(("month", future_message(year, month, open_)))
    elif not indicator.is_due(month):
        errors.append(("month", _("季度指标“%(i)s”只在 3、6、9、12 月填报。") % {"i": indicator.name}))
    for name, number in (("value", value), ("last_year_value", last_year_value)):
        message = None if number is None or number is KEEP else number_error(indicator, number)
        if message:
            errors.append((name, message))
    if isinstance(remark, str) and len(remark) > MAX_REMARK:
        errors.append(("remark", _("说明不能超过 %(n)d 字。") % {"n": MAX_REMARK}))
    return errors


def number_error(indicator: Indicator, number: Decimal) -> str | None:
    if not number.is_finite():
        return _("数值无效。")
    if abs(number) >= MAX_ABS_VALUE:
        return _("数值过大，请检查计量单位。")
    exponent = number.as_tuple().exponent
    if (
        isinstance(exponent, int)
        and exponent < -MAX_DECIMALS
        and -number.normalize().as_tuple().exponent > MAX_DECIMALS
    ):
        return _("最多保留 %(n)d 位小数。") % {"n": MAX_DECIMALS}
    if indicator.sums and number < 0:
        # 1–N月累计 of a flow or a count cannot fall below zero.
        return _("“%(i)s”是累计值，不能为负数。") % {"i": indicator.name}
    return None


def check_writes(writes: Sequence[Write], indicators: dict[int, Indicator], today: dt.date) -> list[FigureError]:
    """`figure_errors` of every write (what `figures_write` refuses), by index in `writes`."""
    open_ = open_period(today)
    errors = []
    for index, w in enumerate(writes):
        for name, message in figure_errors(
            indicator=indicators[w.indicator_id], year=w.year, month=w.month, value=w.value,
            last_year_value=w.last_year_value, remark=w.remark, open_=open_,
        ):  # fmt: skip
            errors.append(FigureError(index, name, message))
    return errors


# --- the write ---------------------------------------------------------------------------------


def figures_write(
    *,
    actor: User,
    writes: Sequence[Write],
    source: Source,
    reason: str,
    reason_required: bool = False,
    batch: ImportBatch | None = None,
    indicators: dict[int, Indicator] | None = None,
) -> Outcome:
    """Validate, decide locks and revisions, and write `writes` in bulk; all or nothing.

    Call inside `transaction.atomic` (the submissions and reports concerned are locked, in pk
    order). Raises FiguresRejected: bad figures, a locked period for a source that may not write
    one, or (`reason_required`) revisions without a reason — the message then says how many.
    """
    outcome = Outcome()
    if not writes:
        return outcome
    today = timezone.localdate()
    indicators = indicators or Indicator.objects.in_bulk({w.indicator_id for w in writes})
    errors = check_writes(writes, indicators, today)
    if errors:
        raise FiguresRejected(errors)
    locked = locked_periods({(w.year, w.month) for w in writes}, today)
    if locked and not source.may_write_locked:
        refused = [FigureError(i, NON_FIELD_ERRORS, locked_message(w.year, w.month))
                   for i, w in enumerate(writes) if (w.year, w.month) in locked]  # fmt: skip
        raise FiguresRejected(refused[:1])
    submissions, stored = _lock_rows(writes)
    plan = _plan(writes, submissions, stored, locked, outcome)
    if plan.revisions and reason_required and not reason:
        message = _("本批数据写入已锁定的期间或修改已报送的数据（共 %(n)d 行），须填写原因。") % {
            "n": len(plan.revisions)
        }
        raise FiguresRejected([FigureError(-1, "reason", message)])
    plan.write(actor=actor, source=source, reason=reason, batch=batch, submissions=submissions)
    outcome.submissions = plan.touched
    outcome.revised = len(plan.revisions)
    return outcome


def _lock_rows(writes: Sequence[Write]) -> tuple[dict[tuple, tuple[int, str]], dict[tuple, Stored]]:
    # Plain tuples, not model instances: at 100,000 rows, building models costs seconds.
    unit_ids, years, months = {w.unit_id for w in writes}, {w.year for w in writes}, {w.month for w in writes}
    submissions = {
        (unit_id, year, month): (pk, status)
        for pk, unit_id, year, month, status in Submission.objects.select_for_update()
        .filter(unit_id__in=unit_ids, year__in=years, month__in=months)
        .order_by("pk")
        .values_list("pk", "unit_id", "year", "month", "status")
    }
    indicator_ids = {w.indicator_id for w in writes}
    stored = {
        (u, i, y, m): Stored(pk, value, last, remark, sub)
        for pk, u, i, y, m, value, last, remark, sub in Report.objects.select_for_update()
        .filter(unit_id__in=unit_ids, indicator_id__in=indicator_ids, year__in=years, month__in=months)
        .order_by("pk")
        .values_list(
            "pk", "unit_id", "indicator_id", "year", "month", "value", "last_year_value", "remark", "submission_id"
        )
    }
    return submissions, stored


def _plan(writes, submissions, stored, locked, outcome: Outcome) -> _Plan:
    plan = _Plan()
    for w in writes:
        key = (w.unit_id, w.indicator_id, w.year, w.month)
        sub_key = (w.unit_id, w.year, w.month)
        old = stored.get(key)
        period_locked = (w.year, w.month) in locked
        if old is None:
            last = None if w.last_year_value is KEEP else w.last_year_value
            remark = "" if w.remark is KEEP else w.remark
            plan.new.append((key, w, last, remark))
            if sub_key in submissions:
                plan.touched.add(submissions[sub_key][0])
            else:
                plan.new_submissions.add(sub_key)
            if period_locked:
                plan.revisions.append((key, None, w.value, None, last))
            outcome.created += 1
            outcome.changes.append((w, None, last, remark))
            continue
        last = old.last_year_value if w.last_year_value is KEEP else w.last_year_value
        remark = old.remark if w.remark is KEEP else w.remark
        if (old.value, old.last_year_value, old.remark) == (w.value, last, remark):
            outcome.unchanged += 1
            continue
        handed_in = submissions[sub_key][1] != SubmissionStatus.DRAFT
        if (period_locked or handed_in) and (old.value, old.last_year_value) != (w.value, last):
            plan.revisions.append((key, old.value, w.value, old.last_year_value, last))
        plan.changed.append((old, w.value, last, remark))
        plan.touched.add(old.submission_id)
        outcome.updated += 1
        outcome.changes.append((w, old, last, remark))
    return plan


@dataclass
class _Plan:
    """What a valid batch does to the stored figures; `write` applies it in bulk."""

    new: list[tuple[tuple, Write, Decimal | None, str]] = field(default_factory=list)
    changed: list[tuple[Stored, Decimal | None, Decimal | None, str]] = field(default_factory=list)
    new_submissions: set[tuple[int, int, int]] = field(default_factory=set)
    touched: set[int] = field(default_factory=set)
    # (report key, old value, new value, old last-year, new last-year) of figures that keep a revision
    revisions: list[tuple] = field(default_factory=list)

    def write(self, *, actor: User, source: Source, reason: str, batch, submissions: dict) -> None:
        now = timezone.now()
        sub_ids = {k: v[0] for k, v in submissions.items()} | self._create_submissions(actor, source, now)
        self.touched.update(sub_ids[k] for k in self.new_submissions)
        at = bulk_sql.db_datetime(now)
        bulk_sql.insert_rows(
            Report,
            ["submission", "unit", "indicator", "year", "month", "value", "last_year_value", "remark", "version",
             "updated_by", "updated_at"],
            (
                (sub_ids[(u, y, m)], u, i, y, m, bulk_sql.db_decimal(w.value), bulk_sql.db_decimal(last), remark, 1,
                 actor.pk, at)
                for (u, i, y, m), w, last, remark in self.new
            ),
        )  # fmt: skip
        bulk_sql.update_rows(
            Report,
            ["value", "last_year_value", "remark", "updated_by", "updated_at"],
            (
                (bulk_sql.db_decimal(value), bulk_sql.db_decimal(last), remark, actor.pk, at, old.pk)
                for old, value, last, remark in self.changed
            ),
            bump_version=True,
        )
        self._write_revisions(actor, batch, reason, source.revision_kind, at)

    def _create_submissions(self, actor: User, source: Source, now) -> dict[tuple, int]:
        if not self.new_submissions:
            return {}
        official = source.new_status != SubmissionStatus.DRAFT
        extra = (
            {"submitted_by": actor, "submitted_at": now, "accepted_by": actor, "accepted_at": now} if official else {}
        )
        Submission.objects.bulk_create(
            [Submission(unit_id=u, year=y, month=m, status=source.new_status, **extra)
             for u, y, m in sorted(self.new_submissions)],
            batch_size=WRITE_BATCH, ignore_conflicts=True,  # one created meanwhile by the unit's own save is used
        )  # fmt: skip
        keys = self.new_submissions
        rows = Submission.objects.filter(
            unit_id__in={k[0] for k in keys}, year__in={k[1] for k in keys}, month__in={k[2] for k in keys}
        ).values_list("unit_id", "year", "month", "pk")
        return {(u, y, m): pk for u, y, m, pk in rows if (u, y, m) in keys}

    def _write_revisions(self, actor: User, batch, reason: str, kind: str, at) -> None:
        if not self.revisions:
            return
        by_key = _report_ids([key for key, *_ in self.revisions])  # new rows got their ids just now
        bulk_sql.insert_rows(
            ReportRevision,
            ["report", "kind", "old_value", "new_value", "old_last_year_value", "new_last_year_value", "reason",
             "batch", "changed_by", "changed_at"],
            (
                (by_key[key], kind, bulk_sql.db_decimal(old), bulk_sql.db_decimal(new), bulk_sql.db_decimal(old_last),
                 bulk_sql.db_decimal(new_last), reason, batch.pk if batch else None, actor.pk, at)
                for key, old, new, old_last, new_last in self.revisions
            ),
        )  # fmt: skip


def _report_ids(keys: list[tuple]) -> dict[tuple, int]:
    """Ids of reports by (unit, indicator, year, month), in one query."""
    units, indicators = {k[0] for k in keys}, {k[1] for k in keys}
    years, months = {k[2] for k in keys}, {k[3] for k in keys}
    rows = Report.objects.filter(
        unit_id__in=units, indicator_id__in=indicators, year__in=years, month__in=months
    ).values_list("unit_id", "indicator_id", "year", "month", "pk")
    return {(u, i, y, m): pk for u, i, y, m, pk in rows}

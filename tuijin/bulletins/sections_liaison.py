"""The bulletin's section on contact sheets (工作联系单) and assignments (督办事项).

Figures from the owning apps' shared interfaces, never recomputed: per handling department
`tuijin.liaison.stats.department_stats` (received, answered on time, solved on time, average days
to answer, overdue open), the overdue sheets `liaison.stats.overdue_sheets`, and the 挂牌督办 items
`tuijin.supervision.queries.listed_items` — each limited to the bulletin's scope.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Q

from tuijin.bulletins import phrases
from tuijin.bulletins.sections_projects import LIST_LIMIT
from tuijin.indicators import analytics_tables as at
from tuijin.liaison import stats as liaison_stats
from tuijin.orgs.models import Unit, UnitType
from tuijin.supervision import queries as supervision_queries


def period_start(period) -> dt.date:
    first = period.month if period.period_type == "month" else period.month - 2
    return dt.date(period.year, first, 1)


def _fraction(pct: float | None) -> Decimal | None:
    # liaison's percentages are in % (unrounded floats); the table cells take fractions.
    return None if pct is None else Decimal(repr(pct)) / 100


def _count(n: int) -> at.Cell:
    return at.Cell(str(n), n, "0")


def _in_scope(path_field: str, scope_unit: Unit | None) -> Q:
    return Q() if scope_unit is None else Q(**{f"{path_field}__path__startswith": scope_unit.path})


def departments(scope_unit: Unit | None) -> list[Unit]:
    """The handling departments in scope (a county's own bureaus for a county bulletin)."""
    qs = Unit.objects.filter(type=UnitType.DEPARTMENT, is_active=True)
    if scope_unit is not None:
        qs = qs.filter(path__startswith=scope_unit.path)
    return list(qs.order_by("sort_order", "path"))


def section(doc, ctx, number: int) -> None:
    doc.h1(f"{phrases.ordinal(number)}、工作联系单和督办事项办理情况")
    start, end = period_start(ctx.period), ctx.as_of
    units = departments(ctx.scope_unit)
    stats = liaison_stats.department_stats(start=start, end=end, departments=units, as_of=ctx.as_of)
    rows = [r for r in stats if r.received]
    sheets = (
        liaison_stats.overdue_sheets(as_of=ctx.as_of)
        .filter(_in_scope("sender_unit", ctx.scope_unit) | Q(departments__in=units))
        .distinct()
        .select_related("sender_unit")
        .prefetch_related("departments")
        .order_by("sent_on", "number")
    )
    listed = supervision_queries.listed_items(as_of=ctx.as_of).filter(_in_scope("owner_unit", ctx.scope_unit))
    n_sheets, n_listed = sheets.count(), listed.count()
    received = sum(r.received for r in rows)
    on_time, due = sum(r.answered_on_time for r in rows), sum(r.answer_due for r in rows)
    doc.p("liaison.summary", phrases.liaison_sentence(
        received=received, on_time_rate=Decimal(on_time) / due if due else None, overdue_sheets=n_sheets,
        listed=n_listed,
    ))  # fmt: skip
    if rows:
        headers = ["承办部门", "收到", "已答复", "按期答复率", "已解决", "按期解决率", "平均答复天数", "逾期未办"]
        table = at.Table(f"各部门工作联系单办理情况（{start.month}月1日—{end.month}月{end.day}日）", headers)
        for r in rows:
            days = None if r.average_answer_days is None else Decimal(repr(r.average_answer_days))
            table.rows.append([
                at.text(r.department.name), _count(r.received), _count(r.answered),
                at.percent(_fraction(r.answered_on_time_pct)), _count(r.solved),
                at.percent(_fraction(r.solved_on_time_pct)), at.amount(days, 1), _count(r.overdue_open),
            ])  # fmt: skip
        doc.table("liaison.departments", table, label=0)
    if n_sheets:
        table = at.Table(_limited("逾期未办结的工作联系单", n_sheets, LIST_LIMIT), ["编号", "标题", "发起单位",
                                                                              "承办部门", "发送日期"])  # fmt: skip
        for s in sheets[:LIST_LIMIT]:
            table.rows.append([at.text(s.number or at.DASH), at.text(s.title), at.text(s.sender_unit.name),
                               at.text("、".join(d.name for d in s.departments.all()) or at.DASH),
                               at.text(s.sent_on.isoformat() if s.sent_on else at.DASH)])  # fmt: skip
        doc.table("liaison.overdue", table, label=0)
    if n_listed:
        table = at.Table(_limited("挂牌督办事项", n_listed, LIST_LIMIT), ["事项", "牵头单位", "责任领导", "办结时限",
                                                                      "逾期天数"])  # fmt: skip
        for a in listed[:LIST_LIMIT]:
            leader = str(a.leader) if a.leader else at.DASH
            late = (ctx.as_of - a.deadline).days
            table.rows.append([at.text(a.title), at.text(a.owner_unit.name), at.text(leader),
                               at.text(a.deadline.isoformat()), _count(late)])  # fmt: skip
        doc.table("supervision.listed", table, label=0)


def _limited(title: str, count: int, limit: int) -> str:
    more = f"，列前 {limit} 项" if count > limit else ""
    return f"{title}（共 {count} 项{more}）"

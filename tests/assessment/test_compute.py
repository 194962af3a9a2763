"""Computing results: every rule on the hand-worked group of conftest, the drill-down, idempotence.

Hand-worked, month 10, weights FAI completion 30 (cap 1.2), FDI rank 30 (step 10), FAI pace 20,
sheets deduction 5 (1 each, cap 5), listed deduction 0 (2 each, cap 4), bonus 15:

    C-A: 30 × 0.75 = 22.5 | rank 1 → 30 | 20 × 0.75 / 0.8 = 18.75 | 5 − 2 = 3 | 0     | 0 → 74.25
    C-B: 30 × 1.2 = 36    | rank 2 → 20 | on pace → 20          | 5 − 5 = 0 | −2    | 0 → 74
    C-C: 未报 → 0          | rank 2 → 20 | 未报 → 0              | 5 − 0 = 5 | −4    | 0 → 21
"""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.indicators.conftest import YEAR
from tuijin.assessment import explain, services
from tuijin.assessment.models import Result, ResultLine, RuleKind
from tuijin.audit.models import AuditEvent

EXPECTED = {
    "C-A": [D("22.5"), D(30), D("18.75"), D(3), D(0), D(0)],
    "C-B": [D(36), D(20), D(20), D(0), D(-2), D(0)],
    "C-C": [D(0), D(20), D(0), D(5), D(-4), D(0)],
}


def lines_of(result):
    return [line.points for line in result.lines.order_by("item__order")]


def compute(cast, scheme, fake, month=10):
    return {
        r.unit.code: r
        for r in services.results_compute(actor=cast.supervisor, scheme=scheme, month=month, figures=fake)
    }


def test_every_rule_scores_the_hand_worked_points(cast, scheme, fake):
    results = compute(cast, scheme, fake)
    for code, points in EXPECTED.items():
        assert lines_of(results[code]) == points, code
    assert {c: r.total for c, r in results.items()} == {"C-A": D("74.25"), "C-B": D(74), "C-C": D(21)}
    assert {c: r.rank for c, r in results.items()} == {"C-A": 1, "C-B": 2, "C-C": 3}


def test_the_figures_are_asked_for_the_period_and_the_group(cast, scheme, fake):
    compute(cast, scheme, fake, month=10)
    assert ("indicator", "FAI", YEAR, 10, "G-CTY") in fake.calls
    assert ("overdue", "C-A", dt.date(YEAR, 1, 1), dt.date(YEAR, 10, 31)) in fake.calls
    assert ("listed", "C-C", dt.date(YEAR, 10, 31)) in fake.calls


def test_bonuses_are_summed_and_capped_at_the_weight(cast, scheme, fake):
    bonus_item = scheme.items.get(kind=RuleKind.BONUS)
    c = scheme.group.units.get(code="C-C")
    for points in (D(10), D(8)):
        services.bonus_add(
            actor=cast.supervisor,
            item=bonus_item,
            unit=c,
            points=points,
            reason="省级试点",
            evidence="省发改委批复文件",
        )
    results = compute(cast, scheme, fake)
    line = results["C-C"].lines.get(item=bonus_item)
    assert line.points == D(15)  # 18 capped at the weight 15
    assert line.explanation["sum"] == "18.00"
    assert line.explanation["capped"] is True
    assert [e["reason"] for e in line.explanation["evidence"]] == ["省级试点", "省级试点"]
    assert results["C-C"].total == D(36)


def test_a_bonus_needs_a_reason_and_evidence(cast, scheme):
    bonus_item = scheme.items.get(kind=RuleKind.BONUS)
    with pytest.raises(ValidationError) as exc:
        services.bonus_add(
            actor=cast.supervisor, item=bonus_item, unit=cast.county_a, points=D(2), reason=" ", evidence=""
        )
    assert set(exc.value.message_dict) == {"reason", "evidence"}
    assert not bonus_item.bonuses.exists()


def test_ties_in_the_totals_share_the_rank(cast, scheme, fake):
    fake.overdue["C-A"] = 3
    fake.listed["C-B"] = 0
    fake.indicators["FAI"]["C-A"] = fake.indicators["FAI"]["C-B"]  # both capped at 36, both on pace
    results = compute(cast, scheme, fake)
    # C-A: 36 + 30 + 20 + 2 + 0 = 88; C-B: 36 + 20 + 20 + 0 + 0 = 76 → adjust C-B by +12 to tie
    assert (results["C-A"].total, results["C-B"].total) == (D(88), D(76))
    services.adjustment_add(actor=cast.supervisor, result=results["C-B"], points=D(12), reason="复核后补计")
    ranks = dict(Result.objects.filter(scheme=scheme).values_list("unit__code", "rank"))
    assert ranks == {"C-A": 1, "C-B": 1, "C-C": 3}


def test_the_drilldown_explains_every_line(cast, scheme, fake):
    results = compute(cast, scheme, fake)
    lines = {line.item.order: line for line in results["C-A"].lines.select_related("item")}
    completion = lines[1].explanation
    assert (completion["value"], completion["target"], completion["ratio"], completion["cap"]) == (
        "225",
        "300",
        "0.75",
        "1.2000",
    )
    assert explain.describe_line(lines[1]).formula == "30 × 完成比 75.0%（封顶 120.0%）= 22.50"
    assert explain.describe_line(lines[2]).formula == "30 − (1 − 1) × 10.00 = 30.00"
    assert explain.describe_line(lines[3]).formula == "进度差 -5.0 个百分点，按比例计分：20 × 75.0% ÷ 80.0% = 18.75"
    assert explain.describe_line(lines[4]).formula == "5 − min(2 件 × 1, 5) = 3.00"
    assert explain.describe_line(lines[6]).formula == "无加分记录，得 0 分"
    c_lines = {line.item.order: line for line in results["C-C"].lines.select_related("item")}
    assert c_lines[1].explanation["missing"] is True
    assert explain.describe_line(c_lines[1]).formula == "未报或无年度目标，得 0 分"
    assert c_lines[2].explanation["tied"] is True
    assert "并列" in dict(explain.describe_line(c_lines[2]).facts)["名次"]
    assert c_lines[5].explanation["capped"] is True  # 3 × 2 = 6 > 4


def test_a_rank_item_without_step_steps_by_weight_over_group_size(cast, scheme, fake):
    item = scheme.items.get(kind=RuleKind.RANK)
    services.item_update(actor=cast.supervisor, item=item, step=None)
    results = compute(cast, scheme, fake)
    line = results["C-B"].lines.get(item=item)
    assert line.points == D(20)  # 30 − 1 × 30 / 3
    assert line.explanation["step_default"] is True


def test_recomputing_replaces_the_draft_results(cast, scheme, fake):
    first = compute(cast, scheme, fake)
    fake.overdue["C-A"] = 0
    second = compute(cast, scheme, fake)
    assert second["C-A"].pk == first["C-A"].pk
    assert second["C-A"].total == D("76.25")
    assert Result.objects.filter(scheme=scheme).count() == 3
    assert ResultLine.objects.filter(result__scheme=scheme).count() == 18


def test_recomputing_keeps_the_adjustments(cast, scheme, fake):
    results = compute(cast, scheme, fake)
    services.adjustment_add(actor=cast.supervisor, result=results["C-C"], points=D("-1.5"), reason="数据核减")
    again = compute(cast, scheme, fake)
    assert again["C-C"].adjustment_total == D("-1.5")
    assert again["C-C"].total == D("19.5")


def test_computing_is_audited(cast, scheme, fake):
    compute(cast, scheme, fake)
    event = AuditEvent.objects.filter(object_type="assessment.scheme", note="计算考核结果").get()
    assert event.changes["month"] == [None, 10]


def test_a_supervisor_of_one_county_cannot_compute_the_group(cast, scheme, fake):
    with pytest.raises(PermissionDenied):
        services.results_compute(actor=cast.county_supervisor, scheme=scheme, month=10, figures=fake)
    assert not Result.objects.exists()


def test_a_month_outside_the_year_is_refused(cast, scheme, fake):
    with pytest.raises(ValidationError):
        services.results_compute(actor=cast.supervisor, scheme=scheme, month=13, figures=fake)


def test_database_figures_read_the_ranking(cast, scheme, catalogue, make_target, make_report):
    """The default provider: FAI completion and pace from the reports, as 对标对表 computes them."""
    make_target(cast.county_a, catalogue.fai, 300)
    make_target(cast.county_b, catalogue.fai, 100)
    make_report(cast.county_a, catalogue.fai, 6, 120)  # 40% at time progress 50%
    make_report(cast.county_b, catalogue.fai, 6, 80)  # 80%
    scheme.items.exclude(kind__in=[RuleKind.COMPLETION, RuleKind.PACE]).delete()
    results = {r.unit.code: r for r in services.results_compute(actor=cast.supervisor, scheme=scheme, month=6)}
    a = {line.item.kind: line for line in results["C-A"].lines.select_related("item")}
    assert a[RuleKind.COMPLETION].points == D(12)  # 30 × 0.4
    assert a[RuleKind.PACE].points == D(16)  # 20 × 0.4 / 0.5
    b = {line.item.kind: line for line in results["C-B"].lines.select_related("item")}
    assert b[RuleKind.PACE].points == D(20)
    assert results["C-C"].total == 0


def test_database_figures_count_overdue_answers_and_listed_items(cast, scheme):
    """The default provider reads the liaison and supervision figures of each unit."""
    import tuijin.liaison.models as liaison
    from tuijin.supervision.models import Assignment

    # C-A handles two sheets: answered two days late, and a day early → one overdue answer.
    for due, answered in ((dt.date(YEAR, 3, 10), dt.date(YEAR, 3, 12)), (dt.date(YEAR, 4, 10), dt.date(YEAR, 4, 9))):
        sheet = liaison.ContactSheet.objects.create(
            sender_unit=cast.county_b, author=cast.reporter_b, title="用地报批", problem="…", request="…"
        )
        liaison.SheetAssignment.objects.create(
            sheet=sheet,
            department=cast.county_a,
            received_on=due - dt.timedelta(days=7),
            due_on=due,
            answered_on=answered,
        )
    # C-B owns an item open eight months past its deadline → listed (挂牌督办) at the end of October.
    Assignment.objects.create(
        title="堵点问题",
        content="…",
        source_kind=Assignment._meta.get_field("source_kind").choices[0][0],
        owner_unit=cast.county_b,
        assigned_on=dt.date(YEAR, 1, 5),
        deadline=dt.date(YEAR, 2, 1),
        original_deadline=dt.date(YEAR, 2, 1),
        year=YEAR,
        created_by=cast.supervisor,
    )
    results = {r.unit.code: r for r in services.results_compute(actor=cast.supervisor, scheme=scheme, month=10)}
    sheets = scheme.items.get(kind=RuleKind.DEDUCTION_SHEETS)
    listed = scheme.items.get(kind=RuleKind.DEDUCTION_LISTED)
    assert results["C-A"].lines.get(item=sheets).explanation["count"] == 1
    assert results["C-A"].lines.get(item=sheets).points == D(4)
    assert results["C-B"].lines.get(item=listed).explanation["count"] == 1
    assert results["C-B"].lines.get(item=listed).points == D(-2)
    assert results["C-A"].lines.get(item=listed).points == D(0)

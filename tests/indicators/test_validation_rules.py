"""Data checks: the safe expression language, each built-in rule, and a supervisor's own rule."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.indicators.reporting_support import GOOD_MARCH, MONTH, YEAR, filling_clock, save
from tuijin.audit.models import AuditEvent
from tuijin.indicators import queries, validation
from tuijin.indicators.models import RuleSeverity, Submission, SubmissionStatus, ValidationRule
from tuijin.indicators.services import reporting
from tuijin.indicators.services import rules as rule_services

# --- the expression language (no database) ------------------------------------------------------


@pytest.mark.parametrize(
    ("expression", "expected"),
    [("value", 10), ("3 * avg_monthly_increase", 6), ("abs(yoy)", 50), ("-(value - 4) / 2", -3),
     ("max(value, target) + min(1, 2)", 21), ("month", 3)],
)  # fmt: skip
def test_expressions_evaluate_over_the_named_figures(expression, expected):
    figures = {"value": Decimal(10), "avg_monthly_increase": Decimal(2), "yoy": Decimal(-50),
               "target": Decimal(20), "month": Decimal(3)}  # fmt: skip
    assert validation.evaluate(expression, figures) == Decimal(expected)


@pytest.mark.parametrize(
    "expression",
    ["__import__('os').system('id')", "value.__class__", "().__class__.__bases__", "open('x')", "value ** 2",
     "lambda: 1", "[value]", "value if value else 1", "abs(*value)", "abs(x=1)", "True", "'text'", "unknown + 1",
     "abs", "value; 1", ""],
)  # fmt: skip
def test_the_evaluator_refuses_anything_but_arithmetic(expression):
    with pytest.raises(ValidationError):
        validation.parse(expression)


def test_a_missing_figure_makes_the_expression_not_apply():
    with pytest.raises(validation.NotApplicable):
        validation.evaluate("value - last_month_value", {"value": Decimal(1), "last_month_value": None})


def test_division_by_zero_does_not_apply():
    with pytest.raises(validation.NotApplicable):
        validation.evaluate("value / target", {"value": Decimal(1), "target": Decimal(0)})


def test_figures_for_a_cumulative_value():
    figures = validation.figures_for(
        kind="cumulative", month=4, value=Decimal(50), last_year_value=Decimal(40), previous_value=Decimal(30),
        prior_periods=3, target=Decimal(100),
    )  # fmt: skip
    assert figures["month_increase"] == Decimal(20)
    assert figures["avg_monthly_increase"] == Decimal(10)
    assert figures["yoy"] == Decimal(25)


def test_yoy_is_undefined_where_last_year_is_not_positive():
    figures = validation.figures_for(
        kind="level", month=4, value=Decimal(5), last_year_value=Decimal(0), previous_value=None,
        prior_periods=3, target=None,
    )  # fmt: skip
    assert figures["yoy"] is None


# --- the built-in rules on the form -----------------------------------------------------------


@pytest.fixture
def march(db):
    with filling_clock():
        yield


def checks(cast, values, month=MONTH):
    rows = queries.form_rows(cast.county_a, YEAR, month)
    queries.apply_input(rows, values)
    return queries.check_rows(rows), {r.indicator.code: r for r in rows}


def test_the_built_in_rules_are_seeded(db):
    codes = set(ValidationRule.objects.values_list("code", flat=True))
    assert {"cumulative-not-below-last-month", "month-increase-spike", "yoy-beyond-100"} <= codes


def test_a_cumulative_value_below_last_month_is_an_error(cast, catalogue, make_report, march):
    make_report(cast.county_a, catalogue.fai, 2, 25)
    errors, rows = checks(cast, {catalogue.fai.pk: (Decimal(20), None, "有说明也不行")})
    assert errors["FAI"] == ["累计值不能小于上月累计值"]
    assert rows["FAI"].findings[0].severity == RuleSeverity.ERROR


def test_a_value_at_or_above_last_month_passes(cast, catalogue, make_report, march):
    make_report(cast.county_a, catalogue.fai, 2, 25)
    errors, _ = checks(cast, {catalogue.fai.pk: (Decimal(25), None, "")})
    assert "FAI" not in errors


def test_a_spike_over_three_times_the_average_increase_needs_a_remark(cast, catalogue, make_report, march):
    make_report(cast.county_a, catalogue.fai, 1, 10)
    make_report(cast.county_a, catalogue.fai, 2, 20)  # average increase 10 a month
    errors, _ = checks(cast, {catalogue.fai.pk: (Decimal(51), None, "")})  # +31 in March
    assert "FAI" in errors
    assert "3 倍" in errors["FAI"][0]
    errors, rows = checks(cast, {catalogue.fai.pk: (Decimal(51), None, "重大项目集中入库")})
    assert "FAI" not in errors
    assert rows["FAI"].findings[0].explained
    errors, _ = checks(cast, {catalogue.fai.pk: (Decimal(50), None, "")})  # exactly 3×: fine
    assert "FAI" not in errors


def test_yoy_beyond_100_percent_needs_a_remark(cast, catalogue, march):
    errors, _ = checks(cast, {catalogue.fdi.pk: (Decimal(2100), Decimal(1000), "")})
    assert "FDI" in errors
    errors, _ = checks(cast, {catalogue.fdi.pk: (Decimal(1), Decimal(1000), "")})  # −99.9%
    assert "FDI" not in errors
    errors, _ = checks(cast, {catalogue.fdi.pk: (Decimal(2100), Decimal(1000), "新签大项目")})
    assert "FDI" not in errors


def test_rules_do_not_apply_to_kinds_they_do_not_name(cast, catalogue, march):
    errors, _ = checks(cast, {catalogue.gdp.pk: (Decimal(9), Decimal(3), "")})  # a rate: YoY of a rate is meaningless
    assert "GDP" not in errors


def test_submission_refuses_an_unexplained_spike_with_the_indicators_message(cast, catalogue, march):
    submission = save(cast, catalogue, {**GOOD_MARCH, "fdi": (5000, 1000, "")})
    with pytest.raises(ValidationError) as exc:
        reporting.submission_submit(actor=cast.reporter_a, submission=submission, expected_version=None)
    assert list(exc.value.message_dict) == ["FDI"]
    submission = save(cast, catalogue, {**GOOD_MARCH, "fdi": (5000, 1000, "引进外资大项目")})
    reporting.submission_submit(actor=cast.reporter_a, submission=submission, expected_version=None)
    assert Submission.objects.get().status == SubmissionStatus.SUBMITTED


# --- rules a supervisor adds -----------------------------------------------------------------


def new_rule(cast, **overrides):
    fields = {"code": "level-cap", "name": "占比不超过 100", "left": "value", "operator": "<=", "right": "100",
              "severity": RuleSeverity.ERROR, "message": "占比不能超过 100%", "kinds": ["level"]}  # fmt: skip
    return rule_services.rule_create(actor=cast.supervisor, **{**fields, **overrides})


def test_a_supervisor_adds_a_rule_that_applies_at_once(cast, catalogue, march):
    rule = new_rule(cast)
    errors, _ = checks(cast, {catalogue.hitech.pk: (Decimal(120), None, "")})
    assert errors["HT"] == ["占比不能超过 100%"]
    assert AuditEvent.objects.filter(object_type="indicators.validationrule", object_id=str(rule.pk)).exists()


def test_a_rule_for_one_indicator_applies_only_to_it(cast, catalogue, march):
    new_rule(cast, kinds=[], indicator=catalogue.pm25, right="80", message="PM2.5 超过 80")
    errors, _ = checks(cast, {catalogue.pm25.pk: (Decimal(90), None, ""), catalogue.hitech.pk: (Decimal(90), None, "")})
    assert "PM25" in errors
    assert "HT" not in errors


def test_a_deactivated_rule_no_longer_applies(cast, catalogue, march):
    rule = new_rule(cast)
    rule_services.rule_update(actor=cast.supervisor, rule=rule, is_active=False)
    errors, _ = checks(cast, {catalogue.hitech.pk: (Decimal(120), None, "")})
    assert "HT" not in errors


@pytest.mark.parametrize("left", ["__import__('os')", "value.real", "target.__class__"])
def test_an_unsafe_expression_is_refused_when_saved(cast, left):
    with pytest.raises(ValidationError) as exc:
        new_rule(cast, left=left)
    assert "left" in exc.value.message_dict
    assert not ValidationRule.objects.filter(code="level-cap").exists()


def test_only_a_city_level_supervisor_manages_rules(cast):
    for who in (cast.county_supervisor, cast.reporter_a, cast.head_a):
        with pytest.raises(PermissionDenied):
            rule_services.rule_create(
                actor=who, code="x", name="x", left="value", operator=">=", right="0", severity="error", message="x"
            )
    assert not ValidationRule.objects.filter(code="x").exists()

"""Bulk writes through the API: all or nothing, idempotent, locked periods with a reason, scope."""

from decimal import Decimal

import pytest
import time_machine

from tuijin.audit.models import AuditEvent
from tuijin.indicators.models import (
    ImportBatch,
    Report,
    ReportRevision,
    RevisionKind,
    Submission,
    SubmissionStatus,
    Target,
)
from tuijin.indicators.services import imports

YEAR = 2026
# Period 2026-03 is open until 5 April; on 20 May it is locked.
OPEN_DAY = "2026-04-03 10:00 +0800"
LOCKED_DAY = "2026-05-20 10:00 +0800"

pytestmark = pytest.mark.django_db


def row(unit="C-A", indicator="FAI", month=3, value="12.5", **extra):
    return {"unit": unit, "indicator": indicator, "year": YEAR, "month": month, "value": value, **extra}


def post_reports(client, body):
    return client.post("/api/v1/reports/bulk/", body, content_type="application/json")


@time_machine.travel(OPEN_DAY, tick=False)
def test_supervisor_bulk_writes_figures_and_creates_accepted_submissions(cast, catalogue, client_for):
    client = client_for(cast.supervisor)
    rows = [row(), row(unit="C-B", value=8), row(indicator="FDI", value="1200", last_year_value="1000", remark="新签")]

    response = post_reports(client, rows)

    assert response.status_code == 200, response.json()
    assert response.json() | {"batch": None} == {"batch": None, "created": 3, "updated": 0, "unchanged": 0}
    fdi = Report.objects.get(unit=cast.county_a, indicator=catalogue.fdi, year=YEAR, month=3)
    assert (fdi.value, fdi.last_year_value, fdi.remark) == (Decimal("1200"), Decimal("1000"), "新签")
    submission = Submission.objects.get(unit=cast.county_a, year=YEAR, month=3)
    assert submission.status == SubmissionStatus.ACCEPTED
    assert submission.accepted_by == cast.supervisor
    batch = ImportBatch.objects.get(pk=response.json()["batch"])
    assert (batch.status, batch.source, batch.total_rows, batch.changed_rows) == ("done", "api", 3, 3)
    events = AuditEvent.objects.filter(object_type="indicators.importbatch", object_id=str(batch.pk))
    assert [e.changes["created"] for e in events] == [[None, 3]]


@time_machine.travel(OPEN_DAY, tick=False)
def test_one_bad_row_rejects_the_whole_batch_with_per_row_errors(cast, catalogue, client_for):
    client = client_for(cast.supervisor)
    rows = [
        row(),
        row(unit="C-B", value="十二"),
        row(indicator="NOPE"),
        row(indicator="PARK", month=4),  # quarterly: not due in April
        row(unit="C-B", value="1.23456"),
        row(),  # duplicate of row 1
        row(unit="C-D"),  # the department reports no indicator
        row(unit="C-B", value="NaN"),
    ]

    response = post_reports(client, rows)

    assert response.status_code == 400
    errors = {(e["row"], e["field"]): e["message"] for e in response.json()["errors"]}
    assert "不是有效的数字" in errors[(2, "value")]
    assert "不存在" in errors[(3, "indicator")]
    assert "季度指标" in errors[(4, "month")]
    assert "4 位小数" in errors[(5, "value")]
    assert "与第 1 行重复" in errors[(6, "indicator")]
    assert "排名组" in errors[(7, "indicator")]
    assert (8, "value") in errors
    assert (1, "value") not in errors
    assert Report.objects.count() == Submission.objects.count() == ImportBatch.objects.count() == 0


@time_machine.travel(OPEN_DAY, tick=False)
def test_posting_the_same_batch_twice_changes_nothing(cast, catalogue, client_for):
    client = client_for(cast.supervisor)
    rows = [row(), row(unit="C-B", value=8, last_year_value=7)]
    assert post_reports(client, rows).status_code == 200
    versions = list(Report.objects.order_by("pk").values_list("version", "updated_at"))
    submission_versions = list(Submission.objects.order_by("pk").values_list("version", flat=True))

    second = post_reports(client, {"reason": "重复推送", "rows": rows})

    assert second.status_code == 200
    assert second.json() | {"batch": None} == {"batch": None, "created": 0, "updated": 0, "unchanged": 2}
    assert list(Report.objects.order_by("pk").values_list("version", "updated_at")) == versions
    assert list(Submission.objects.order_by("pk").values_list("version", flat=True)) == submission_versions
    assert ReportRevision.objects.count() == 0


@time_machine.travel(OPEN_DAY, tick=False)
def test_a_changed_figure_bumps_versions_and_keeps_what_was_left_out(cast, catalogue, client_for, make_report):
    existing = make_report(
        cast.county_a, catalogue.fai, 3, 10, last_year=9, status=SubmissionStatus.DRAFT, remark="初报"
    )
    client = client_for(cast.supervisor)

    response = post_reports(client, [row(value="11")])

    assert response.json()["updated"] == 1
    existing.refresh_from_db()
    assert (existing.value, existing.last_year_value, existing.remark) == (Decimal(11), Decimal(9), "初报")
    assert existing.version == 2
    assert existing.submission.status == SubmissionStatus.DRAFT  # existing submissions keep their status
    assert Submission.objects.get(pk=existing.submission_id).version == 2
    assert ReportRevision.objects.count() == 0  # a draft figure was never handed in


@time_machine.travel(LOCKED_DAY, tick=False)
def test_a_locked_period_is_written_with_a_reason_and_kept_in_the_history(cast, catalogue, client_for, make_report):
    existing = make_report(cast.county_a, catalogue.fai, 3, 10, status=SubmissionStatus.ACCEPTED)
    client = client_for(cast.supervisor)

    response = post_reports(client, {"reason": "统计局修订数", "rows": [row(value="10.8"), row(unit="C-B", value=5)]})

    assert response.status_code == 200, response.json()
    existing.refresh_from_db()
    assert existing.value == Decimal("10.8")
    revisions = {r.report.unit.code: r for r in ReportRevision.objects.select_related("report__unit")}
    assert set(revisions) == {"C-A", "C-B"}  # the new figure in the locked month is history too
    revised = revisions["C-A"]
    assert (revised.kind, revised.reason, revised.old_value, revised.new_value) == (
        RevisionKind.API, "统计局修订数", Decimal(10), Decimal("10.8"),
    )  # fmt: skip
    assert revised.batch_id == response.json()["batch"]
    assert revised.changed_by == cast.supervisor


@time_machine.travel(LOCKED_DAY, tick=False)
def test_a_locked_period_is_refused_without_a_reason(cast, catalogue, client_for, make_report):
    existing = make_report(cast.county_a, catalogue.fai, 3, 10)
    client = client_for(cast.supervisor)

    response = post_reports(client, [row(value="10.8")])

    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "reason"
    assert "须填写原因" in response.json()["errors"][0]["message"]
    existing.refresh_from_db()
    assert existing.value == Decimal(10)
    assert ReportRevision.objects.count() == ImportBatch.objects.count() == 0


@time_machine.travel(OPEN_DAY, tick=False)
def test_changing_a_handed_in_figure_needs_a_reason_even_in_an_open_period(cast, catalogue, client_for, make_report):
    make_report(cast.county_a, catalogue.fai, 3, 10, status=SubmissionStatus.SUBMITTED)
    client = client_for(cast.supervisor)

    assert post_reports(client, [row(value="9")]).status_code == 400
    assert post_reports(client, {"reason": "核实后更正", "rows": [row(value="9")]}).status_code == 200
    assert ReportRevision.objects.get().kind == RevisionKind.API


@time_machine.travel(OPEN_DAY, tick=False)
def test_county_supervisor_cannot_import_rows_of_another_county(cast, catalogue, client_for):
    client = client_for(cast.county_supervisor)

    response = post_reports(client, [row(unit="C-A"), row(unit="C-B")])

    assert response.status_code == 403
    assert Report.objects.count() == Submission.objects.count() == ImportBatch.objects.count() == 0
    assert post_reports(client, [row(unit="C-A")]).status_code == 200


@time_machine.travel(OPEN_DAY, tick=False)
def test_reporter_cannot_call_the_bulk_endpoints(cast, catalogue, client_for):
    client = client_for(cast.reporter_a)

    assert post_reports(client, [row(unit="C-A")]).status_code == 403
    targets = client.post(
        "/api/v1/targets/bulk/", [{"unit": "C-A", "indicator": "FAI", "year": YEAR, "value": 100}],
        content_type="application/json",
    )  # fmt: skip
    assert targets.status_code == 403
    assert Report.objects.count() == Target.objects.count() == 0


def test_empty_and_malformed_bodies_are_refused(cast, catalogue, client_for):
    client = client_for(cast.supervisor)

    assert post_reports(client, []).status_code == 400
    assert post_reports(client, {"rows": "FAI"}).status_code == 400
    assert post_reports(client, [row(year="二〇二六")]).json()["errors"][0]["field"] == "year"


# --- targets -------------------------------------------------------------------------------


def post_targets(client, body):
    return client.post("/api/v1/targets/bulk/", body, content_type="application/json")


def test_bulk_targets_are_all_or_nothing_and_idempotent(cast, catalogue, client_for):
    client = client_for(cast.supervisor)
    good = [
        {"unit": "C-A", "indicator": "FAI", "year": YEAR, "value": "100"},
        {"unit": "C-B", "indicator": "FAI", "year": YEAR, "value": 80, "milestones": {"6": "60"}},
    ]
    bad = [*good, {"unit": "C-Z", "indicator": "FAI", "year": YEAR, "value": "0"}]

    rejected = post_targets(client, bad)
    assert rejected.status_code == 400
    assert rejected.json()["errors"] == [{"row": 3, "field": "value", "message": "累计类指标的年度目标须大于 0。"}]
    assert Target.objects.count() == 0

    first = post_targets(client, good)
    assert first.json() | {"batch": None} == {"batch": None, "created": 2, "updated": 0, "unchanged": 0}
    assert Target.objects.get(unit=cast.county_b).milestones == {"6": "60"}
    second = post_targets(client, good)
    assert second.json() | {"batch": None} == {"batch": None, "created": 0, "updated": 0, "unchanged": 2}
    assert set(Target.objects.values_list("version", flat=True)) == {1}

    changed = post_targets(client, [{"unit": "C-A", "indicator": "FAI", "year": YEAR, "value": "120"}])
    assert changed.json()["updated"] == 1
    assert Target.objects.get(unit=cast.county_a).version == 2


def test_county_supervisor_sets_targets_only_in_their_county(cast, catalogue, client_for):
    client = client_for(cast.county_supervisor)

    response = post_targets(client, [{"unit": "C-B", "indicator": "FAI", "year": YEAR, "value": 100}])

    assert response.status_code == 403
    assert Target.objects.count() == 0


# --- the service directly: performance shape ------------------------------------------------


@time_machine.travel(OPEN_DAY, tick=False)
def test_a_batch_costs_a_fixed_number_of_queries_whatever_its_size(cast, catalogue, django_assert_max_num_queries):
    def batch(value):
        return [
            row(unit=u, indicator=i, month=m, value=value)
            for u in ("C-A", "C-B")
            for i in ("FAI", "FDI", "HT")
            for m in (1, 2, 3)
        ]

    with django_assert_max_num_queries(30):
        result = imports.reports_import(actor=cast.supervisor, rows=batch(5), reason="补录一季度数据")
    assert result.created == 18
    with django_assert_max_num_queries(30):
        result = imports.reports_import(actor=cast.supervisor, rows=batch(6), reason="统计局修订数")
    assert result.updated == 18

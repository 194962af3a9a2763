"""One write path for figures: the same revision rule and the same validation whichever way a
figure comes in (the form, the API, Excel and bulk imports, the project feed)."""

import io
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook
from rest_framework.test import APIClient

from tests.indicators.reporting_support import AFTER_DEADLINE, GOOD_MARCH, MONTH, YEAR, filling_clock, submit
from tuijin.indicators.models import Report, ReportRevision, RevisionKind, Submission, Target
from tuijin.indicators.services import imports, reporting
from tuijin.projects.models import Project, ProjectProgress
from tuijin.projects.services.feed import FEED_REASON, feed_indicator_values

FILL = reverse("indicators:fill")
TOO_BIG = "1000000000000000"  # 1e15: 亿元 typed as 元
LONG_REMARK = "说" * 300_000


@pytest.fixture(autouse=True)
def _clock():
    with filling_clock():
        yield


@pytest.fixture
def api():
    return APIClient()


def fai_report(cast, catalogue) -> Report:
    return Report.objects.get(unit=cast.county_a, indicator=catalogue.fai, year=YEAR, month=MONTH)


def returned(cast, catalogue) -> Submission:
    submission = submit(cast, catalogue)
    return reporting.submission_return(
        actor=cast.head_a, submission=submission, reason="固投口径有误", expected_version=submission.version
    )


def revision_of(report: Report) -> tuple:
    revision = ReportRevision.objects.get(report=report)
    return revision.kind, revision.old_value, revision.new_value


# --- one revision rule: a changed handed-in figure keeps its old value, on every path ------------


def test_the_form_keeps_a_revision_of_a_handed_in_figure(cast, catalogue, client_for):
    submission = returned(cast, catalogue)
    data = {"year": YEAR, "month": MONTH, "version": submission.version, "save": "1"}
    data |= {f"value-{catalogue.fai.pk}": "31", f"last-{catalogue.fai.pk}": "28", f"remark-{catalogue.fai.pk}": ""}
    assert client_for(cast.reporter_a).post(FILL, data).status_code == 302
    assert revision_of(fai_report(cast, catalogue)) == (RevisionKind.RETURN, Decimal(30), Decimal(31))


def test_the_api_keeps_a_revision_of_a_handed_in_figure(cast, catalogue, api):
    returned(cast, catalogue)
    api.force_authenticate(cast.reporter_a)
    payload = {"indicator": "FAI", "year": YEAR, "month": MONTH, "value": "32", "last_year_value": "28"}
    assert api.post("/api/v1/reports/", payload, format="json").status_code == 201
    assert revision_of(fai_report(cast, catalogue)) == (RevisionKind.RETURN, Decimal(30), Decimal(32))


def test_the_bulk_import_keeps_a_revision_of_a_handed_in_figure(cast, catalogue):
    submit(cast, catalogue)
    row = {"unit": "C-A", "indicator": "FAI", "year": YEAR, "month": MONTH, "value": "33"}
    imports.reports_import(actor=cast.supervisor, rows=[row], reason="统计局修订数")
    assert revision_of(fai_report(cast, catalogue)) == (RevisionKind.API, Decimal(30), Decimal(33))


def _project_with_investment(cast, amount: str) -> None:
    project = Project.objects.create(code="P1", name="项目", unit=cast.county_a, total_investment=Decimal(50))
    ProjectProgress.objects.create(
        project=project, year=YEAR, month=MONTH, investment=Decimal(amount), reported_by=cast.reporter_a
    )


def test_the_project_feed_keeps_a_revision_of_a_handed_in_figure(cast, catalogue):
    submit(cast, catalogue)
    catalogue.fai.fed_by_projects = True  # the library takes over a figure the unit handed in
    catalogue.fai.save()
    _project_with_investment(cast, "34")
    feed_indicator_values(year=YEAR, month=MONTH, actor=cast.supervisor)
    assert revision_of(fai_report(cast, catalogue)) == (RevisionKind.IMPORT, Decimal(30), Decimal(34))


def test_a_figure_first_written_into_a_locked_period_keeps_a_revision_on_the_feed_as_on_imports(cast, catalogue):
    catalogue.fai.fed_by_projects = True
    catalogue.fai.save()
    _project_with_investment(cast, "12")
    with time_machine.travel(AFTER_DEADLINE, tick=False):
        feed_indicator_values(year=YEAR, month=MONTH, actor=cast.supervisor)
        imports.reports_import(
            actor=cast.supervisor, reason="补录", rows=[{"unit": "C-B", "indicator": "GDP", "year": YEAR,
                                                         "month": MONTH, "value": "6.1"}],
        )  # fmt: skip
    fed = ReportRevision.objects.get(report=fai_report(cast, catalogue))
    assert (fed.old_value, fed.new_value, fed.reason) == (None, Decimal(12), FEED_REASON)
    assert ReportRevision.objects.filter(report__unit=cast.county_b, old_value=None).count() == 1


def test_a_changed_remark_alone_is_not_a_revision(cast, catalogue):
    submit(cast, catalogue)
    row = {"unit": "C-A", "indicator": "FAI", "year": YEAR, "month": MONTH, "value": "30", "remark": "含新开工项目"}
    result = imports.reports_import(actor=cast.supervisor, rows=[row])
    assert result.updated == 1
    assert fai_report(cast, catalogue).remark == "含新开工项目"
    assert not ReportRevision.objects.exists()


# --- one validation: bad values are refused on every path, in Chinese, and nothing is saved -------


def bulk(client, **fields):
    row = {"unit": "C-A", "indicator": "FAI", "year": YEAR, "month": MONTH, "value": "12.5"} | fields
    return client.post("/api/v1/reports/bulk/", [row], content_type="application/json")


def bulk_messages(response) -> str:
    return " ".join(e["message"] for e in response.json()["errors"])


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"year": 2027, "month": 1}, "尚未开始"),
        ({"year": 2100, "month": 12}, "尚未开始"),
        ({"year": YEAR, "month": 5}, "尚未开始"),  # on 2 April, May has not begun
        ({"value": "-3"}, "不能为负数"),
        ({"last_year_value": "-1"}, "不能为负数"),
        ({"month": 0}, "月份须在 1 到 12 之间"),
        ({"year": 0}, "年度须在"),
        ({"remark": LONG_REMARK}, "说明不能超过"),
    ],
)
def test_the_bulk_api_refuses_bad_figures(cast, catalogue, client_for, fields, message):
    response = bulk(client_for(cast.supervisor), **fields)
    assert response.status_code == 400
    assert message in bulk_messages(response)
    assert not Report.objects.exists()


def test_a_negative_growth_rate_is_a_figure(cast, catalogue, client_for):
    assert bulk(client_for(cast.supervisor), indicator="GDP", value="-2.5").status_code == 200


def test_the_bulk_targets_api_refuses_year_zero(cast, catalogue, client_for):
    row = {"unit": "C-A", "indicator": "FAI", "year": 0, "value": "100"}
    response = client_for(cast.supervisor).post("/api/v1/targets/bulk/", [row], content_type="application/json")
    assert response.status_code == 400
    assert not Target.objects.exists()


def form(catalogue, **fai):
    values = {name: tuple("" if v is None else str(v) for v in triple) for name, triple in GOOD_MARCH.items()}
    values["fai"] = (fai.get("value", "30"), fai.get("last", "28"), fai.get("remark", ""))
    data = {"year": YEAR, "month": MONTH, "version": 0, "save": "1"}
    for name, (value, last, remark) in values.items():
        pk = getattr(catalogue, name).pk
        data |= {f"value-{pk}": value, f"last-{pk}": last, f"remark-{pk}": remark}
    return data


@pytest.mark.parametrize(
    ("fai", "message"),
    [
        ({"value": TOO_BIG}, "数值过大"),
        ({"value": "-5"}, "不能为负数"),
        ({"remark": LONG_REMARK}, "说明不能超过"),
    ],
)
def test_the_form_refuses_bad_figures(cast, catalogue, client_for, fai, message):
    response = client_for(cast.reporter_a).post(FILL, form(catalogue, **fai))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Report.objects.exists()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"value": TOO_BIG}, "数值过大"),
        ({"remark": LONG_REMARK}, "说明不能超过"),
        ({"year": 2027, "month": 1}, "尚未开始"),
    ],
)
def test_the_api_refuses_bad_figures(cast, catalogue, api, fields, message):
    api.force_authenticate(cast.reporter_a)
    payload = {"indicator": "FAI", "year": YEAR, "month": MONTH, "value": "30"} | fields
    response = api.post("/api/v1/reports/", payload, format="json")
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Report.objects.exists()


def test_a_formula_cell_without_a_cached_value_is_refused_naming_the_cell(cast, catalogue, client_for):
    wb = Workbook()
    ws = wb.active
    ws.append(["单位编码", "指标编码", "年度", "月份", "本期值", "上年同期值", "说明"])
    ws.append(["C-A", "FAI", YEAR, MONTH, 30, 28, ""])
    ws.append(["C-B", "FAI", YEAR, MONTH, "=E2*2", 20, ""])  # openpyxl saves formulas without their result
    buffer = io.BytesIO()
    wb.save(buffer)
    upload = SimpleUploadedFile("报表.xlsx", buffer.getvalue())

    response = client_for(cast.supervisor).post(
        "/indicators/config/imports/upload/", {"kind": "reports", "file": upload}
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "E3" in html
    assert "公式" in html
    assert not Report.objects.exists()

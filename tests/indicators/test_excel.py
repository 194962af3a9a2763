"""Excel in and out: templates read back with openpyxl, uploads all or nothing, .xls, background."""

import io
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from tuijin.indicators.models import ImportBatch, Report, ReportRevision, RevisionKind, SubmissionStatus, Target
from tuijin.indicators.services import uploads

YEAR = 2026
OPEN_DAY = "2026-04-03 10:00 +0800"  # period 2026-03 is open
FIXTURES = Path(__file__).with_name("fixtures")

pytestmark = pytest.mark.django_db


def workbook(response):
    return load_workbook(io.BytesIO(response.content))


def as_upload(wb: Workbook, name="upload.xlsx") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    wb.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def table(ws, header_row):
    """{indicator code: {header: cell}} below the header row."""
    headers = [c.value for c in ws[header_row]]
    rows = {}
    for cells in ws.iter_rows(min_row=header_row + 1):
        by_header = dict(zip(headers, cells, strict=False))
        rows[by_header["指标编码"].value, by_header.get("单位编码") and by_header["单位编码"].value] = by_header
    return rows


def upload(client, file, kind="reports", reason=""):
    return client.post("/indicators/config/imports/upload/", {"kind": kind, "file": file, "reason": reason})


# --- the entry template --------------------------------------------------------------------


@time_machine.travel(OPEN_DAY, tick=False)
def test_entry_template_is_protected_validated_and_lists_due_indicators_only(cast, catalogue, client_for, make_report):
    make_report(cast.county_a, catalogue.fai, 9, 88.5, last_year=80, remark='=HYPERLINK("http://x")')
    client = client_for(cast.reporter_a)

    october = workbook(client.get("/indicators/config/template/", {"year": YEAR, "month": 10})).active
    september = workbook(client.get("/indicators/config/template/", {"year": YEAR, "month": 9})).active

    assert (october["A1"].value, october["B1"].value, october["B3"].value, october["B4"].value) == (
        "单位编码", "C-A", YEAR, 10,
    )  # fmt: skip
    codes_oct = [row[0] for row in october.iter_rows(min_row=7, values_only=True)]
    codes_sep = [row[0] for row in september.iter_rows(min_row=7, values_only=True)]
    assert "PARK" not in codes_oct  # quarterly: not due in October
    assert "PARK" in codes_sep
    assert set(codes_oct) == {"FAI", "FDI", "GDP", "HT", "PM25"}
    assert october.protection.sheet is True
    assert october["A7"].protection.locked is True
    assert october["E7"].protection.locked is False
    assert october["G7"].protection.locked is False
    validations = october.data_validations.dataValidation
    assert [v.type for v in validations] == ["decimal"]
    assert str(validations[0].sqref) == "E7:F11"
    filled = {row[0]: row for row in september.iter_rows(min_row=7, values_only=True)}
    assert filled["FAI"][4:7] == (88.5, 80, '\'=HYPERLINK("http://x")')  # formula injection neutralised


def test_template_download_is_scoped(cast, catalogue, client_for):
    assert client_for(cast.reporter_b).get("/indicators/config/template/", {"unit": "C-A"}).status_code == 404
    # A county reporter sees its towns but fills only its own form.
    assert client_for(cast.reporter_a).get("/indicators/config/template/", {"unit": "C-A-1"}).status_code == 403
    assert client_for(cast.county_supervisor).get("/indicators/config/template/", {"unit": "C-A"}).status_code == 200
    assert client_for(cast.county_supervisor).get("/indicators/config/template/", {"unit": "C-B"}).status_code == 404
    assert client_for(cast.auditor).get("/indicators/config/template/", {"unit": "C-A"}).status_code == 403


@time_machine.travel(OPEN_DAY, tick=False)
def test_supervisor_round_trip_through_the_unit_template(cast, catalogue, client_for):
    client = client_for(cast.supervisor)
    wb = workbook(client.get("/indicators/config/template/", {"unit": "C-B", "year": YEAR, "month": 3}))
    ws = wb.active
    rows = {row[0].value: row for row in ws.iter_rows(min_row=7)}
    rows["FAI"][4].value, rows["FAI"][5].value, rows["FAI"][6].value = 42.3, 40, "含新开工项目"
    rows["GDP"][4].value = 6.8

    file = as_upload(wb)
    response = upload(client, file)

    assert response.status_code == 302
    saved = {r.indicator.code: r for r in Report.objects.filter(unit=cast.county_b, year=YEAR, month=3)}
    assert set(saved) == {"FAI", "GDP"}  # the lines left empty are not imported
    assert (saved["FAI"].value, saved["FAI"].last_year_value, saved["FAI"].remark) == (
        Decimal("42.3"), Decimal(40), "含新开工项目",
    )  # fmt: skip
    assert saved["FAI"].submission.status == SubmissionStatus.ACCEPTED
    batch = ImportBatch.objects.get()
    assert (batch.source, batch.file_name, batch.changed_rows) == ("excel", "upload.xlsx", 2)

    file.seek(0)
    again = upload(client, file)
    assert again.status_code == 302
    follow = client.get(again["Location"])
    assert "该文件已导入过，未作更改" in follow.text
    assert Report.objects.get(unit=cast.county_b, indicator=catalogue.fai, month=3).version == 1


@time_machine.travel(OPEN_DAY, tick=False)
def test_reporter_uploads_their_template_as_a_draft(cast, catalogue, client_for):
    client = client_for(cast.reporter_a)
    wb = workbook(client.get("/indicators/config/template/", {"year": YEAR, "month": 3}))
    rows = {row[0].value: row for row in wb.active.iter_rows(min_row=7)}
    rows["FAI"][4].value = 12.5
    rows["FDI"][4].value = 900

    response = client.post(
        "/indicators/config/template/upload/", {"year": YEAR, "month": 3, "file": as_upload(wb, "甲县3月.xlsx")}
    )

    assert response.status_code == 302, response.context and response.context["errors"]
    saved = Report.objects.filter(unit=cast.county_a, year=YEAR, month=3).select_related("submission")
    assert {r.indicator.code: r.value for r in saved} == {"FAI": Decimal("12.5"), "FDI": Decimal(900)}
    assert {r.submission.status for r in saved} == {SubmissionStatus.DRAFT}


@time_machine.travel(OPEN_DAY, tick=False)
def test_reporter_cannot_upload_another_units_template(cast, catalogue, client_for):
    supervisor = client_for(cast.supervisor)
    wb = workbook(supervisor.get("/indicators/config/template/", {"unit": "C-B", "year": YEAR, "month": 3}))
    next(wb.active.iter_rows(min_row=7))[4].value = 5

    response = client_for(cast.reporter_a).post(
        "/indicators/config/template/upload/", {"year": YEAR, "month": 3, "file": as_upload(wb)}
    )

    assert response.status_code == 400
    assert "不是 甲县 2026年3月的填报模板" in response.text
    assert Report.objects.count() == 0


# --- bad uploads ---------------------------------------------------------------------------


@time_machine.travel(OPEN_DAY, tick=False)
def test_bad_upload_lists_errors_per_row_and_cell_and_saves_nothing(cast, catalogue, client_for):
    client = client_for(cast.supervisor)
    wb = workbook(client.get("/indicators/config/workbook/", {"year": YEAR, "month": 3}))
    ws = wb.active
    lines = {(row[0].value, row[2].value): row for row in ws.iter_rows(min_row=2)}
    lines["C-A", "FAI"][7].value = 10
    lines["C-B", "FAI"][7].value = "约十亿"
    ws.protection.sheet = False
    lines["C-B", "GDP"][2].value = "GDPX"
    lines["C-B", "GDP"][7].value = 6.5
    bad_row = lines["C-B", "FAI"][7].row

    response = upload(client, as_upload(wb))

    assert response.status_code == 400
    errors = response.context["errors"]
    assert {"row": bad_row, "field": "value", "cell": f"H{bad_row}", "message": "“约十亿”不是有效的数字。"} in errors
    assert any(e["field"] == "indicator" and "GDPX" in e["message"] for e in errors)
    assert "本次未保存任何数据" in response.text
    assert Report.objects.count() == ImportBatch.objects.count() == 0


def test_files_that_are_not_excel_are_refused(cast, catalogue, client_for):
    client = client_for(cast.supervisor)

    text = upload(client, SimpleUploadedFile("data.xlsx", b"unit,indicator\nC-A,FAI\n"))
    broken = upload(client, SimpleUploadedFile("broken.xlsx", b"PK\x03\x04 not really a zip"))

    assert "只接受 Excel 文件" in text.text
    assert "无法读取该 Excel 文件" in broken.text
    assert ImportBatch.objects.count() == 0


def test_oversized_files_are_refused(cast, catalogue):
    from tuijin.indicators import excel

    with pytest.raises(excel.WorkbookError, match="20 MB"):
        excel.read_first_sheet(excel.XLSX_MAGIC + b"0" * excel.MAX_UPLOAD_BYTES)


@time_machine.travel(OPEN_DAY, tick=False)
def test_legacy_xls_files_are_read(cast, catalogue, client_for):
    client = client_for(cast.supervisor)
    data = (FIXTURES / "reports_2026_03.xls").read_bytes()

    response = upload(client, SimpleUploadedFile("报表.xls", data))

    assert response.status_code == 302
    values = dict(Report.objects.values_list("unit__code", "value"))
    assert values == {"C-A": Decimal("35.5"), "C-B": Decimal(28)}


@time_machine.travel("2026-05-20 10:00 +0800", tick=False)
def test_excel_import_into_a_locked_month_keeps_revisions_of_kind_import(cast, catalogue, client_for, make_report):
    make_report(cast.county_a, catalogue.fai, 3, 30, status=SubmissionStatus.ACCEPTED)
    client = client_for(cast.supervisor)
    data = (FIXTURES / "reports_2026_03.xls").read_bytes()

    refused = upload(client, SimpleUploadedFile("报表.xls", data))
    assert "须填写原因" in refused.text
    accepted = upload(client, SimpleUploadedFile("报表.xls", data), reason="统计局修订数")

    assert accepted.status_code == 302
    revisions = ReportRevision.objects.all()
    assert {(r.kind, r.reason) for r in revisions} == {(RevisionKind.IMPORT, "统计局修订数")}
    assert revisions.count() == 2


# --- the all-units workbook and the targets workbook ---------------------------------------


@time_machine.travel(OPEN_DAY, tick=False)
def test_all_units_workbook_is_scoped(cast, catalogue, client_for):
    county = workbook(client_for(cast.county_supervisor).get("/indicators/config/workbook/")).active
    city = workbook(client_for(cast.supervisor).get("/indicators/config/workbook/")).active

    assert {row[0] for row in county.iter_rows(min_row=2, values_only=True)} == {"C-A"}
    assert {row[0] for row in city.iter_rows(min_row=2, values_only=True)} == {"C-A", "C-B", "C-Z"}
    assert (city["F2"].value, city["G2"].value) == (YEAR, 3)
    assert client_for(cast.reporter_a).get("/indicators/config/workbook/").status_code == 403


def test_targets_workbook_round_trip(cast, catalogue, client_for, make_target):
    make_target(cast.county_a, catalogue.fai, 100)
    client = client_for(cast.supervisor)
    wb = workbook(client.get("/indicators/config/targets/workbook/", {"year": YEAR, "group": "G-CTY"}))
    lines = {(row[0].value, row[2].value): row for row in wb.active.iter_rows(min_row=2)}
    assert lines["C-A", "FAI"][6].value == 100
    lines["C-B", "FAI"][6].value = 90
    lines["C-B", "FAI"][7].value = 55

    response = upload(client, as_upload(wb, "目标.xlsx"), kind="targets")

    assert response.status_code == 302
    target = Target.objects.get(unit=cast.county_b, indicator=catalogue.fai)
    assert (target.value, target.milestones) == (Decimal(90), {"6": "55"})
    assert Target.objects.get(unit=cast.county_a, indicator=catalogue.fai).version == 1


# --- the background path -------------------------------------------------------------------


@time_machine.travel(OPEN_DAY, tick=False)
def test_a_large_upload_is_imported_in_the_background_with_progress(
    cast, catalogue, client_for, monkeypatch, django_capture_on_commit_callbacks, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(uploads, "BACKGROUND_ROWS", 2)
    monkeypatch.setattr("tuijin.indicators.services.imports.PROGRESS_EVERY", 1)
    client = client_for(cast.supervisor)
    wb = workbook(client.get("/indicators/config/workbook/", {"year": YEAR, "month": 3}))
    for row in wb.active.iter_rows(min_row=2):
        row[7].value = 1

    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, as_upload(wb, "big.xlsx"))

    batch = ImportBatch.objects.get()
    assert response["Location"] == f"/indicators/config/imports/{batch.pk}/"
    assert (batch.status, batch.processed_rows, batch.total_rows) == ("done", batch.total_rows, 18)
    assert Report.objects.count() == 18  # 3 units × 6 indicators due in March
    assert (tmp_path / "imports" / f"batch-{batch.pk}.xlsx").exists()
    fragment = client.get(response["Location"], headers={"HX-Request": "true"})
    assert 'data-status="done"' in fragment.text
    assert "every 1s" not in fragment.text


@time_machine.travel(OPEN_DAY, tick=False)
def test_a_failed_background_import_shows_its_errors_and_writes_nothing(
    cast, catalogue, client_for, monkeypatch, django_capture_on_commit_callbacks, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(uploads, "BACKGROUND_ROWS", 1)
    client = client_for(cast.supervisor)
    wb = workbook(client.get("/indicators/config/workbook/", {"year": YEAR, "month": 3}))
    rows = list(wb.active.iter_rows(min_row=2))
    rows[0][7].value, rows[1][7].value = 1, "x"

    with django_capture_on_commit_callbacks(execute=True):
        upload(client, as_upload(wb, "big.xlsx"))

    batch = ImportBatch.objects.get()
    assert batch.status == "failed"
    assert batch.errors[0]["cell"] == "H3"
    assert Report.objects.count() == 0
    page = client.get(f"/indicators/config/imports/{batch.pk}/")
    assert "本次未保存任何数据" in page.text


def test_a_running_batch_page_polls_and_others_cannot_see_it(cast, catalogue, client_for):
    batch = ImportBatch.objects.create(kind="reports", created_by=cast.supervisor, total_rows=100, processed_rows=40)
    page = client_for(cast.supervisor).get(f"/indicators/config/imports/{batch.pk}/")
    assert 'hx-trigger="every 1s"' in page.text
    assert 'value="40"' in page.text
    assert client_for(cast.county_supervisor).get(f"/indicators/config/imports/{batch.pk}/").status_code == 404
    assert (
        client_for(cast.county_supervisor).get("/indicators/config/imports/").context["page_obj"].object_list.count()
        == 0
    )

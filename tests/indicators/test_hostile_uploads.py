"""No Excel upload can take the server down: a far cell or a zip bomb, posted by the user who may
upload, is refused with a clear message before python-calamine reads it, and nothing is saved.
Run under a memory cap: a regression fails (or aborts the worker) instead of exhausting the machine."""

import io

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from tests import hostile_files as hostile
from tuijin.indicators.models import ImportBatch, Report, Submission

YEAR = 2026
OPEN_DAY = "2026-04-03 10:00 +0800"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def filled_template_with_a_far_cell(client, far: str) -> bytes:
    wb = load_workbook(io.BytesIO(client.get("/indicators/config/template/", {"year": YEAR, "month": 3}).content))
    rows = {row[0].value: row for row in wb.active.iter_rows(min_row=7)}
    rows["FAI"][4].value = 12.5
    wb.active[far] = 1
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def nothing_saved(media):
    assert not Report.objects.exists()
    assert not Submission.objects.exists()
    assert not ImportBatch.objects.exists()
    assert not any(p.is_file() for p in media.rglob("*"))


@time_machine.travel(OPEN_DAY, tick=False)
@pytest.mark.parametrize("far", ["XFD1048576", "Z1000000", "A20001", "GS7"])
def test_a_reporters_template_with_a_far_cell_is_refused(cast, catalogue, client_for, media, far):
    client = client_for(cast.reporter_a)
    data = filled_template_with_a_far_cell(client, far)
    assert len(data) < 10_000
    with hostile.memory_cap():
        response = client.post(
            "/indicators/config/template/upload/",
            {"year": YEAR, "month": 3, "file": SimpleUploadedFile("t.xlsx", data)},
        )
    assert response.status_code == 400
    assert "工作表的范围过大" in response.content.decode()
    assert "最多 20000 行、200 列" in response.content.decode()
    nothing_saved(media)


@time_machine.travel(OPEN_DAY, tick=False)
def test_the_template_just_inside_the_caps_is_read(cast, catalogue, client_for, media, settings):
    settings.TUIJIN_EXCEL_MAX_ROWS = 20
    client = client_for(cast.reporter_a)
    data = filled_template_with_a_far_cell(client, "GR20")  # row 20, column 200
    response = client.post(
        "/indicators/config/template/upload/", {"year": YEAR, "month": 3, "file": SimpleUploadedFile("t.xlsx", data)}
    )
    assert response.status_code == 302
    assert Report.objects.get(indicator__code="FAI").value == 12.5


@time_machine.travel(OPEN_DAY, tick=False)
@pytest.mark.parametrize("lie", [False, True], ids=["declared", "lying-size"])
def test_a_reporters_inflating_template_is_refused(cast, catalogue, client_for, media, lie):
    data = hostile.inflating_sheet(64 * hostile.MiB, lie=lie)
    with hostile.memory_cap():
        response = client_for(cast.reporter_a).post(
            "/indicators/config/template/upload/",
            {"year": YEAR, "month": 3, "file": SimpleUploadedFile("t.xlsx", data)},
        )
    assert response.status_code == 400
    assert "疑似压缩炸弹" in response.content.decode()
    nothing_saved(media)


@pytest.mark.parametrize("kind", ["reports", "targets"])
@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: hostile.workbook(hostile.HEADERS, far="XFD1048576"), "工作表的范围过大"),
        (lambda: hostile.inflating_sheet(64 * hostile.MiB), "疑似压缩炸弹"),
    ],
    ids=["far-cell", "bomb"],
)
def test_the_supervisors_import_refuses_hostile_workbooks(cast, catalogue, client_for, media, kind, build, message):
    data = build()
    with hostile.memory_cap():
        response = client_for(cast.supervisor).post(
            "/indicators/config/imports/upload/", {"kind": kind, "file": SimpleUploadedFile("w.xlsx", data)}
        )
    assert response.status_code == 400
    assert message in response.content.decode()
    nothing_saved(media)

"""Control characters are refused at input, naming the field, and nothing is saved."""

import io
import zipfile

import pytest
from axes.models import AccessAttempt
from openpyxl import Workbook

from tests.twofactor import verify_session
from tuijin.audit.models import AuditEvent
from tuijin.indicators.excel import WorkbookError, read_first_sheet
from tuijin.orgs.models import Unit

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("username", ["evil\x01user", "evil\x7fuser", "evil\x00user"])
def test_a_login_with_control_characters_is_refused_and_the_audit_export_still_opens(cast, client, username):
    response = client.post("/accounts/login/", {"username": username, "password": "x"})
    assert response.status_code == 200
    assert "控制字符" in response.content.decode()
    assert not AuditEvent.objects.filter(action="login_failed").exists()
    assert not AccessAttempt.objects.exists()
    client.force_login(cast.auditor)
    verify_session(client, cast.auditor)
    assert client.get("/audit/", {"export": "xlsx"}).status_code == 200


def test_the_api_refuses_control_characters_naming_the_field(cast, client):
    response = client.post(
        "/api/v1/auth/token/", {"username": "evil\x01user", "password": "x"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "username" in response.json()
    assert "控制字符" in response.json()["username"][0]
    assert not AccessAttempt.objects.exists()


def test_a_web_form_refuses_control_characters_and_saves_nothing(cast, client_for):
    from tuijin.orgs.forms import UnitForm

    form = UnitForm(data={"code": "C-X", "name": "坏\x07名", "type": "county", "parent": cast.city.pk})
    assert not form.is_valid()
    assert "控制字符" in form.errors["name"][0]
    assert "名称" in form.errors["name"][0] or "单位" in form.errors["name"][0]
    assert not Unit.objects.filter(code="C-X").exists()


def _xlsx_with(text_escape: str) -> bytes:
    """A workbook whose A2 holds `text_escape` as Excel escapes it (_x0001_) in the sheet's XML."""
    wb = Workbook()
    wb.active.append(["指标编码", "说明"])
    wb.active.append(["FAI", "PLACEHOLDER"])
    buffer = io.BytesIO()
    wb.save(buffer)
    src = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename).replace(b"PLACEHOLDER", text_escape.encode())
            dst.writestr(item, data)
    return out.getvalue()


def test_an_excel_upload_with_control_characters_is_refused_naming_the_cell():
    with pytest.raises(WorkbookError, match="B2"):
        read_first_sheet(_xlsx_with("坏_x0001_说明"))

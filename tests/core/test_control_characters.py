"""Control characters are refused at input, naming the field, and nothing is saved."""

import io
import zipfile

import pytest
from axes.models import AccessAttempt
from django import forms
from django.core.exceptions import ValidationError
from openpyxl import Workbook

from tests.twofactor import verify_session
from tuijin.audit.models import AuditEvent
from tuijin.core.forms import CleanTextMixin
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


# --- every form of the project ------------------------------------------------------------------


def _project_forms() -> list[type]:
    """Every Form and ModelForm class defined under tuijin/ (each module imported first)."""
    import importlib
    import pkgutil

    import tuijin

    for info in pkgutil.walk_packages(tuijin.__path__, "tuijin."):
        if ".migrations" not in info.name and not info.name.endswith((".wsgi", ".asgi")):
            importlib.import_module(info.name)
    seen, todo = set(), [forms.BaseForm]
    while todo:
        for sub in todo.pop().__subclasses__():
            if sub not in seen:
                seen.add(sub)
                todo.append(sub)
    return sorted((c for c in seen if c.__module__.startswith("tuijin.")), key=lambda c: c.__qualname__)


def _instance(form_class, cast):
    """The form as a view builds it: the keyword-only arguments it requires, from the cast."""
    import inspect

    from tuijin.projects.models import Project

    given = {"user": cast.supervisor, "actor": cast.secadmin, "project": Project(), "can_override": True}
    params = inspect.signature(form_class.__init__).parameters.values()
    needed = {p.name: given[p.name] for p in params if p.kind is p.KEYWORD_ONLY and p.default is p.empty}
    return form_class(data={}, **needed)


def test_every_form_class_uses_the_one_cleaner():
    forms_found = _project_forms()
    assert len(forms_found) > 40  # the walk really found the project's forms
    missing = [f"{c.__module__}.{c.__qualname__}" for c in forms_found if not issubclass(c, CleanTextMixin)]
    assert missing == []


def test_every_text_field_of_every_form_refuses_control_characters(cast):
    checked, missing = 0, []
    for form_class in _project_forms():
        form = _instance(form_class, cast)
        for name, field in form.fields.items():
            if not isinstance(field, forms.CharField):
                continue
            for bad in ("坏\x01字", "坏\x07字", "坏\x00字"):
                try:
                    field.run_validators(bad)
                except ValidationError as exc:
                    if any("控制字符" in m for m in exc.messages):
                        checked += 1
                        continue
                missing.append(f"{form_class.__qualname__}.{name} {bad!r}")
    assert missing == []
    assert checked > 100


@pytest.mark.parametrize("bad", ["\x01", "\x07", "\x00"])
def test_a_form_outside_the_tabler_base_refuses_control_characters(cast, bad):
    from tuijin.supervision.forms import AssignmentForm

    form = AssignmentForm(data={"title": f"坏{bad}事项", "content": "内容"}, user=cast.supervisor)
    assert not form.is_valid()
    assert "控制字符" in form.errors["title"][0]
    assert "事项" in form.errors["title"][0]

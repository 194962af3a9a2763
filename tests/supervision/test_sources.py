"""Where an assignment comes from, linked: a leader's instruction (named), an escalated contact
sheet, a bulletin finding, a meeting's decision or review problem (see tests/meetings). The item
page links back to the source; the form and the API link only sources the supervisor can see."""

import datetime as dt

from rest_framework.test import APIClient

from tuijin.supervision import queries, sources
from tuijin.supervision.models import Assignment, SourceKind


def api_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def form(cast, today, **values) -> dict:
    return {
        "title": "落实物流园用地指标", "content": "月底前落实", "source_kind": "instruction",
        "owner_unit": cast.county_a.pk, "deadline": (today + dt.timedelta(days=20)).isoformat(), "cycle": "weekly",
        "assigned_on": today.isoformat(),
    } | values  # fmt: skip


def test_a_leaders_instruction_is_named_and_has_no_record_to_link(cast, make_assignment, client_for):
    a = make_assignment(source_kind=SourceKind.INSTRUCTION, source_label="李市长 2026年3月5日批示")
    assert queries.source_link(a) is None
    page = client_for(cast.reporter_a).get(f"/supervision/{a.pk}/").content.decode()
    assert "领导批示 · 李市长 2026年3月5日批示" in page


def test_an_escalated_sheet_is_linked_from_the_form_and_shown_both_ways(cast, escalated_sheet, client_for, today):
    client = client_for(cast.supervisor)
    assert escalated_sheet.number in client.get("/supervision/new/").content.decode()
    response = client.post("/supervision/new/", form(cast, today, source_kind="sheet", sheet=escalated_sheet.pk))
    a = Assignment.objects.get()
    assert response.status_code == 302
    assert (a.source_kind, a.source) == (SourceKind.SHEET, escalated_sheet)
    page = client.get(f"/supervision/{a.pk}/").content.decode()
    assert f'href="/liaison/{escalated_sheet.pk}/" data-testid="source-sheet"' in page


def test_the_form_refuses_a_sheet_for_another_kind_of_source(cast, escalated_sheet, client_for, today):
    response = client_for(cast.supervisor).post("/supervision/new/", form(cast, today, sheet=escalated_sheet.pk))
    assert response.status_code == 400
    assert "来源为工作联系单时才能选择联系单" in response.content.decode()
    assert not Assignment.objects.exists()


def test_a_published_bulletin_is_linked(cast, published_bulletin, client_for, today):
    client = client_for(cast.supervisor)
    response = client.post("/supervision/new/", form(cast, today, source_kind="bulletin",
                                                      bulletin=published_bulletin.pk))  # fmt: skip
    a = Assignment.objects.get()
    assert response.status_code == 302
    assert a.source == published_bulletin
    page = client.get(f"/supervision/{a.pk}/").content.decode()
    assert f'href="/bulletins/{published_bulletin.pk}/" data-testid="source-bulletin"' in page


def test_the_api_links_a_sheet_by_its_number_and_returns_the_source(cast, escalated_sheet, today):
    payload = {"title": "t", "content": "c", "source_kind": "sheet", "owner_unit": "C-A",
               "deadline": (today + dt.timedelta(days=9)).isoformat(), "sheet": escalated_sheet.number}  # fmt: skip
    row = api_for(cast.supervisor).post("/api/v1/assignments/", payload, format="json").json()
    assert row["source"] == {"type": "liaison.contactsheet", "id": escalated_sheet.pk,
                             "url": f"/liaison/{escalated_sheet.pk}/"}  # fmt: skip
    listed = api_for(cast.supervisor).get("/api/v1/assignments/").json()["results"]
    assert listed[0]["source"]["url"] == f"/liaison/{escalated_sheet.pk}/"


def test_the_api_refuses_a_sheet_that_is_not_there_or_of_the_wrong_kind(cast, escalated_sheet, today):
    base = {"title": "t", "content": "c", "owner_unit": "C-A", "deadline": (today + dt.timedelta(days=9)).isoformat()}
    client = api_for(cast.supervisor)
    for payload in (base | {"source_kind": "sheet", "sheet": "LX2099999999"},
                    base | {"source_kind": "other", "sheet": escalated_sheet.number},
                    base | {"source_kind": "bulletin", "bulletin": 99999}):  # fmt: skip
        response = client.post("/api/v1/assignments/", payload, format="json")
        assert response.status_code == 400, payload
    assert not Assignment.objects.exists()


# --- the sources tell their own link: supervision imports none of them -----------------------------


def test_supervision_imports_none_of_its_sources():
    """The source apps register with `supervision.sources`; the arrow never points back."""
    import ast
    from pathlib import Path

    root = Path(sources.__file__).parent
    found = []
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            names += [a.name for a in node.names] if isinstance(node, ast.Import) else []
            found += [f"{path.relative_to(root)}: {n}" for n in names if n.split(".")[:2] in SOURCE_APPS]
    assert found == []


SOURCE_APPS = [["tuijin", "bulletins"], ["tuijin", "liaison"], ["tuijin", "meetings"]]


def test_each_source_app_registers_its_records(escalated_sheet, published_bulletin):
    from tuijin.meetings.models import Decision, ReviewProblem

    assert sources.type_of(escalated_sheet).kind == SourceKind.SHEET
    assert sources.type_of(published_bulletin).kind == SourceKind.BULLETIN
    assert [t.model for t in sources.pickers()] == [type(escalated_sheet), type(published_bulletin)]
    assert sources.type_of(ReviewProblem()).kind == SourceKind.REVIEW
    assert sources.type_of(Decision()).kind == SourceKind.DECISION
    assert sources.type_of(Assignment()) is None


def test_a_supervisor_cannot_link_a_record_of_a_unit_outside_their_scope(cast, settings, tmp_path, today):
    import pytest
    from django.core.exceptions import ValidationError

    from tuijin.bulletins import services as bulletins
    from tuijin.supervision import services

    settings.MEDIA_ROOT = tmp_path / "media"

    def published(unit):
        draft = bulletins.bulletin_create(actor=cast.supervisor, period_type="month", year=2026, period=6,
                                          scope_unit=unit)  # fmt: skip
        return bulletins.bulletin_publish(actor=cast.supervisor, bulletin=draft, expected_version=draft.version)

    values = {"actor": cast.county_supervisor, "title": "整改", "content": "c", "source_kind": SourceKind.BULLETIN,
              "owner_unit": cast.county_a, "deadline": today + dt.timedelta(days=9)}  # fmt: skip
    with pytest.raises(ValidationError) as exc:
        services.assignment_create(source_obj=published(cast.county_b), **values)
    assert exc.value.message_dict["source_kind"] == ["来源不在您的管辖范围内。"]
    assert not Assignment.objects.exists()
    assert services.assignment_create(source_obj=published(cast.county_a), **values).source_kind == "bulletin"
    assert services.assignment_create(source_obj=published(None), **values).source_kind == "bulletin"  # city-wide

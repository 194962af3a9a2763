"""The REST API: list/retrieve/create/update a draft, each transition a POST action honouring the
policy (404 outside the scope, 403 without the right, 400 for a wrong state or a stale version,
and nothing changed), and a schema without warnings."""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from tests.liaison.conftest import part_of
from tuijin.liaison import timers
from tuijin.liaison.models import AssignmentStatus, ContactSheet, SheetStatus

pytestmark = pytest.mark.django_db
URL = "/api/v1/contact-sheets/"


@pytest.fixture
def api():
    return APIClient()


def as_user(api, user):
    api.force_authenticate(user)
    return api


def test_the_whole_round_through_the_api(world, api):
    reporter = as_user(api, world.cast.reporter_a)
    body = {"title": "用地协调", "problem": "缺指标", "request": "请落实", "departments": ["C-D"], "project": "P-A1"}
    response = reporter.post(URL, body, format="json")
    assert response.status_code == 201, response.content
    sheet = response.json()
    assert (sheet["status"], sheet["project"], sheet["departments"]) == ("draft", "P-A1", ["C-D"])
    response = reporter.patch(f"{URL}{sheet['id']}/", {"title": "用地指标协调", "version": sheet["version"]},
                              format="json")  # fmt: skip
    assert response.status_code == 200
    assert response.json()["title"] == "用地指标协调"
    response = reporter.post(f"{URL}{sheet['id']}/send/", {"version": response.json()["version"]}, format="json")
    assert response.status_code == 200, response.content
    part = response.json()["assignments"][0]
    assert (part["department"], part["due_on"]) == ("C-D", "2026-03-17")

    handler = as_user(APIClient(), world.handler_d)
    response = handler.post(f"{URL}{sheet['id']}/accept/", {"answer": "受理", "promised_on": "2026-03-31",
                                                             "version": part["version"]}, format="json")  # fmt: skip
    assert response.status_code == 200, response.content
    part = response.json()["assignments"][0]
    response = handler.post(
        f"{URL}{sheet['id']}/resolve/", {"result": "已办", "version": part["version"]}, format="json"
    )
    assert response.json()["status"] == "resolved"
    response = reporter.post(f"{URL}{sheet['id']}/confirm/", {"version": response.json()["version"]}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "confirmed"
    assert [e["kind"] for e in response.json()["events"]] == ["created", "updated", "sent", "accepted", "resolved",
                                                              "confirmed"]  # fmt: skip


def test_return_and_transfer_actions(world, sent, api):
    handler = as_user(api, world.handler_d)
    response = handler.post(f"{URL}{sent.pk}/transfer/", {"to_department": "C-E", "reason": "职能",
                            "version": part_of(sent, world.dept_d).version}, format="json")  # fmt: skip
    assert response.status_code == 200, response.content
    assert [(p["department"], p["status"]) for p in response.json()["assignments"]] == [
        ("C-D", "transferred"), ("C-E", "pending"),
    ]  # fmt: skip
    other = as_user(APIClient(), world.handler_e)
    body = {"reason": "不清楚", "version": part_of(sent, world.dept_e).version}
    response = other.post(f"{URL}{sent.pk}/return/", body, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "returned"


def test_the_ladder_through_the_api(world, sent, api):
    timers.escalate_overdue(dt.date(2026, 3, 18))
    leader = as_user(api, world.cast.leader)

    def version():
        return ContactSheet.objects.get(pk=sent.pk).version

    body = {"text": "请加快", "version": version()}
    assert leader.post(f"{URL}{sent.pk}/instruct/", body, format="json").status_code == 200
    response = leader.post(f"{URL}{sent.pk}/reassign/", {"department": "C-D", "to_department": "C-E", "reason": "改派",
                           "version": part_of(sent, world.dept_d).version}, format="json")  # fmt: skip
    assert response.status_code == 200, response.content
    assert (
        leader.post(f"{URL}{sent.pk}/agenda/", {"note": "提请研究", "version": version()}, format="json").status_code
        == 200
    )
    supervisor = as_user(APIClient(), world.cast.supervisor)
    response = supervisor.post(
        f"{URL}{sent.pk}/decision/", {"decision": "住建牵头", "version": version()}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["decision"] == "住建牵头"


def test_list_is_scoped_and_filtered(world, sent, api):
    assert [s["id"] for s in as_user(api, world.handler_d).get(URL).json()["results"]] == [sent.pk]
    assert as_user(api, world.handler_e).get(URL).json()["results"] == []
    assert as_user(api, world.cast.reporter_b).get(f"{URL}{sent.pk}/").status_code == 404
    assert as_user(api, world.cast.supervisor).get(URL, {"overdue": "1"}).json()["results"] == []
    assert len(as_user(api, world.cast.supervisor).get(URL, {"department": "C-D"}).json()["results"]) == 1


def state(sheet):
    sheet = ContactSheet.objects.get(pk=sheet.pk)
    return sheet.status, sheet.version, list(sheet.assignments.values_list("status", "version")), sheet.events.count()


@pytest.mark.parametrize(
    ("who", "action", "body", "code"),
    [
        ("handler_e", "accept", {"answer": "x", "promised_on": "2026-04-01"}, 404),  # not addressed: not seen
        ("reporter_b", "accept", {"answer": "x", "promised_on": "2026-04-01"}, 403),  # wrong role
        ("reporter_a", "accept", {"answer": "x", "promised_on": "2026-04-01"}, 403),  # the sender is no handler
        ("handler_d", "confirm", {}, 403),  # only the sender confirms
        ("reporter_b", "confirm", {}, 404),
        ("reporter_a", "confirm", {}, 400),  # wrong state: not resolved yet
        ("reporter_a", "send", {}, 400),  # already sent
        ("handler_d", "resolve", {"result": "x"}, 400),  # not accepted yet
        ("handler_d", "accept", {"answer": "x", "promised_on": "2026-04-01", "version": 99}, 409),  # stale
        ("leader", "instruct", {"text": "x"}, 400),  # not escalated
        ("handler_d", "instruct", {"text": "x"}, 403),
        ("supervisor", "agenda", {"note": "x"}, 403),
        ("county_supervisor", "decision", {"decision": "x"}, 403),  # sees it, but the agenda is the city's
    ],
)  # fmt: skip
def test_refused_transitions_change_nothing(world, sent, api, who, action, body, code):
    user = getattr(world.cast, who, None) or getattr(world, who)
    before = state(sent)
    # The version each action is checked against: the department's part, or the sheet itself.
    read = part_of(sent, world.dept_d).version if action in ("accept", "resolve") else sent.version
    response = as_user(api, user).post(f"{URL}{sent.pk}/{action}/", {"version": read, **body}, format="json")
    assert response.status_code == code, response.content
    assert state(sent) == before


def test_update_is_refused_once_sent_and_to_other_units(world, sent, api):
    before = state(sent)
    assert (
        as_user(api, world.cast.reporter_a)
        .patch(f"{URL}{sent.pk}/", {"title": "改", "version": sent.version}, format="json")
        .status_code
        == 400
    )
    assert (
        as_user(api, world.handler_d)
        .patch(f"{URL}{sent.pk}/", {"title": "改", "version": sent.version}, format="json")
        .status_code
        == 403
    )
    assert as_user(api, world.cast.reporter_b).post(URL, {"title": "x"}, format="json").status_code == 400
    assert state(sent) == before
    assert as_user(api, world.handler_d).post(URL, {"title": "x", "problem": "x", "request": "x"},
                                              format="json").status_code == 403  # fmt: skip


def test_the_schema_documents_every_action_without_warnings(world, client_for, capsys):
    response = client_for(world.cast.supervisor).get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    paths = response.json()["paths"]
    for action in ("send", "accept", "transfer", "return", "resolve", "confirm", "reopen", "instruct", "reassign",
                   "agenda", "decision"):  # fmt: skip
        assert f"{URL}{{id}}/{action}/" in paths, action
    assert "liaison" not in capsys.readouterr().err


def test_status_and_part_states_are_the_models(world, sent):
    assert part_of(sent, world.dept_d).status == AssignmentStatus.PENDING
    assert sent.status == SheetStatus.SENT

"""我的项目: the projects a lead leader, commissioner or agent follows, wherever they are."""

import pytest
from django.urls import reverse

from tuijin.projects.models import Stage

pytestmark = pytest.mark.django_db


def test_lead_leader_sees_the_projects_they_lead_with_this_years_plan(cast, client_for, make_project):
    led = make_project(cast.county_b, code="L1", lead_leader=cast.leader, start_month=4)
    make_project(cast.county_a, code="OTHER")

    response = client_for(cast.leader).get(reverse("projects:my_projects"))

    rows = response.context["rows"]
    assert [(r["project"].code, r["roles"]) for r in rows] == [("L1", ["领衔领导"])]
    assert rows[0]["plan"].planned_start_month == 4
    assert led.name in response.content.decode()


def test_commissioner_sees_a_project_of_another_unit_and_may_open_it(cast, client_for, make_project):
    make_project(cast.county_b, code="C1", commissioner=cast.reporter_a, agent=cast.reporter_a,
                 stage=Stage.STARTED, admission_flags=["eia"])  # fmt: skip
    client = client_for(cast.reporter_a)

    response = client.get(reverse("projects:my_projects"))

    assert [(r["project"].code, r["roles"]) for r in response.context["rows"]] == [("C1", ["驻工地专员", "代办员"])]
    assert "准入未通过" in response.content.decode()
    page = client.get(reverse("projects:project_detail", args=["C1"]))
    assert page.status_code == 200
    assert not page.context["can_manage"]
    assert not page.context["can_stage"]


def test_someone_who_follows_nothing_sees_an_empty_page(cast, client_for, make_project):
    make_project(cast.county_a)
    response = client_for(cast.reporter_b).get(reverse("projects:my_projects"))
    assert response.context["rows"] == []
    assert "还没有" in response.content.decode()

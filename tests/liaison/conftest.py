"""Contact sheets on top of the shared cast: a second department (市住建局, C-E) with its handler,
a head for 市资规局 (C-D), a project of 甲县 led by the city leader, and a writer for sheets that
goes through the services (the thing under test everywhere here).

Today is frozen (time-machine) on a working day the calendar knows: Tuesday 2026-03-10.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest
import time_machine

from tests.conftest import PASSWORD
from tuijin.liaison import services
from tuijin.orgs import services as org_services
from tuijin.orgs.models import Role, Unit, UnitType, User
from tuijin.projects.models import Project, Stage

TODAY = dt.date(2026, 3, 10)


@dataclass
class World:
    cast: object
    dept_d: Unit
    dept_e: Unit
    handler_d: User
    head_d: User
    handler_e: User
    project: Project


def person(cast, username, unit, *roles) -> User:
    user = org_services.user_create(
        actor=cast.sysadmin, username=username, password=PASSWORD, unit=unit, full_name=username,
        must_change_password=False,
    )  # fmt: skip
    return org_services.roles_set(actor=cast.secadmin, user=user, roles=roles)


@pytest.fixture
def frozen():
    with time_machine.travel(dt.datetime(2026, 3, 10, 10, 0, tzinfo=dt.UTC), tick=False) as traveller:
        yield traveller


@pytest.fixture
def world(cast, frozen) -> World:
    dept_e = org_services.unit_create(
        actor=cast.sysadmin, code="C-E", name="市住建局", type=UnitType.DEPARTMENT, parent=cast.city
    )
    project = Project.objects.create(
        code="P-A1", name="甲县物流园", unit=cast.county_a, total_investment=Decimal(20), stage=Stage.PREPARATION,
        lead_leader=cast.leader,
    )  # fmt: skip
    return World(
        cast=cast, dept_d=cast.department, dept_e=dept_e, handler_d=cast.handler,
        head_d=person(cast, "head_d", cast.department, Role.UNIT_HEAD),
        handler_e=person(cast, "handler_e", dept_e, Role.HANDLER), project=project,
    )  # fmt: skip


def write(actor, *departments, project=None, send=True, title="用地指标协调", copies=()):
    sheet = services.sheet_create(
        actor=actor, title=title, problem="项目用地指标尚未落实，影响开工。", request="请协调落实用地指标。",
        departments=departments, copies=copies, project=project,
    )  # fmt: skip
    if send:
        sheet = services.sheet_send(actor=actor, sheet=sheet)
    return sheet


@pytest.fixture
def sent(world):
    """A sheet of 甲县 about its project, sent to 市资规局 on 2026-03-10."""
    return write(world.cast.reporter_a, world.dept_d, project=world.project)


def part_of(sheet, department):
    return sheet.assignments.filter(department=department).order_by("pk").last()

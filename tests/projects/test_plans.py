"""Annual plans: one per project and year, the months each kind needs, a warning above the total."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from tuijin.audit.models import AuditEvent
from tuijin.core.concurrency import StaleEditError
from tuijin.projects.models import PlanKind, ProjectPlan
from tuijin.projects.services import plans

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(cast, make_project):
    return make_project(cast.county_a, year=2025, total_investment=20)


def _set(actor, project, **fields):
    fields.setdefault("year", 2026)
    fields.setdefault("kind", PlanKind.NEW)
    fields.setdefault("planned_investment", Decimal(8))
    return plans.plan_set(actor=actor, project=project, **fields)


def test_plan_is_created_then_updated_for_the_same_year(cast, project):
    first = _set(cast.supervisor, project, planned_start_month=4)
    second = _set(cast.supervisor, project, planned_start_month=5, expected_version=1)
    same = _set(cast.supervisor, project, planned_start_month=5, expected_version=2)

    assert (first.created, second.created, second.changed, same.changed) == (True, False, True, False)
    plan = ProjectPlan.objects.get(project=project, year=2026)
    assert (plan.planned_start_month, plan.version) == (5, 2)
    assert AuditEvent.objects.filter(object_type="projects.projectplan").count() == 2
    with pytest.raises(StaleEditError):
        _set(cast.supervisor, project, planned_start_month=6, expected_version=1)


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"kind": PlanKind.NEW}, "planned_start_month", "计划开工月份"),
        ({"kind": PlanKind.COMPLETING}, "planned_completion_month", "计划竣工月份"),
        ({"planned_start_month": 13}, "planned_start_month", ""),
        ({"planned_start_month": 0}, "planned_start_month", ""),
        ({"planned_start_month": 8, "planned_completion_month": 3}, "planned_completion_month", "不能早于"),
        ({"planned_start_month": 3, "planned_investment": Decimal(-1)}, "planned_investment", "不能为负数"),
    ],
)
def test_invalid_plans_are_refused(cast, project, fields, field, message):
    with pytest.raises(ValidationError) as exc:
        _set(cast.supervisor, project, **fields)
    assert field in exc.value.message_dict
    assert message in " ".join(exc.value.message_dict[field])
    assert not ProjectPlan.objects.filter(year=2026).exists()


def test_a_plan_above_the_total_investment_is_a_warning_not_an_error(cast, project):
    result = _set(cast.supervisor, project, planned_start_month=3, planned_investment=Decimal(25))
    assert result.plan.pk
    assert "超过项目总投资" in result.warnings[0]


def test_continuing_and_preparatory_plans_need_no_months(cast, project):
    assert _set(cast.supervisor, project, kind=PlanKind.CONTINUING).plan.pk
    assert _set(cast.supervisor, project, year=2027, kind=PlanKind.PREPARATORY).plan.pk


def test_only_supervisors_of_the_unit_set_plans(cast, project):
    for actor in (cast.reporter_a, cast.leader, cast.reporter_b):
        with pytest.raises(PermissionDenied):
            _set(actor, project, planned_start_month=3)
    assert not ProjectPlan.objects.filter(year=2026).exists()


def test_plan_page_saves_and_warns(cast, client_for, project):
    client = client_for(cast.supervisor)
    url = reverse("projects:plan_edit", args=[project.code]) + "?year=2026"
    response = client.post(url, {"year": 2026, "kind": "new", "planned_investment": "30", "planned_start_month": 4},
                           follow=True)  # fmt: skip
    assert "超过项目总投资" in response.content.decode()
    assert ProjectPlan.objects.get(project=project, year=2026).planned_investment == Decimal(30)
    refused = client_for(cast.county_supervisor).get(url)
    assert refused.status_code == 200  # the county's own supervisor
    assert client_for(cast.reporter_a).get(url).status_code == 403

"""Monthly progress by the project unit's reporter: open periods only, YTD computed, problems opened."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.projects.progress_support import MONTH, YEAR, after_deadline, filling_clock
from tuijin.audit.models import AuditEvent
from tuijin.core.concurrency import StaleEditError
from tuijin.projects import queries_progress
from tuijin.projects.models import ProjectProblem, ProjectProgress
from tuijin.projects.services import progress as services


@pytest.fixture(autouse=True)
def _clock():
    with filling_clock():
        yield


@pytest.fixture
def project(cast, make_project):
    return make_project(cast.county_a, code="P-A1", planned_investment=12)


def save(cast, project, investment="2.5", month=MONTH, actor=None, **kwargs):
    return services.progress_save(
        actor=actor or cast.reporter_a, project=project, year=YEAR, month=month,
        investment=None if investment is None else Decimal(investment), **kwargs,
    )  # fmt: skip


def test_reporter_records_a_month_and_the_ytd_is_the_sum_of_the_months(cast, project, make_progress):
    make_progress(project, 1, "1.25", by=cast.reporter_a)
    make_progress(project, 2, "2", by=cast.reporter_a)
    progress = save(cast, project, "3.0001", image_progress="主体结构完成 60%")
    progress.refresh_from_db()
    assert (progress.investment, progress.image_progress, progress.version) == (
        Decimal("3.0001"),
        "主体结构完成 60%",
        1,
    )
    assert progress.reported_by == cast.reporter_a
    assert queries_progress.ytd(project, YEAR, 3) == Decimal("6.2501")
    assert queries_progress.ytd(project, YEAR, 2) == Decimal("3.25")
    event = AuditEvent.objects.get(object_type="projects.projectprogress", object_id=str(progress.pk))
    assert event.changes["investment"] == [None, "3.0001"]


def test_saving_the_same_figures_again_changes_nothing(cast, project):
    first = save(cast, project, "2.5", image_progress="桩基施工")
    again = save(cast, project, "2.50", image_progress="桩基施工", expected_version=first.version)
    assert again.version == first.version == 1
    assert AuditEvent.objects.filter(object_type="projects.projectprogress").count() == 1


def test_a_stale_form_is_refused_and_the_newer_figure_stays(cast, project):
    first = save(cast, project, "2.5")
    save(cast, project, "2.7", expected_version=first.version)
    with pytest.raises(StaleEditError):
        save(cast, project, "9", expected_version=first.version)
    with pytest.raises(StaleEditError):
        save(cast, project, "9", expected_version=0)  # built when no row existed
    assert ProjectProgress.objects.get().investment == Decimal("2.7")


@pytest.mark.parametrize(
    ("investment", "message"),
    [(None, "请填写"), ("-1", "不能为负数"), ("1.00001", "最多保留 4 位小数"), ("1000000000000", "数值过大")],
)
def test_investment_must_be_a_plausible_amount(cast, project, investment, message):
    with pytest.raises(ValidationError) as exc:
        save(cast, project, investment)
    assert message in exc.value.message_dict["investment"][0]
    assert not ProjectProgress.objects.exists()


def test_a_future_month_is_refused(cast, project):
    with pytest.raises(ValidationError, match="尚未开始"):
        save(cast, project, month=5)
    save(cast, project, month=4)  # the current month may be reported as it goes
    assert list(ProjectProgress.objects.values_list("month", flat=True)) == [4]


def test_a_locked_month_is_refused_and_points_to_a_correction(cast, project):
    save(cast, project, "2.5")
    with after_deadline(), pytest.raises(ValidationError, match="申请"):
        save(cast, project, "3")
    assert ProjectProgress.objects.get().investment == Decimal("2.5")


@pytest.mark.parametrize("who", ["reporter_b", "reporter_town_a1", "supervisor", "head_a"])
def test_only_the_reporter_of_the_projects_own_unit_writes_its_progress(cast, project, who):
    with pytest.raises(PermissionDenied):
        save(cast, project, actor=getattr(cast, who))
    assert not ProjectProgress.objects.exists()


def test_problems_open_a_project_problem_once(cast, project):
    save(cast, project, problems="用地指标未落实")
    save(cast, project, "3", problems="用地指标未落实", expected_version=None)
    problem = ProjectProblem.objects.get()
    assert (problem.description, problem.raised_by, problem.resolved_on) == ("用地指标未落实", cast.reporter_a, None)
    assert str(problem.raised_on) == "2026-04-02"
    # The same text given for another month while the problem is still open: no duplicate.
    save(cast, project, "1", month=4, problems="用地指标未落实")
    assert ProjectProblem.objects.count() == 1


def test_the_units_reporter_or_a_supervisor_resolves_a_problem(cast, project):
    save(cast, project, problems="电力接入滞后")
    problem = ProjectProblem.objects.get()
    with pytest.raises(PermissionDenied):
        services.problem_resolve(actor=cast.reporter_b, problem=problem, resolution="已解决")
    with pytest.raises(ValidationError):
        services.problem_resolve(actor=cast.supervisor, problem=problem, resolution=" ")
    services.problem_resolve(actor=cast.supervisor, problem=problem, resolution="供电公司已接入")
    problem.refresh_from_db()
    assert (problem.resolution, str(problem.resolved_on)) == ("供电公司已接入", "2026-04-02")
    with pytest.raises(ValidationError, match="已办结"):
        services.problem_resolve(actor=cast.reporter_a, problem=problem, resolution="再次")

"""最多报一次: an indicator fed by projects takes each unit's value from its projects' progress."""

from decimal import Decimal

import pytest

from tests.indicators.conftest import build_catalogue
from tests.projects.progress_support import MONTH, YEAR, after_deadline, filling_clock
from tuijin.audit.models import AuditEvent
from tuijin.indicators.models import Report, ReportRevision, Submission, SubmissionStatus
from tuijin.projects.services import progress as services
from tuijin.projects.services import progress_corrections
from tuijin.projects.services.feed import FEED_REASON, feed_indicator_values
from tuijin.projects.services.progress_bulk import progress_bulk


@pytest.fixture(autouse=True)
def _clock():
    with filling_clock():
        yield


@pytest.fixture
def fai(cast):
    catalogue = build_catalogue(cast)
    catalogue.fai.fed_by_projects = True
    catalogue.fai.save()
    return catalogue.fai


@pytest.fixture
def projects(cast, make_project, make_progress):
    """甲县 (C-A) has a project of its own and one in each town; 乙县 (C-B) one; the zone none."""
    a, a1, a2 = (make_project(u, code=c) for u, c in [(cast.county_a, "PA"), (cast.town_a1, "PA1"),
                                                       (cast.town_a2, "PA2")])  # fmt: skip
    b = make_project(cast.county_b, code="PB")
    for project, months in {a: ["1", "2", "3"], a1: ["0.5", "0", "1.25"], a2: ["4"], b: ["2", "2"]}.items():
        for month, value in enumerate(months, start=1):
            make_progress(project, month, value, by=cast.reporter_a)
    return {"a": a, "a1": a1, "a2": a2, "b": b}


def value(cast, fai, unit, month=MONTH):
    report = Report.objects.filter(unit=unit, indicator=fai, year=YEAR, month=month).first()
    return report and report.value


def test_a_units_value_is_the_ytd_of_its_own_and_its_towns_projects(cast, fai, projects):
    result = feed_indicator_values(year=YEAR, month=MONTH, actor=cast.supervisor)
    assert (result.created, result.updated) == (2, 0)
    assert value(cast, fai, cast.county_a) == Decimal("6") + Decimal("1.75") + Decimal("4")
    assert value(cast, fai, cast.county_b) == Decimal("4")
    assert value(cast, fai, cast.zone) is None  # no project progress: 未报, not 0
    assert value(cast, fai, cast.county_a, month=2) is None  # only the month asked for
    submission = Submission.objects.get(unit=cast.county_a, year=YEAR, month=MONTH)
    assert submission.status == SubmissionStatus.DRAFT


def test_running_twice_changes_nothing_the_second_time(cast, fai, projects):
    feed_indicator_values(year=YEAR, month=MONTH, actor=cast.supervisor)
    events = AuditEvent.objects.count()
    versions = list(Report.objects.order_by("pk").values_list("version", flat=True))
    result = feed_indicator_values(year=YEAR, month=MONTH, actor=cast.supervisor)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 2)
    assert AuditEvent.objects.count() == events
    assert list(Report.objects.order_by("pk").values_list("version", flat=True)) == versions


def test_a_handed_in_figure_that_changes_keeps_a_revision_and_its_status(cast, fai, projects, make_progress):
    feed_indicator_values(year=YEAR, month=MONTH, actor=cast.supervisor)
    Submission.objects.filter(unit=cast.county_b).update(status=SubmissionStatus.SUBMITTED)
    make_progress(projects["b"], 3, "1.5", by=cast.reporter_b)
    feed_indicator_values(year=YEAR, month=MONTH, actor=cast.supervisor)
    assert value(cast, fai, cast.county_b) == Decimal("5.5")
    revision = ReportRevision.objects.get()
    assert (revision.kind, revision.old_value, revision.new_value, revision.reason) == (
        "import", Decimal(4), Decimal("5.5"), FEED_REASON,
    )  # fmt: skip
    assert Submission.objects.get(unit=cast.county_b, month=MONTH).status == SubmissionStatus.SUBMITTED


def test_last_years_value_comes_from_last_years_progress_when_there_is_any(cast, fai, projects, make_progress):
    make_progress(projects["b"], 2, "3", year=YEAR - 1, by=cast.reporter_b)
    make_progress(projects["b"], 4, "9", year=YEAR - 1, by=cast.reporter_b)  # after March: not in the YTD
    feed_indicator_values(year=YEAR, month=MONTH, actor=cast.supervisor)
    last = Report.objects.get(unit=cast.county_b, indicator=fai, month=MONTH).last_year_value
    assert last == Decimal(3)
    a = Report.objects.get(unit=cast.county_a, indicator=fai, month=MONTH)
    a.last_year_value = Decimal("8.8")  # entered before the projects were in the system
    a.save()
    feed_indicator_values(year=YEAR, month=MONTH, actor=cast.supervisor)
    a.refresh_from_db()
    assert a.last_year_value == Decimal("8.8")


def test_a_progress_write_feeds_its_month_and_the_later_months_for_its_units(
    cast, fai, projects, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.progress_save(
            actor=cast.reporter_town_a1, project=projects["a1"], year=YEAR, month=MONTH, investment=Decimal("2.25")
        )
    # 0.5 + 0 + 2.25 in the town, + 6 + 4 in the county: March and April (the YTD carries on).
    assert value(cast, fai, cast.county_a) == Decimal("12.75")
    assert value(cast, fai, cast.county_a, month=4) == Decimal("12.75")
    assert value(cast, fai, cast.county_b) is None  # 乙县 was not touched by this write
    with django_capture_on_commit_callbacks(execute=True):
        services.progress_save(
            actor=cast.reporter_town_a1, project=projects["a1"], year=YEAR, month=MONTH, investment=Decimal("1")
        )
    assert value(cast, fai, cast.county_a) == Decimal("11.5")
    assert value(cast, fai, cast.county_a, month=4) == Decimal("11.5")


def test_an_approved_correction_feeds_the_month_again(cast, fai, projects, django_capture_on_commit_callbacks):
    progress = projects["b"].progress.get(month=2)
    with after_deadline():
        correction = progress_corrections.correction_request(
            actor=cast.reporter_b, progress=progress, proposed_investment=Decimal("5"), reason="补录"
        )
        with django_capture_on_commit_callbacks(execute=True):
            progress_corrections.correction_approve(actor=cast.supervisor, correction=correction)
    assert value(cast, fai, cast.county_b, month=2) == Decimal("7")
    assert value(cast, fai, cast.county_b, month=4) == Decimal("7")


def test_last_years_progress_written_later_reaches_this_years_same_period_figure(
    cast, fai, projects, make_progress, django_capture_on_commit_callbacks
):
    feed_indicator_values(year=YEAR, month=MONTH, actor=cast.supervisor)
    with django_capture_on_commit_callbacks(execute=True):
        progress_bulk(
            actor=cast.supervisor, reason="补录上年数据",
            rows=[{"project": "PB", "year": YEAR - 1, "month": 2, "investment": "3.5"}],
        )  # fmt: skip
    b = Report.objects.get(unit=cast.county_b, indicator=fai, year=YEAR, month=MONTH)
    assert (b.value, b.last_year_value) == (Decimal(4), Decimal("3.5"))
    assert Report.objects.get(unit=cast.county_b, indicator=fai, year=YEAR - 1, month=12).value == Decimal("3.5")


def test_a_figure_fed_after_a_reporters_progress_save_is_recorded_as_the_system(
    cast, fai, projects, django_capture_on_commit_callbacks
):
    from tuijin.audit.context import client_ip

    token = client_ip.set("10.7.7.7")  # the reporter's request
    try:
        with django_capture_on_commit_callbacks(execute=True):
            services.progress_save(
                actor=cast.reporter_town_a1, project=projects["a1"], year=YEAR, month=MONTH, investment=Decimal("2")
            )
    finally:
        client_ip.reset(token)
    saved = AuditEvent.objects.filter(object_type="projects.projectprogress").latest("id")
    assert (saved.actor, saved.ip_address) == (cast.reporter_town_a1, "10.7.7.7")
    fed = AuditEvent.objects.filter(object_type="indicators.report").latest("id")
    assert fed.actor is None
    assert fed.actor_username == ""
    assert fed.ip_address is None
    assert fed.get_system_actor_display() == "系统（自动汇总）"
    assert fed.note == "由项目进展汇总（触发：reporter_town_a1）"


def test_the_auditor_reads_the_fed_figure_as_the_systems_with_names_and_plain_numbers(cast, fai, projects, client_for):
    feed_indicator_values(year=YEAR, month=MONTH, actor=cast.supervisor)
    body = client_for(cast.auditor).get("/audit/", {"object_type": "indicators.report"}).content.decode()
    assert "系统（自动汇总）" in body
    table = body.split('data-testid="audit-table"')[1]
    assert "supervisor<div" not in table  # the supervisor is named as the cause only
    assert "由项目进展汇总（触发：supervisor）" in table
    # "2.8.value: ∅ → 11.7500" becomes the unit, the indicator and the figure as the form shows it.
    assert f"{cast.county_a.name} · {fai.name} · 本期值" in body
    assert "11.75" in table
    assert "11.7500" not in table
    assert "∅" not in table

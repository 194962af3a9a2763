"""The demo's assessment (on the demo city) and the 我的待办 items."""

import datetime as dt
from decimal import Decimal as D

import pytest
import time_machine

from tuijin.assessment import services, todos
from tuijin.assessment.models import Objection, ObjectionStatus, Result, Scheme, SchemeStatus


# The demo is laid out around the day it is loaded: on 20 November, October is the latest
# locked month (tests/shell/test_demo_dates.py covers the other days of the year).
@time_machine.travel("2026-11-20 10:00 +0800", tick=False)
def test_the_demo_scheme_has_trial_results_and_a_pending_objection(db, settings, tmp_path):
    from tuijin.assessment import demo as assessment_demo
    from tuijin.indicators import demo as indicators_demo
    from tuijin.orgs import demo as orgs_demo

    settings.MEDIA_ROOT = tmp_path
    people = orgs_demo.load("Demo-Password-2026")
    indicators_demo.load(people)
    assessment_demo.load(people)
    first, second = Scheme.objects.order_by("version_no")
    assert (first.status, second.status, first.group.code) == (SchemeStatus.LOCKED, SchemeStatus.DRAFT, "G-COUNTY")
    assert services.weight_sum(first) == D(100)
    results = Result.objects.filter(scheme=first)
    assert results.count() == 7
    assert set(results.values_list("month", flat=True)) == {10}
    assert all(r.published_at for r in results)
    assert sorted(r.rank for r in results)[0] == 1
    yunxi = results.get(unit__code="SL-YX")  # 云溪县 did not report October: its indicator lines score 0
    fai = yunxi.lines.get(item__order=1)
    assert (fai.points, fai.explanation["missing"]) == (D(0), True)
    objection = Objection.objects.get()
    assert (objection.unit.code, objection.status) == ("SL-DH", ObjectionStatus.PENDING)
    before = Result.objects.count()
    assessment_demo.load(people)
    assert Result.objects.count() == before
    assert Scheme.objects.count() == 2


@pytest.fixture
def published(cast, scheme, fake):
    services.scheme_publish(actor=cast.supervisor, scheme=scheme)
    services.results_compute(actor=cast.supervisor, scheme=scheme, month=10, figures=fake)
    scheme.refresh_from_db()
    services.results_publish(actor=cast.supervisor, scheme=scheme, objection_deadline=dt.date(2099, 1, 1))
    return scheme


def test_a_unit_is_told_its_result_is_out_and_the_supervisor_of_objections(cast, published):
    [item] = todos.for_user(cast.head_a)
    assert item.title == "2026年度目标责任制考核结果已公布"
    assert "第 1 名" in item.detail
    assert todos.for_user(cast.reporter_town_a1) == []
    assert todos.for_user(cast.supervisor) == []
    services.objection_file(actor=cast.head_a, result=Result.objects.get(unit=cast.county_a), text="有误")
    [pending] = todos.for_user(cast.supervisor)
    assert (pending.title, pending.count) == ("待处理的考核申诉", 1)
    assert todos.for_user(cast.county_supervisor)[0].count == 1  # C-A is in the county supervisor's scope

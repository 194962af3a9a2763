"""Publishing results, the objection window (申诉), the decision and the adjustment trail."""

import datetime as dt
from decimal import Decimal as D

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from tuijin.assessment import services
from tuijin.assessment.models import Adjustment, Objection, ObjectionStatus, Result, RuleKind, SchemeStatus
from tuijin.audit.models import AuditEvent
from tuijin.notifications.models import Notification

TODAY = dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.UTC)
DEADLINE = dt.date(2026, 11, 30)


@pytest.fixture
def published(cast, scheme, fake):
    """The scheme published, results computed for month 10 and published with a window to 30 Nov."""
    services.scheme_publish(actor=cast.supervisor, scheme=scheme)
    services.results_compute(actor=cast.supervisor, scheme=scheme, month=10, figures=fake)
    scheme.refresh_from_db()
    with time_machine.travel(TODAY, tick=False):
        services.results_publish(actor=cast.supervisor, scheme=scheme, objection_deadline=DEADLINE)
    scheme.refresh_from_db()
    return scheme


def result_of(scheme, code):
    return Result.objects.get(scheme=scheme, unit__code=code)


def test_publishing_locks_the_scheme_and_notifies_the_units(cast, published):
    assert published.status == SchemeStatus.LOCKED
    assert published.objection_deadline == DEADLINE
    assert not Result.objects.filter(scheme=published, published_at__isnull=True).exists()
    inbox = Notification.objects.filter(kind="assessment.published")
    assert set(inbox.values_list("recipient__username", flat=True)) == {"head_a", "reporter_a", "reporter_b"}
    assert "排名第 1 名" in inbox.get(recipient=cast.head_a).body


def test_published_results_are_never_recomputed(cast, published, fake):
    with pytest.raises(ValidationError) as exc:
        services.results_compute(actor=cast.supervisor, scheme=published, month=12, figures=fake)
    assert exc.value.messages == ["考核结果已公布，不能重新计算。"]
    assert set(Result.objects.filter(scheme=published).values_list("month", flat=True)) == {10}


def test_results_of_a_draft_scheme_cannot_be_published(cast, scheme, fake):
    services.results_compute(actor=cast.supervisor, scheme=scheme, month=10, figures=fake)
    with pytest.raises(ValidationError):
        services.results_publish(actor=cast.supervisor, scheme=scheme, objection_deadline=dt.date(2099, 1, 1))
    assert not Result.objects.filter(published_at__isnull=False).exists()


def test_out_of_date_results_cannot_be_published(cast, scheme, fake):
    services.scheme_publish(actor=cast.supervisor, scheme=scheme)
    services.results_compute(actor=cast.supervisor, scheme=scheme, month=10, figures=fake)
    services.bonus_add(
        actor=cast.supervisor,
        item=scheme.items.get(kind=RuleKind.BONUS),
        unit=cast.county_b,
        points=D(2),
        reason="表彰",
        evidence="省政府通报",
    )
    scheme.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        services.results_publish(actor=cast.supervisor, scheme=scheme, objection_deadline=dt.date(2099, 1, 1))
    assert exc.value.messages == ["计算后方案或加分有变动，请重新计算后再公布。"]


def test_a_units_head_objects_within_the_window(cast, published):
    result = result_of(published, "C-A")
    with time_machine.travel(dt.datetime(2026, 11, 30, 15, 0, tzinfo=dt.UTC), tick=False):  # 23:00 in Shanghai
        objection = services.objection_file(actor=cast.head_a, result=result, text="联系单逾期件数有误")
    assert objection.status == ObjectionStatus.PENDING
    assert Notification.objects.filter(kind="assessment.objection", recipient=cast.supervisor).count() == 1


def test_no_objection_after_the_window(cast, published):
    result = result_of(published, "C-A")
    after = dt.datetime(2026, 11, 30, 16, 30, tzinfo=dt.UTC)  # 1 Dec in Shanghai
    with time_machine.travel(after, tick=False), pytest.raises(ValidationError) as exc:
        services.objection_file(actor=cast.reporter_a, result=result, text="迟到的申诉")
    assert exc.value.messages == ["申诉期已过。"]
    assert not Objection.objects.exists()


def test_only_the_units_own_people_object(cast, published):
    result = result_of(published, "C-A")
    with time_machine.travel(TODAY, tick=False):
        for outsider in (cast.reporter_b, cast.reporter_town_a1):
            with pytest.raises(PermissionDenied):
                services.objection_file(actor=outsider, result=result, text="代为申诉")
        with pytest.raises(PermissionDenied):
            services.objection_file(actor=cast.supervisor, result=result, text="督查员不能申诉")
    assert not Objection.objects.exists()


def test_one_pending_objection_at_a_time(cast, published):
    result = result_of(published, "C-A")
    with time_machine.travel(TODAY, tick=False):
        services.objection_file(actor=cast.head_a, result=result, text="第一件")
        with pytest.raises(ValidationError):
            services.objection_file(actor=cast.reporter_a, result=result, text="第二件")
    assert Objection.objects.count() == 1


def test_an_accepted_objection_leaves_its_adjustment_and_the_ranks_follow(cast, published):
    b = result_of(published, "C-B")  # 74, second behind C-A's 74.25
    item = published.items.get(kind=RuleKind.DEDUCTION_SHEETS)
    with time_machine.travel(TODAY, tick=False):
        objection = services.objection_file(actor=cast.reporter_b, result=b, text="2 件联系单并非本单位承办", item=item)
        services.objection_decide(
            actor=cast.supervisor,
            objection=objection,
            accept=True,
            response="经核实，2 件不属本单位，恢复 2 分",
            points=D(2),
        )
    objection.refresh_from_db()
    assert (objection.status, objection.decided_by) == (ObjectionStatus.ACCEPTED, cast.supervisor)
    adjustment = Adjustment.objects.get()
    assert (adjustment.item, adjustment.objection, adjustment.points) == (item, objection, D(2))
    assert adjustment.reason == "经核实，2 件不属本单位，恢复 2 分"
    b.refresh_from_db()
    assert (b.base_total, b.adjustment_total, b.total, b.rank) == (D(74), D(2), D(76), 1)
    assert result_of(published, "C-A").rank == 2
    assert Notification.objects.filter(kind="assessment.objection_decided", recipient=cast.reporter_b).exists()
    trail = AuditEvent.objects.filter(object_type__in=["assessment.objection", "assessment.adjustment"])
    assert sorted(trail.values_list("object_type", "action")) == [
        ("assessment.adjustment", "create"),
        ("assessment.objection", "create"),
        ("assessment.objection", "transition"),
    ]
    assert trail.get(object_type="assessment.adjustment").changes["total"] == ["74.0000", "76.0000"]


def test_a_rejected_objection_changes_no_points(cast, published):
    a = result_of(published, "C-A")
    with time_machine.travel(TODAY, tick=False):
        objection = services.objection_file(actor=cast.head_a, result=a, text="排名有误")
        with pytest.raises(ValidationError):
            services.objection_decide(actor=cast.supervisor, objection=objection, accept=False, response="")
        services.objection_decide(actor=cast.supervisor, objection=objection, accept=False, response="数据无误")
        with pytest.raises(ValidationError):
            services.objection_decide(actor=cast.supervisor, objection=objection, accept=True, response="再议")
    objection.refresh_from_db()
    assert objection.status == ObjectionStatus.REJECTED
    a.refresh_from_db()
    assert a.total == D("74.25")
    assert not Adjustment.objects.exists()


def test_an_adjustment_needs_a_reason_and_a_manager(cast, published):
    a = result_of(published, "C-A")
    with pytest.raises(ValidationError) as exc:
        services.adjustment_add(actor=cast.supervisor, result=a, points=D(1), reason="  ")
    assert exc.value.message_dict == {"reason": ["请填写调整理由。"]}
    with pytest.raises(PermissionDenied):
        services.adjustment_add(actor=cast.county_supervisor, result=a, points=D(1), reason="自己加分")
    with pytest.raises(PermissionDenied):
        services.adjustment_add(actor=cast.head_a, result=a, points=D(1), reason="自己加分")
    a.refresh_from_db()
    assert a.total == D("74.25")
    assert not Adjustment.objects.exists()


def test_no_objection_to_results_not_published(cast, scheme, fake):
    services.results_compute(actor=cast.supervisor, scheme=scheme, month=10, figures=fake)
    with pytest.raises(ValidationError) as exc:
        services.objection_file(actor=cast.head_a, result=result_of(scheme, "C-A"), text="试算有误")
    assert exc.value.messages == ["考核结果尚未公布。"]

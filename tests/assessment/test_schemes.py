"""Schemes: items, the 100-point rule for publishing, frozen items, versions, who may manage."""

from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.indicators.conftest import YEAR
from tuijin.assessment import services
from tuijin.assessment.models import Bonus, RuleKind, Scheme, SchemeItem, SchemeStatus
from tuijin.audit.models import AuditEvent
from tuijin.core.concurrency import StaleEditError


def test_weights_other_than_100_are_refused_on_publishing(cast, scheme):
    item = scheme.items.get(kind=RuleKind.BONUS)
    services.item_update(actor=cast.supervisor, item=item, weight=D(10))
    with pytest.raises(ValidationError) as exc:
        services.scheme_publish(actor=cast.supervisor, scheme=scheme)
    assert exc.value.messages == ["各项分值合计须为 100 分，当前为 95 分。"]
    scheme.refresh_from_db()
    assert scheme.status == SchemeStatus.DRAFT


def test_a_scheme_of_100_points_publishes_and_its_items_freeze(cast, scheme):
    services.scheme_publish(actor=cast.supervisor, scheme=scheme)
    scheme.refresh_from_db()
    assert scheme.status == SchemeStatus.PUBLISHED
    item = scheme.items.first()
    with pytest.raises(ValidationError):
        services.item_update(actor=cast.supervisor, item=item, weight=D(1))
    with pytest.raises(ValidationError):
        services.item_create(actor=cast.supervisor, scheme=scheme, name="新增", kind=RuleKind.BONUS, weight=D(1))
    with pytest.raises(ValidationError):
        services.item_delete(actor=cast.supervisor, item=item)
    item.refresh_from_db()
    assert scheme.items.count() == 6
    assert AuditEvent.objects.filter(object_type="assessment.scheme", action="transition").count() == 1


def test_a_new_version_copies_the_items_and_bonuses_as_a_draft(cast, scheme):
    bonus_item = scheme.items.get(kind=RuleKind.BONUS)
    services.bonus_add(
        actor=cast.supervisor, item=bonus_item, unit=cast.county_a, points=D(3), reason="试点", evidence="批复文件"
    )
    services.scheme_publish(actor=cast.supervisor, scheme=scheme)
    copy = services.scheme_new_version(actor=cast.supervisor, scheme=scheme)
    assert (copy.version_no, copy.status, copy.previous_id) == (2, SchemeStatus.DRAFT, scheme.pk)
    original = [
        (i.order, i.name, i.kind, i.indicator_id, i.weight, i.cap, i.step, i.amount) for i in scheme.items.all()
    ]
    copied = [(i.order, i.name, i.kind, i.indicator_id, i.weight, i.cap, i.step, i.amount) for i in copy.items.all()]
    assert copied == original
    assert Bonus.objects.filter(item__scheme=copy).values_list("unit__code", "points").get() == ("C-A", D(3))
    services.item_update(actor=cast.supervisor, item=copy.items.first(), weight=D(25))  # the copy is editable


def test_rules_are_checked_with_chinese_messages(cast, scheme, catalogue):
    cases = [
        ({"kind": RuleKind.COMPLETION, "weight": D(5)}, "indicator", "该计分规则须选择指标。"),
        (
            {"kind": RuleKind.DEDUCTION_SHEETS, "weight": D(5), "cap": D(5)},
            "amount",
            "扣分项须填写每件扣分（大于 0）。",
        ),
        (
            {"kind": RuleKind.COMPLETION, "indicator": catalogue.fai, "weight": D(5), "cap": D(0)},
            "cap",
            "完成率封顶须大于 0，如 1.2 表示 120%。",
        ),
        ({"kind": RuleKind.BONUS, "weight": D(0)}, "weight", "分值须大于 0（只有扣分项可以为 0 分）。"),
        (
            {"kind": RuleKind.RANK, "indicator": catalogue.fai, "weight": D(5), "step": D(-1)},
            "step",
            "每名次递减分值不能为负数。",
        ),
    ]
    for fields, field, message in cases:
        with pytest.raises(ValidationError) as exc:
            services.item_create(actor=cast.supervisor, scheme=scheme, name="检查", **fields)
        assert exc.value.message_dict[field] == [message]
    assert scheme.items.count() == 6


def test_an_indicator_the_group_does_not_report_is_refused(cast, scheme, catalogue):
    catalogue.gdp.ranking_groups.remove(cast.counties)
    with pytest.raises(ValidationError) as exc:
        services.item_create(
            actor=cast.supervisor, scheme=scheme, name="GDP", kind=RuleKind.RANK, indicator=catalogue.gdp, weight=D(5)
        )
    assert exc.value.message_dict["indicator"] == ["该指标不由本排名组填报。"]


def test_parameters_the_rule_does_not_read_are_cleared(cast, scheme, catalogue):
    item = services.item_create(
        actor=cast.supervisor,
        scheme=scheme,
        name="加分",
        kind=RuleKind.BONUS,
        weight=D(1),
        cap=D(2),
        step=D(3),
        amount=D(4),
        indicator=catalogue.fai,
    )
    item.refresh_from_db()
    assert (item.cap, item.step, item.amount, item.indicator) == (None, None, None, None)


def test_the_editor_saves_all_rows_or_none(cast, scheme):
    items = list(scheme.items.all())
    rows = [
        services.ItemRow(pk=items[0].pk, fields={"weight": D(25)}),
        services.ItemRow(fields={"order": 7, "name": "新增加分", "kind": RuleKind.BONUS, "weight": D(5)}),
        services.ItemRow(pk=items[4].pk, fields={"amount": None}),  # a deduction without its amount
    ]
    with pytest.raises(ValidationError) as exc:
        services.items_save(actor=cast.supervisor, scheme=scheme, rows=rows, expected_version=scheme.version)
    assert exc.value.message_dict == {"2.amount": ["扣分项须填写每件扣分（大于 0）。"]}
    items[0].refresh_from_db()
    assert items[0].weight == D(30)
    assert scheme.items.count() == 6
    rows[2] = services.ItemRow(pk=items[4].pk, delete=True)
    services.items_save(actor=cast.supervisor, scheme=scheme, rows=rows, expected_version=scheme.version)
    assert sorted(scheme.items.values_list("name", flat=True)) == sorted(
        ["固定资产投资完成率", "合同外资排名", "固定资产投资时序进度", "工作联系单按时答复", "创新工作加分", "新增加分"]
    )
    assert services.weight_sum(scheme) == D(100)


def test_a_stale_editor_is_refused(cast, scheme):
    version = scheme.version
    services.item_update(actor=cast.supervisor, item=scheme.items.first(), weight=D(31))
    with pytest.raises(StaleEditError):
        services.items_save(actor=cast.supervisor, scheme=scheme, rows=[], expected_version=version)


def test_only_a_supervisor_over_the_whole_group_manages_its_schemes(cast, scheme):
    with pytest.raises(PermissionDenied):
        services.scheme_create(actor=cast.county_supervisor, year=YEAR, group=cast.counties, name="越权")
    with pytest.raises(PermissionDenied):
        services.item_update(actor=cast.county_supervisor, item=scheme.items.first(), weight=D(1))
    with pytest.raises(PermissionDenied):
        services.scheme_publish(actor=cast.leader, scheme=scheme)
    assert Scheme.objects.count() == 1
    assert SchemeItem.objects.filter(weight=D(1)).count() == 0


def test_versions_are_numbered_per_year_and_group(cast, scheme):
    other = services.scheme_create(actor=cast.supervisor, year=YEAR, group=cast.counties, name="另一方案")
    zone = services.scheme_create(actor=cast.supervisor, year=YEAR, group=cast.zones, name="平台考核")
    assert (scheme.version_no, other.version_no, zone.version_no) == (1, 2, 1)

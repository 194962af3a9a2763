"""对标对表 over the API: `GET /api/v1/analytics/indicator/` — one indicator, period and group.

Numbers are unrounded decimal strings ("0.5819918258403537"), null where undefined (shown
as — on the pages): completion and time progress and YoY as fractions, pace gap and growth
change in percentage points, completion of rate/level kinds in pp above target.
"""

from __future__ import annotations

from django.http import Http404
from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from tuijin.indicators import analytics, analytics_cockpit, analytics_matrix, analytics_warnings, queries
from tuijin.indicators.models import Indicator
from tuijin.orgs import policy
from tuijin.orgs.models import Unit

NUMBER = {"max_digits": None, "decimal_places": None, "allow_null": True, "read_only": True}


class QuerySerializer(serializers.Serializer):
    indicator = serializers.CharField(max_length=32, error_messages={"required": _("请指定指标编码。")})
    group = serializers.CharField(max_length=32, error_messages={"required": _("请指定排名组编码。")})
    year = serializers.IntegerField(
        min_value=2000, max_value=2100,
        error_messages={"required": _("请指定年度。"), "invalid": _("年度须为整数。"),
                        "min_value": _("年度超出范围。"), "max_value": _("年度超出范围。")},
    )  # fmt: skip
    month = serializers.IntegerField(
        min_value=1, max_value=12,
        error_messages={"required": _("请指定月份。"), "invalid": _("月份须为整数。"),
                        "min_value": _("月份须在 1 到 12 之间。"), "max_value": _("月份须在 1 到 12 之间。")},
    )  # fmt: skip

    def validate_indicator(self, code: str) -> Indicator:
        indicator = Indicator.objects.filter(code=code).first()
        if indicator is None:
            raise serializers.ValidationError(_("指标不存在。"))
        return indicator


class UnitRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class RowSerializer(serializers.Serializer):
    unit = UnitRefSerializer()
    value = serializers.DecimalField(**NUMBER)
    target = serializers.DecimalField(**NUMBER)
    last_year_value = serializers.DecimalField(**NUMBER)
    completion = serializers.DecimalField(**NUMBER, help_text="分数（累计、个数类）或高于目标的百分点（增速、水平类）")
    time_progress = serializers.DecimalField(**NUMBER, help_text="时序进度，分数")
    pace_gap = serializers.DecimalField(**NUMBER, help_text="进度差，百分点")
    rag = serializers.ChoiceField(choices=["green", "amber", "red"], allow_null=True)
    band = serializers.ChoiceField(choices=["ahead", "steady", "lagging"], allow_null=True, help_text="优势/平稳/滞后")
    yoy = serializers.DecimalField(**NUMBER, help_text="同比增速，分数")
    growth_change = serializers.DecimalField(**NUMBER, help_text="增幅比上年同期变化，百分点")
    rank = serializers.IntegerField(allow_null=True)
    is_top = serializers.BooleanField()
    is_bottom = serializers.BooleanField()
    gap_to_above = serializers.DecimalField(**NUMBER, help_text="与上一名的差距（排名依据的百分点或计量单位）")
    above_unit = UnitRefSerializer(allow_null=True)


class IndicatorRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    measure = serializers.CharField()
    kind = serializers.CharField()
    direction = serializers.CharField()
    rank_key = serializers.CharField()
    time_progress_mode = serializers.CharField()


class RankingSerializer(serializers.Serializer):
    indicator = IndicatorRefSerializer()
    group = UnitRefSerializer()
    year = serializers.IntegerField()
    month = serializers.IntegerField()
    data_month = serializers.IntegerField(allow_null=True, help_text="季度指标取季末月份；无数据时为 null")
    time_progress = serializers.DecimalField(**NUMBER, help_text="本期时序进度（按月线性或按天）")
    rows = RowSerializer(many=True)
    missing = UnitRefSerializer(many=True, help_text="未报的单位（不参与排名）")
    total = serializers.DecimalField(**NUMBER, help_text="组内合计（仅累计、个数类）")
    average = serializers.DecimalField(**NUMBER)
    best = UnitRefSerializer(many=True)


class IndicatorAnalyticsView(APIView):
    """One indicator's 对标对表 in one ranking group: rows, ranks, group figures, 未报.

    The group must have a member in the caller's scope (a ranking compares all its members).
    """

    permission_classes = [policy.PolicyPermission]
    policy = {"get": "analytics.view"}

    @extend_schema(
        parameters=[QuerySerializer],
        responses=RankingSerializer,
        description=__doc__,
        operation_id="analytics_indicator",
    )
    def get(self, request):
        query = QuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        group = analytics.groups_for(request.user).filter(code=params["group"]).first()
        if group is None:
            raise Http404(_("排名组不存在。"))
        result = analytics.indicator_ranking(params["indicator"], params["year"], params["month"], group)
        return Response(RankingSerializer(result).data)


# --- the matrix, a unit's cockpit, the early-warning list --------------------------------------------


class PeriodQuerySerializer(serializers.Serializer):
    year = QuerySerializer._declared_fields["year"]
    month = QuerySerializer._declared_fields["month"]


class GroupPeriodQuerySerializer(PeriodQuerySerializer):
    group = serializers.CharField(max_length=32, error_messages={"required": _("请指定排名组编码。")})


class ProgressSerializer(serializers.Serializer):
    """How far the period is reported (the pages' open-period banner)."""

    provisional = serializers.BooleanField(help_text="本期尚未锁定：合计、平均和名次为暂计")
    reported_units = serializers.IntegerField(help_text="已报单位数（交了本期报表，或只有项目库汇总的值且已计入）")
    expected_units = serializers.IntegerField(help_text="应报单位数")


def _progress(units, indicators, year: int, month: int) -> dict:
    progress = queries.reporting_progress(units, indicators, year, month)
    return {"provisional": progress.provisional, "reported_units": progress.reported,
            "expected_units": progress.expected}  # fmt: skip


class CellSerializer(serializers.Serializer):
    indicator = serializers.CharField(help_text="指标编码")
    status = serializers.ChoiceField(choices=["reported", "missing", "not_due"], help_text="已报/未报/本期不报")
    value = serializers.DecimalField(**NUMBER)
    completion = serializers.DecimalField(**NUMBER)
    pace_gap = serializers.DecimalField(**NUMBER)
    rag = serializers.ChoiceField(choices=["green", "amber", "red"], allow_null=True)


class MatrixRowSerializer(serializers.Serializer):
    unit = UnitRefSerializer()
    cells = CellSerializer(many=True)


class MatrixSerializer(ProgressSerializer):
    group = UnitRefSerializer()
    year = serializers.IntegerField()
    month = serializers.IntegerField()
    indicators = IndicatorRefSerializer(many=True)
    rows = MatrixRowSerializer(many=True)


def _period(request) -> dict:
    query = GroupPeriodQuerySerializer(data=request.query_params)
    query.is_valid(raise_exception=True)
    return query.validated_data


class MatrixView(APIView):
    """The 对标对表 matrix of one ranking group: each member in the caller's scope × each indicator."""

    permission_classes = [policy.PolicyPermission]
    policy = {"get": "analytics.view"}

    @extend_schema(parameters=[GroupPeriodQuerySerializer], responses=MatrixSerializer, operation_id="analytics_matrix")
    def get(self, request):
        params = _period(request)
        group = analytics.groups_for(request.user).filter(code=params["group"]).first()
        if group is None:
            raise Http404(_("排名组不存在。"))
        units = analytics_matrix.matrix_units(request.user, group)
        result = analytics_matrix.matrix(group, params["year"], params["month"], list(units))
        rows = [{"unit": unit, "cells": [_cell(ind, cell) for ind, cell in zip(result.indicators, result.row(unit),
                                                                                strict=True)]}
                for unit in result.units]  # fmt: skip
        body = {"group": group, "year": result.year, "month": result.month, "indicators": result.indicators,
                "rows": rows, **_progress(units, result.indicators, result.year, result.month)}  # fmt: skip
        return Response(MatrixSerializer(body).data)


def _cell(indicator, cell) -> dict:
    if cell is None:
        return {"indicator": indicator.code, "status": "not_due", "value": None, "completion": None,
                "pace_gap": None, "rag": None}  # fmt: skip
    status = "reported" if cell.reported else "missing"
    return {"indicator": indicator.code, "status": status, "value": cell.value, "completion": cell.completion,
            "pace_gap": cell.pace_gap, "rag": cell.rag}  # fmt: skip


class PointSerializer(serializers.Serializer):
    month = serializers.IntegerField()
    value = serializers.DecimalField(**NUMBER)
    target = serializers.DecimalField(**NUMBER)
    completion = serializers.DecimalField(**NUMBER)
    time_progress = serializers.DecimalField(**NUMBER)
    pace_gap = serializers.DecimalField(**NUMBER)


class GroupRankSerializer(serializers.Serializer):
    group = UnitRefSerializer()
    rank = serializers.IntegerField(allow_null=True)
    ranked = serializers.IntegerField(help_text="参与排名的单位数")


class CockpitLineSerializer(serializers.Serializer):
    indicator = IndicatorRefSerializer()
    points = PointSerializer(many=True, help_text="年初至本期逐月")
    current = PointSerializer(allow_null=True, help_text="本期（季度指标取季末月）")
    rag = serializers.ChoiceField(choices=["green", "amber", "red"], allow_null=True)
    band = serializers.ChoiceField(choices=["ahead", "steady", "lagging"], allow_null=True)
    ranks = GroupRankSerializer(many=True)


class CockpitSerializer(ProgressSerializer):
    unit = UnitRefSerializer()
    year = serializers.IntegerField()
    month = serializers.IntegerField()
    lines = CockpitLineSerializer(many=True)


class CockpitView(APIView):
    """A unit's cockpit (驾驶舱): each indicator's year so far, its colour and its ranks."""

    permission_classes = [policy.PolicyPermission]
    policy = {"get": "analytics.view"}

    @extend_schema(parameters=[PeriodQuerySerializer], responses=CockpitSerializer, operation_id="analytics_cockpit")
    def get(self, request, unit_code: str):
        query = PeriodQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        unit = policy.get_in_scope_or_404(Unit.objects.all(), request.user, None, code=unit_code)
        result = analytics_cockpit.cockpit(unit, query.validated_data["year"], query.validated_data["month"])
        lines = [{"indicator": line.indicator, "points": line.points, "current": line.current, "rag": line.rag,
                  "band": line.band, "ranks": [{"group": g, "rank": r, "ranked": n} for g, r, n in line.ranks]}
                 for line in result.lines]  # fmt: skip
        indicators = [line.indicator for line in result.lines]
        progress = _progress(analytics_cockpit.cockpit_peers(unit), indicators, result.year, result.month)
        return Response(CockpitSerializer({"unit": unit, "year": result.year, "month": result.month,
                                           "lines": lines, **progress}).data)  # fmt: skip


class WarningSerializer(serializers.Serializer):
    unit = UnitRefSerializer()
    indicator = IndicatorRefSerializer()
    value = serializers.DecimalField(**NUMBER)
    target = serializers.DecimalField(**NUMBER)
    completion = serializers.DecimalField(**NUMBER)
    time_progress = serializers.DecimalField(**NUMBER)
    pace_gap = serializers.DecimalField(**NUMBER, help_text="进度差，百分点（负数：落后）")
    rag = serializers.ChoiceField(choices=["green", "amber", "red"], allow_null=True)
    band = serializers.ChoiceField(choices=["ahead", "steady", "lagging"], allow_null=True)


class WarningPageSerializer(ProgressSerializer):
    count = serializers.IntegerField()
    page = serializers.IntegerField()
    pages = serializers.IntegerField()
    results = WarningSerializer(many=True)


class WarningsView(APIView):
    """The early-warning list (进度预警): every figure in the caller's scope behind pace, worst
    first, 100 a page (?page=)."""

    permission_classes = [policy.PolicyPermission]
    policy = {"get": "analytics.view"}
    page_size = 100

    @extend_schema(
        parameters=[PeriodQuerySerializer, OpenApiParameter("page", int)],
        responses=WarningPageSerializer,
        operation_id="analytics_warnings",
    )
    def get(self, request):
        query = PeriodQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        listing = analytics_warnings.warnings(request.user, query.validated_data["year"], query.validated_data["month"])
        page = listing.page(request.query_params.get("page"), self.page_size)
        year, month = query.validated_data["year"], query.validated_data["month"]
        body = {"count": page.paginator.count, "page": page.number, "pages": page.paginator.num_pages,
                "results": list(page.object_list),
                **_progress(analytics_warnings.ranked_units(request.user), None, year, month)}  # fmt: skip
        return Response(WarningPageSerializer(body).data)


urlpatterns = [
    path("analytics/indicator/", IndicatorAnalyticsView.as_view(), name="api-analytics-indicator"),
    path("analytics/matrix/", MatrixView.as_view(), name="api-analytics-matrix"),
    path("analytics/cockpit/<str:unit_code>/", CockpitView.as_view(), name="api-analytics-cockpit"),
    path("analytics/warnings/", WarningsView.as_view(), name="api-analytics-warnings"),
]


def register(router) -> None:
    """Nothing to register: the endpoint is a plain path in `urlpatterns`."""

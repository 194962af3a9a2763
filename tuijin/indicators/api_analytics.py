"""对标对表 over the API: `GET /api/v1/analytics/indicator/` — one indicator, period and group.

Numbers are unrounded decimal strings ("0.5819918258403537"), null where undefined (shown
as — on the pages): completion and time progress and YoY as fractions, pace gap and growth
change in percentage points, completion of rate/level kinds in pp above target.
"""

from __future__ import annotations

from django.http import Http404
from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from tuijin.core import policy
from tuijin.indicators import analytics
from tuijin.indicators.models import Indicator

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


urlpatterns = [path("analytics/indicator/", IndicatorAnalyticsView.as_view(), name="api-analytics-indicator")]


def register(router) -> None:
    """Nothing to register: the endpoint is a plain path in `urlpatterns`."""

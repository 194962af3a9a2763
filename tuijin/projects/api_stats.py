"""Project statistics over the API: `GET /api/v1/analytics/projects/?year=Y&month=M&scope=…`.

Scope: `unit:CODE` (the unit and the units below it), `batch:CODE`, `tag:NAME` (or the tag's
code), or `all` (the default) — always within the projects the caller may see; a unit outside
the caller's view is 404. Counts are integers; sums and rates are unrounded decimal strings
("0.6666666666666666666666666667"), null where undefined: rates as fractions, money in 亿元.
The due variant counts plans due by month M and pro-rates the planned investment (× M / 12).
The flag lists are judged at `as_of` (default: the period end, or today for the current period).
"""

from __future__ import annotations

from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from tuijin.orgs import policy
from tuijin.projects import metrics, stats

NUMBER = {"max_digits": None, "decimal_places": None, "allow_null": True, "read_only": True}


class QuerySerializer(serializers.Serializer):
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
    scope = serializers.CharField(
        max_length=120, required=False, default="all", help_text="unit:单位编码 | batch:批次编码 | tag:标签名称 | all"
    )
    as_of = serializers.DateField(
        required=False, help_text="判断清单的日期；默认为期末，当期为今天",
        error_messages={"invalid": _("日期格式应为 YYYY-MM-DD。")},
    )  # fmt: skip

    def validate_scope(self, text: str) -> str:
        try:
            stats.parse_scope(text)
        except stats.ScopeError as exc:
            raise serializers.ValidationError(str(exc)) from None
        return text


class ScopeSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=list(stats.SCOPE_KINDS))
    key = serializers.CharField()
    label = serializers.CharField()


class FiguresSerializer(serializers.Serializer):
    planned_start = serializers.IntegerField(help_text="计划新开工项目数")
    started = serializers.IntegerField(help_text="其中已开工")
    start_rate = serializers.DecimalField(**NUMBER, help_text="开工率，分数")
    planned_completion = serializers.IntegerField(help_text="计划竣工项目数")
    completed = serializers.IntegerField(help_text="其中已竣工")
    completion_rate = serializers.DecimalField(**NUMBER, help_text="竣工率，分数")
    planned_investment = serializers.DecimalField(**NUMBER, help_text="计划投资（亿元）；应完成口径按月份折算")
    ytd_investment = serializers.DecimalField(**NUMBER, help_text="1–M 月累计完成投资（亿元）")
    investment_completion = serializers.DecimalField(**NUMBER, help_text="投资完成率，分数")


class BatchLagSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    start_deadline = serializers.DateField()
    total = serializers.IntegerField()
    not_started = serializers.IntegerField()
    laggards = serializers.ListField(child=serializers.CharField(), help_text="期限内未开工的项目编号")


class FlagsSerializer(serializers.Serializer):
    slow_to_start = serializers.ListField(child=serializers.CharField(), help_text="迟迟不开工（项目编号）")
    idle = serializers.ListField(child=serializers.CharField(), help_text="开而未建（项目编号）")
    overdue_milestones = serializers.ListField(child=serializers.CharField(), help_text="节点逾期的项目编号")
    lagging_batches = BatchLagSerializer(many=True, help_text="到期未全部开工的批次")


class ProjectStatsSerializer(serializers.Serializer):
    scope = ScopeSerializer()
    year = serializers.IntegerField()
    month = serializers.IntegerField()
    period_end = serializers.DateField()
    as_of = serializers.DateField()
    annual = FiguresSerializer(help_text="全年口径")
    due = FiguresSerializer(help_text="应完成口径（计划月份 ≤ M）")
    flags = FlagsSerializer()


def _figures(f: metrics.Figures) -> dict:
    names = ("planned_start", "started", "planned_completion", "completed", "planned_investment", "ytd_investment",
             "start_rate", "completion_rate", "investment_completion")  # fmt: skip
    return {name: getattr(f, name) for name in names}


class ProjectStatsView(APIView):
    """Start, completion and investment figures of a scope and period (annual and due), and the
    codes of the projects on each list leaders act on."""

    permission_classes = [policy.PolicyPermission]
    policy = {"get": "project.view"}

    @extend_schema(
        parameters=[QuerySerializer],
        responses=ProjectStatsSerializer,
        description=__doc__,
        operation_id="analytics_projects",
    )
    def get(self, request):
        query = QuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        year, month = params["year"], params["month"]
        scope = stats.resolve_scope(request.user, params["scope"])
        projects = stats.scope_projects(request.user, scope)
        on = params.get("as_of") or stats.as_of(year, month)
        result = stats.figures(projects, year, month)
        data = {
            "scope": {"kind": scope.kind, "key": scope.key, "label": scope.label or str(_("全部"))},
            "year": year, "month": month, "period_end": metrics.period_end(year, month), "as_of": on,
            "annual": _figures(result.annual), "due": _figures(result.due),
            "flags": stats.flag_codes(projects, year, month, on),
        }  # fmt: skip
        return Response(ProjectStatsSerializer(data).data)


urlpatterns = [path("analytics/projects/", ProjectStatsView.as_view(), name="api-analytics-projects")]


def register(router) -> None:
    """Nothing to register: the endpoint is a plain path in `urlpatterns`."""

"""The assessment over the API: `/api/v1/assessment/schemes/` and `/api/v1/assessment/results/`.

Schemes: list, read (with items), create, change the name/description/deadline; POST actions
`items` (the whole item list, all or nothing, with the scheme version read), `publish`,
`new_version`, `compute` ({"month": 10} for a trial run; 12 by default), `publish_results`
and `bonuses`. Results: list (`?scheme=id`), read with the drill-down (every line's points,
its stored figures and the sentence that explains them, the adjustments and the objections),
POST `objections` (the unit's own head or reporter, within the window), `adjustments` and
`objections/{id}/decide` (the scheme's manager). Points are decimal strings, unrounded
(four decimal places as stored). Every write calls `tuijin.assessment.services`.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from tuijin.assessment import explain, queries, services
from tuijin.assessment.models import Result, RuleKind, Scheme, SchemeItem
from tuijin.core.params import as_drf_error
from tuijin.indicators.models import Indicator
from tuijin.orgs import policy
from tuijin.orgs.models import RankingGroup, Unit


class AssessmentUnitRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class AssessmentResultSerializer(serializers.ModelSerializer):
    unit = AssessmentUnitRefSerializer(read_only=True)

    class Meta:
        model = Result
        fields = ["id", "scheme", "unit", "month", "base_total", "adjustment_total", "total", "rank", "computed_at",
                  "published_at", "version"]  # fmt: skip


# --- schemes -----------------------------------------------------------------------------------


class AssessmentSchemeItemSerializer(serializers.ModelSerializer):
    indicator = serializers.SlugRelatedField(slug_field="code", read_only=True)
    kind = serializers.CharField(read_only=True, help_text="计分规则")

    class Meta:
        model = SchemeItem
        fields = ["id", "order", "name", "kind", "indicator", "weight", "cap", "step", "amount", "description"]


class AssessmentSchemeSerializer(serializers.ModelSerializer):
    group = serializers.SlugRelatedField(slug_field="code", read_only=True)
    status = serializers.CharField(read_only=True, help_text="draft 草稿 | published 已发布 | locked 已锁定")
    items = AssessmentSchemeItemSerializer(many=True, read_only=True)

    class Meta:
        model = Scheme
        fields = ["id", "year", "group", "name", "version_no", "status", "objection_deadline", "description",
                  "items", "previous", "published_at", "locked_at", "items_changed_at", "version"]  # fmt: skip


class AssessmentSchemeInputSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    group = serializers.SlugRelatedField(slug_field="code", queryset=RankingGroup.objects.all())
    name = serializers.CharField(max_length=100)
    description = serializers.CharField(required=False, allow_blank=True, default="")


class AssessmentSchemeUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100, required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    objection_deadline = serializers.DateField(required=False, allow_null=True)
    version = serializers.IntegerField(required=False, allow_null=True, default=None)


class AssessmentItemInputSerializer(serializers.Serializer):
    """One row; only the fields sent change (a new row needs name, kind and weight)."""

    id = serializers.IntegerField(required=False, allow_null=True, default=None, help_text="已有项目的 id；新增不填")
    delete = serializers.BooleanField(default=False)
    order = serializers.IntegerField(min_value=0, required=False)
    name = serializers.CharField(max_length=100, required=False)
    kind = serializers.CharField(
        required=False, help_text="completion | rank | pace | deduction_sheets | deduction_listed | bonus"
    )
    indicator = serializers.SlugRelatedField(
        slug_field="code", queryset=Indicator.objects.all(), required=False, allow_null=True
    )
    weight = serializers.DecimalField(max_digits=7, decimal_places=2, required=False)
    cap = serializers.DecimalField(max_digits=10, decimal_places=4, required=False, allow_null=True)
    step = serializers.DecimalField(max_digits=10, decimal_places=4, required=False, allow_null=True)
    amount = serializers.DecimalField(max_digits=10, decimal_places=4, required=False, allow_null=True)
    description = serializers.CharField(max_length=300, required=False, allow_blank=True)

    def validate_kind(self, kind: str) -> str:
        if kind not in RuleKind.values:
            raise serializers.ValidationError("未知的计分规则。")
        return kind


class AssessmentItemsInputSerializer(serializers.Serializer):
    items = AssessmentItemInputSerializer(many=True)
    version = serializers.IntegerField(required=False, allow_null=True, default=None)


class AssessmentVersionSerializer(serializers.Serializer):
    version = serializers.IntegerField(required=False, allow_null=True, default=None)


class AssessmentComputeSerializer(serializers.Serializer):
    month = serializers.IntegerField(min_value=1, max_value=12, default=12, help_text="12 为全年；其他月份为试算")


class AssessmentPublishResultsSerializer(serializers.Serializer):
    objection_deadline = serializers.DateField()
    version = serializers.IntegerField(required=False, allow_null=True, default=None)


class AssessmentBonusInputSerializer(serializers.Serializer):
    item = serializers.IntegerField(help_text="加分项的 id")
    unit = serializers.SlugRelatedField(slug_field="code", queryset=Unit.objects.all())
    points = serializers.DecimalField(max_digits=7, decimal_places=2)
    reason = serializers.CharField(max_length=300)
    evidence = serializers.CharField()


class AssessmentBonusSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    item = serializers.IntegerField(source="item_id")
    unit = serializers.CharField(source="unit.code")
    points = serializers.DecimalField(max_digits=7, decimal_places=2)
    reason = serializers.CharField()
    evidence = serializers.CharField()


MANAGE = "assessment.manage"


@extend_schema_view(
    create=extend_schema(request=AssessmentSchemeInputSerializer, responses={201: AssessmentSchemeSerializer}),
    partial_update=extend_schema(request=AssessmentSchemeUpdateSerializer, responses=AssessmentSchemeSerializer),
)
class SchemeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Assessment schemes of the ranking groups in the caller's scope (drafts: supervisors only)."""

    permission_classes = [policy.PolicyPermission]
    # Version-free POSTs: they add rows and leave the scheme as the caller read it.
    version_exempt = {
        "new_version": "creates the next draft version; the source scheme is unchanged",
        "compute": "recomputes the results from the data; no field the caller edits",
        "bonuses": "adds a bonus record to an item",
    }
    policy = {
        "list": "assessment.view", "retrieve": "assessment.view", "create": MANAGE, "partial_update": MANAGE,
        "items": MANAGE, "publish": MANAGE, "new_version": MANAGE, "compute": MANAGE, "publish_results": MANAGE,
        "bonuses": MANAGE,
    }  # fmt: skip
    serializer_class = AssessmentSchemeSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]
    filter_backends = []

    def get_queryset(self):
        qs = queries.schemes_for(self.request.user).prefetch_related("items__indicator").order_by("-year", "pk")
        year = self.request.query_params.get("year", "")
        return qs.filter(year=int(year)) if year.isdigit() else qs

    def _run(self, fn, **kwargs):
        try:
            return fn(actor=self.request.user, **kwargs)
        except DjangoValidationError as exc:
            raise as_drf_error(exc) from exc

    def _fresh(self, scheme: Scheme, code=status.HTTP_200_OK) -> Response:
        return Response(AssessmentSchemeSerializer(self.get_queryset().get(pk=scheme.pk)).data, status=code)

    def create(self, request):
        data = _valid(AssessmentSchemeInputSerializer, request.data)
        return self._fresh(self._run(services.scheme_create, **data), status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        scheme = self.get_object()
        data = {k: v for k, v in _valid(AssessmentSchemeUpdateSerializer, request.data).items() if k in request.data}
        version = data.pop("version", None)
        return self._fresh(self._run(services.scheme_update, scheme=scheme, expected_version=version, **data))

    @extend_schema(request=AssessmentItemsInputSerializer, responses=AssessmentSchemeSerializer)
    @action(detail=True, methods=["post"])
    def items(self, request, pk=None):
        """Replace the item list: rows with an id change that item, without one add, `delete` removes."""
        scheme = self.get_object()
        data = _valid(AssessmentItemsInputSerializer, request.data)
        rows = [_item_row(row) for row in data["items"]]
        self._run(services.items_save, scheme=scheme, rows=rows, expected_version=data["version"])
        return self._fresh(scheme)

    @extend_schema(request=AssessmentVersionSerializer, responses=AssessmentSchemeSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        version = _valid(AssessmentVersionSerializer, request.data)["version"]
        return self._fresh(self._run(services.scheme_publish, scheme=self.get_object(), expected_version=version))

    @extend_schema(request=None, responses={201: AssessmentSchemeSerializer})
    @action(detail=True, methods=["post"], url_path="new-version")
    def new_version(self, request, pk=None):
        return self._fresh(self._run(services.scheme_new_version, scheme=self.get_object()), status.HTTP_201_CREATED)

    @extend_schema(request=AssessmentComputeSerializer, responses=AssessmentResultSerializer(many=True))
    @action(detail=True, methods=["post"])
    def compute(self, request, pk=None):
        month = _valid(AssessmentComputeSerializer, request.data)["month"]
        results = self._run(services.results_compute, scheme=self.get_object(), month=month)
        return Response(AssessmentResultSerializer(results, many=True).data)

    @extend_schema(request=AssessmentPublishResultsSerializer, responses=AssessmentSchemeSerializer)
    @action(detail=True, methods=["post"], url_path="publish-results")
    def publish_results(self, request, pk=None):
        data = _valid(AssessmentPublishResultsSerializer, request.data)
        scheme = self._run(
            services.results_publish, scheme=self.get_object(), objection_deadline=data["objection_deadline"],
            expected_version=data["version"],
        )  # fmt: skip
        return self._fresh(scheme)

    @extend_schema(request=AssessmentBonusInputSerializer, responses={201: AssessmentBonusSerializer})
    @action(detail=True, methods=["post"])
    def bonuses(self, request, pk=None):
        scheme = self.get_object()
        data = _valid(AssessmentBonusInputSerializer, request.data)
        item = scheme.items.filter(pk=data.pop("item")).first()
        if item is None:
            raise ValidationError({"item": ["该加分项不属于本方案。"]})
        bonus = self._run(services.bonus_add, item=item, **data)
        return Response(AssessmentBonusSerializer(bonus).data, status=status.HTTP_201_CREATED)


def _valid(serializer_class, data) -> dict:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _item_row(row: dict) -> services.ItemRow:
    pk, delete = row.pop("id"), row.pop("delete")
    if pk is None and "kind" not in row:
        raise ValidationError({"items": ["新增项目须指定计分规则。"]})
    return services.ItemRow(fields=row, pk=pk, delete=delete)


# --- results -----------------------------------------------------------------------------------


class AssessmentLineSerializer(serializers.Serializer):
    item = serializers.IntegerField(source="item.pk")
    name = serializers.CharField(source="item.name")
    kind = serializers.CharField(source="item.kind")
    weight = serializers.DecimalField(source="item.weight", max_digits=7, decimal_places=2)
    points = serializers.DecimalField(max_digits=10, decimal_places=4)
    rule = serializers.CharField(help_text="计分规则")
    formula = serializers.CharField(help_text="计算过程（显示用，分值保留两位小数）")
    source = serializers.CharField(help_text="数据来源")
    explanation = serializers.JSONField(help_text="计分时使用的原始数据（未舍入）")


class AssessmentAdjustmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    item = serializers.IntegerField(source="item_id", allow_null=True)
    objection = serializers.IntegerField(source="objection_id", allow_null=True)
    points = serializers.DecimalField(max_digits=10, decimal_places=4)
    reason = serializers.CharField()
    by = serializers.CharField(source="by.username")
    at = serializers.DateTimeField()


class AssessmentObjectionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    item = serializers.IntegerField(source="item_id", allow_null=True)
    text = serializers.CharField()
    status = serializers.CharField(help_text="pending 待处理 | accepted 已采纳 | rejected 不予采纳")
    response = serializers.CharField()
    filed_by = serializers.CharField(source="filed_by.username")
    filed_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)
    version = serializers.IntegerField()


class AssessmentResultDetailSerializer(AssessmentResultSerializer):
    lines = AssessmentLineSerializer(many=True, source="drilldown", read_only=True)
    adjustments = AssessmentAdjustmentSerializer(many=True, read_only=True)
    objections = AssessmentObjectionSerializer(many=True, read_only=True)

    class Meta(AssessmentResultSerializer.Meta):
        fields = [*AssessmentResultSerializer.Meta.fields, "lines", "adjustments", "objections"]


class AssessmentObjectionInputSerializer(serializers.Serializer):
    text = serializers.CharField()
    item = serializers.IntegerField(required=False, allow_null=True, default=None, help_text="涉及项目的 id")


class AssessmentAdjustmentInputSerializer(serializers.Serializer):
    points = serializers.DecimalField(max_digits=10, decimal_places=4, help_text="加分为正，减分为负")
    reason = serializers.CharField(max_length=500)
    item = serializers.IntegerField(required=False, allow_null=True, default=None)
    version = serializers.IntegerField(required=False, allow_null=True, default=None)


class AssessmentDecideInputSerializer(serializers.Serializer):
    accept = serializers.BooleanField()
    response = serializers.CharField()
    points = serializers.DecimalField(max_digits=10, decimal_places=4, required=False, allow_null=True, default=None)
    version = serializers.IntegerField(required=False, allow_null=True, default=None)


@extend_schema_view(
    list=extend_schema(parameters=[OpenApiParameter("scheme", int, description="考核方案 id")]),
    retrieve=extend_schema(responses=AssessmentResultDetailSerializer),
)
class ResultViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Results in the caller's scope: a unit's own once published; supervisors and leaders in scope all."""

    permission_classes = [policy.PolicyPermission]
    version_exempt = {"objections": "files a new objection; the result is unchanged"}
    policy = {
        "list": "assessment.view", "retrieve": "assessment.view", "objections": "assessment.object",
        "adjustments": MANAGE, "decide": MANAGE,
    }  # fmt: skip
    serializer_class = AssessmentResultSerializer
    filter_backends = []

    def get_queryset(self):
        qs = queries.results_for(self.request.user).order_by("scheme_id", "rank", "unit__path")
        scheme = self.request.query_params.get("scheme", "")
        return qs.filter(scheme_id=int(scheme)) if scheme.isdigit() else qs

    def retrieve(self, request, pk=None):
        result = _drilldown(request.user, pk)
        return Response(AssessmentResultDetailSerializer(result).data)

    @extend_schema(request=AssessmentObjectionInputSerializer, responses={201: AssessmentObjectionSerializer})
    @action(detail=True, methods=["post"])
    def objections(self, request, pk=None):
        result = _drilldown(request.user, pk)
        data = _valid(AssessmentObjectionInputSerializer, request.data)
        item = _scheme_item(result, data.pop("item"))
        try:
            objection = services.objection_file(actor=request.user, result=result, item=item, **data)
        except DjangoValidationError as exc:
            raise as_drf_error(exc) from exc
        return Response(AssessmentObjectionSerializer(objection).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=AssessmentAdjustmentInputSerializer, responses={201: AssessmentResultDetailSerializer})
    @action(detail=True, methods=["post"])
    def adjustments(self, request, pk=None):
        result = _drilldown(request.user, pk)
        data = _valid(AssessmentAdjustmentInputSerializer, request.data)
        item = _scheme_item(result, data.pop("item"))
        version = data.pop("version")
        try:
            services.adjustment_add(actor=request.user, result=result, item=item, expected_version=version, **data)
        except DjangoValidationError as exc:
            raise as_drf_error(exc) from exc
        return Response(
            AssessmentResultDetailSerializer(_drilldown(request.user, pk)).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(request=AssessmentDecideInputSerializer, responses=AssessmentObjectionSerializer)
    @action(detail=True, methods=["post"], url_path=r"objections/(?P<objection_pk>[0-9]+)/decide")
    def decide(self, request, pk=None, objection_pk=None):
        result = _drilldown(request.user, pk)
        objection = next((o for o in result.objections.all() if o.pk == int(objection_pk)), None)
        if objection is None:
            raise Http404
        data = _valid(AssessmentDecideInputSerializer, request.data)
        try:
            objection = services.objection_decide(
                actor=request.user, objection=objection, accept=data["accept"], response=data["response"],
                points=data["points"], expected_version=data["version"],
            )  # fmt: skip
        except DjangoValidationError as exc:
            raise as_drf_error(exc) from exc
        return Response(AssessmentObjectionSerializer(objection).data)


def _drilldown(user, pk) -> Result:
    result = queries.result_or_404(user, int(pk))
    result.drilldown = [
        {"item": line.item, "points": line.points, "explanation": line.explanation, **_words(line)}
        for line in result.lines.all()
    ]
    return result


def _words(line) -> dict:
    described = explain.describe_line(line)
    return {"rule": described.rule, "formula": described.formula, "source": described.source}


def _scheme_item(result: Result, item_pk: int | None) -> SchemeItem | None:
    if item_pk is None:
        return None
    item = SchemeItem.objects.filter(scheme_id=result.scheme_id, pk=item_pk).first()
    if item is None:
        raise ValidationError({"item": ["该项目不属于本方案。"]})
    return item


def register(router) -> None:
    router.register("assessment/schemes", SchemeViewSet, basename="assessment-scheme")
    router.register("assessment/results", ResultViewSet, basename="assessment-result")


urlpatterns: list = []

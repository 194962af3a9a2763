"""REST endpoints for the indicator catalogue, annual targets and the bulk writes (`/api/v1/`).

Reads are scoped by the policy; every write calls a service (catalogue or imports).
The bulk endpoints take a JSON list of rows, or `{"reason": "…", "rows": [...]}`, and answer
`{"batch": id, "created": n, "updated": n, "unchanged": n}` or 400 `{"errors": [...]}`.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from tuijin.core.params import as_drf_error
from tuijin.indicators.models import (
    Direction,
    Frequency,
    Indicator,
    KeyWork,
    Kind,
    ProjectFigure,
    RankKey,
    Target,
    TimeProgressMode,
)
from tuijin.indicators.services import catalogue, imports
from tuijin.orgs import policy
from tuijin.orgs.models import RankingGroup, Unit

# --- indicators ----------------------------------------------------------------------------


class IndicatorSerializer(serializers.ModelSerializer):
    key_work = serializers.SlugRelatedField(slug_field="code", read_only=True)
    key_work_name = serializers.CharField(source="key_work.name", read_only=True)
    ranking_groups = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = Indicator
        fields = ["code", "name", "measure", "kind", "direction", "frequency", "decimals", "rank_key",
                  "time_progress_mode", "key_work", "key_work_name", "ranking_groups", "fed_by_projects",
                  "project_figure",
                  "is_active", "sort_order", "description", "version"]  # fmt: skip


class IndicatorInputSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=32)
    name = serializers.CharField(max_length=100)
    measure = serializers.CharField(max_length=20)
    kind = serializers.ChoiceField(choices=Kind.choices, default=Kind.CUMULATIVE)
    direction = serializers.ChoiceField(choices=Direction.choices, default=Direction.HIGHER)
    frequency = serializers.ChoiceField(choices=Frequency.choices, default=Frequency.MONTHLY)
    decimals = serializers.IntegerField(min_value=0, default=1)
    rank_key = serializers.ChoiceField(choices=RankKey.choices, default=RankKey.COMPLETION)
    time_progress_mode = serializers.ChoiceField(choices=TimeProgressMode.choices, default=TimeProgressMode.LINEAR)
    key_work = serializers.SlugRelatedField(slug_field="code", queryset=KeyWork.objects.all())
    ranking_groups = serializers.SlugRelatedField(
        slug_field="code", queryset=RankingGroup.objects.all(), many=True, required=False, default=list
    )
    fed_by_projects = serializers.BooleanField(default=False)
    project_figure = serializers.ChoiceField(choices=ProjectFigure.choices, default=ProjectFigure.INVESTMENT)
    is_active = serializers.BooleanField(default=True)
    sort_order = serializers.IntegerField(min_value=0, default=0)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    version = serializers.IntegerField(required=False, allow_null=True, default=None)


class IndicatorViewSet(viewsets.ModelViewSet):
    """The indicator catalogue, addressed by code. Writes: city-level supervisors; DELETE deactivates."""

    permission_classes = [policy.PolicyPermission]
    policy = {
        "list": "indicator.view", "retrieve": "indicator.view",
        "create": "indicator.manage", "update": "indicator.manage", "partial_update": "indicator.manage",
        "destroy": "indicator.manage",
    }  # fmt: skip
    serializer_class = IndicatorSerializer
    lookup_field = "code"
    filterset_fields = ["kind", "frequency", "is_active"]

    def get_queryset(self):
        qs = Indicator.objects.select_related("key_work").prefetch_related("ranking_groups")
        key_work = self.request.query_params.get("key_work")
        return qs.filter(key_work__code=key_work) if key_work else qs

    def create(self, request):
        data = self._input(request)
        data.pop("version")
        try:
            indicator = catalogue.indicator_create(actor=request.user, **data)
        except DjangoValidationError as exc:
            raise as_drf_error(exc) from exc
        return Response(IndicatorSerializer(indicator).data, status=status.HTTP_201_CREATED)

    def update(self, request, code=None, partial=False):
        indicator = self.get_object()
        data = self._input(request, partial=partial)
        try:
            indicator = catalogue.indicator_update(
                actor=request.user, indicator=indicator, expected_version=data.pop("version", None), **data
            )
        except DjangoValidationError as exc:
            raise as_drf_error(exc) from exc
        return Response(IndicatorSerializer(indicator).data)

    def destroy(self, request, code=None):
        catalogue.indicator_deactivate(
            actor=request.user, indicator=self.get_object(), expected_version=request.data.get("version")
        )
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _input(self, request, partial=False) -> dict:
        serializer = IndicatorInputSerializer(data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        if partial:  # defaults are not applied to a PATCH: only what was sent changes
            data = {k: v for k, v in data.items() if k in request.data}
        return data


# --- targets -------------------------------------------------------------------------------


class TargetSerializer(serializers.ModelSerializer):
    unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    indicator = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Target
        fields = ["id", "unit", "indicator", "year", "value", "milestones", "version"]


class TargetInputSerializer(serializers.Serializer):
    unit = serializers.SlugRelatedField(slug_field="code", queryset=Unit.objects.all())
    indicator = serializers.SlugRelatedField(slug_field="code", queryset=Indicator.objects.all())
    year = serializers.IntegerField()
    value = serializers.CharField()
    milestones = serializers.DictField(required=False, allow_null=True, default=None)
    version = serializers.IntegerField(required=False, allow_null=True, default=None)


class TargetUpdateSerializer(serializers.Serializer):
    value = serializers.CharField()
    milestones = serializers.DictField(required=False, allow_null=True, default=None)
    version = serializers.IntegerField(required=False, allow_null=True, default=None)


class TargetViewSet(viewsets.ModelViewSet):
    """Annual targets of the units in the caller's scope; filter with ?year=&unit=&indicator= (codes)."""

    permission_classes = [policy.PolicyPermission]
    policy = {
        "list": "indicator.view", "retrieve": "indicator.view",
        "create": "target.manage", "update": "target.manage", "partial_update": "target.manage",
        "destroy": "target.manage",
    }  # fmt: skip
    serializer_class = TargetSerializer

    def get_queryset(self):
        qs = policy.scope(Target.objects.select_related("unit", "indicator"), self.request.user).order_by(
            "year", "unit__path", "indicator__code"
        )
        params = self.request.query_params
        if params.get("year", "").isdigit():
            qs = qs.filter(year=int(params["year"]))
        if params.get("unit"):
            qs = qs.filter(unit__code=params["unit"])
        if params.get("indicator"):
            qs = qs.filter(indicator__code=params["indicator"])
        return qs

    def create(self, request):
        serializer = TargetInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            target = catalogue.target_set(
                actor=request.user, unit=data["unit"], indicator=data["indicator"], year=data["year"],
                value=data["value"], milestones=data["milestones"], expected_version=data["version"],
            )  # fmt: skip
        except DjangoValidationError as exc:
            raise as_drf_error(exc) from exc
        return Response(TargetSerializer(target).data, status=status.HTTP_201_CREATED)

    def update(self, request, pk=None, partial=False):
        target = self.get_object()
        serializer = TargetUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            target = catalogue.target_set(
                actor=request.user, unit=target.unit, indicator=target.indicator, year=target.year,
                value=data["value"], milestones=data["milestones"], expected_version=data["version"],
            )  # fmt: skip
        except DjangoValidationError as exc:
            raise as_drf_error(exc) from exc
        return Response(TargetSerializer(target).data)

    def destroy(self, request, pk=None):
        catalogue.target_delete(
            actor=request.user, target=self.get_object(), expected_version=request.data.get("version")
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- bulk writes ---------------------------------------------------------------------------


class BulkRowsSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=imports.MAX_REASON)
    rows = serializers.ListField(child=serializers.DictField(), allow_empty=False)


class BulkResultSerializer(serializers.Serializer):
    batch = serializers.IntegerField()
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()


class RowErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(allow_null=True)
    field = serializers.CharField()
    message = serializers.CharField()


class BulkErrorsSerializer(serializers.Serializer):
    errors = RowErrorSerializer(many=True)


class _BulkView(APIView):
    permission_classes = [policy.PolicyPermission]
    serializer_class = BulkRowsSerializer
    importer = None

    @extend_schema(request=BulkRowsSerializer, responses={200: BulkResultSerializer, 400: BulkErrorsSerializer})
    def post(self, request):
        body = {"rows": request.data} if isinstance(request.data, list) else request.data
        serializer = BulkRowsSerializer(data=body)
        serializer.is_valid(raise_exception=True)
        try:
            result = type(self).importer(
                actor=request.user, rows=serializer.validated_data["rows"],
                reason=serializer.validated_data["reason"], source=imports.SOURCE_API,
            )  # fmt: skip
        except imports.ImportRejected as exc:
            return Response({"errors": exc.errors}, status=status.HTTP_400_BAD_REQUEST)
        return Response(
            {"batch": result.batch.pk, "created": result.created, "updated": result.updated,
             "unchanged": result.unchanged}
        )  # fmt: skip


class ReportsBulkView(_BulkView):
    """Write many figures at once (supervisors; rows of units in scope): all rows or none.

    Row: `{unit, indicator, year, month, value, last_year_value, remark}`, unit and indicator by
    code. A reason is required when the batch writes a locked period or changes a figure
    already handed in; each such figure keeps a revision with it."""

    policy = {"post": "report.import"}
    importer = staticmethod(imports.reports_import)


class TargetsBulkView(_BulkView):
    """Write many annual targets at once: `{unit, indicator, year, value}` (optional `milestones`)."""

    policy = {"post": "target.manage"}
    importer = staticmethod(imports.targets_import)


def register(router) -> None:
    """Register this module's viewsets on the /api/v1/ router."""
    router.register("indicators", IndicatorViewSet, basename="indicator")
    router.register("targets", TargetViewSet, basename="target")


urlpatterns = [
    path("reports/bulk/", ReportsBulkView.as_view(), name="reports-bulk"),
    path("targets/bulk/", TargetsBulkView.as_view(), name="targets-bulk"),
]

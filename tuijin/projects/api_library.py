"""REST endpoints of the project library (`/api/v1/projects/`, `/api/v1/project-plans/`).

Reads are the caller's visible projects (`queries.visible_projects`), with the list page's
filters (?q=&unit=&stage=&designation=&batch=&leader=&flag=&sort=). Every write calls a service
in `services.library`, which checks the policy against the project's unit: a project outside the
caller's scope is 404, one they may see but not manage is 403, and nothing changes.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from tuijin.core.params import as_drf_error
from tuijin.orgs import policy
from tuijin.orgs.models import Unit, User
from tuijin.projects import queries
from tuijin.projects.models import Batch, Designation, NodeTemplate, PlanKind, Project, ProjectPlan, Stage
from tuijin.projects.services import library, plans

# --- projects ------------------------------------------------------------------------------

FACT_FIELDS = [
    "national_code", "name", "industry", "address", "longitude", "latitude", "total_investment",
    "registered_capital", "owner_company", "contact_name", "contact_phone", "construction_content",
    "planned_start_on", "planned_completion_on", "delay_reason",
]  # fmt: skip


class ProjectSerializer(serializers.ModelSerializer):
    unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    designations = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    batch = serializers.SlugRelatedField(slug_field="code", read_only=True)
    node_template = serializers.SlugRelatedField(slug_field="code", read_only=True)
    lead_leader = serializers.SlugRelatedField(slug_field="username", read_only=True)
    commissioner = serializers.SlugRelatedField(slug_field="username", read_only=True)
    agent = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Project
        fields = ["code", "unit", *FACT_FIELDS, "designations", "batch", "node_template", "lead_leader",
                  "commissioner", "agent", "stage", "stage_reason", "started_on", "completed_on", "admission_flags",
                  "version"]  # fmt: skip
        read_only_fields = fields


class ProjectInputSerializer(serializers.ModelSerializer):
    """What a caller writes. References by code (units, tags, batch, template) or username (people)."""

    code = serializers.CharField(max_length=32)
    unit = serializers.SlugRelatedField(slug_field="code", queryset=Unit.objects.all())
    designations = serializers.SlugRelatedField(
        slug_field="code", many=True, queryset=Designation.objects.all(), required=False
    )
    batch = serializers.SlugRelatedField(
        slug_field="code", queryset=Batch.objects.all(), required=False, allow_null=True
    )
    node_template = serializers.SlugRelatedField(
        slug_field="code", queryset=NodeTemplate.objects.all(), required=False, allow_null=True
    )
    lead_leader = serializers.SlugRelatedField(
        slug_field="username", queryset=User.objects.all(), required=False, allow_null=True
    )
    commissioner = serializers.SlugRelatedField(
        slug_field="username", queryset=User.objects.all(), required=False, allow_null=True
    )
    agent = serializers.SlugRelatedField(
        slug_field="username", queryset=User.objects.all(), required=False, allow_null=True
    )
    stage = serializers.CharField(required=False, help_text="新项目的阶段：concept（谋划，默认）或 preparation（前期）")
    version = serializers.IntegerField(required=False, allow_null=True, default=None)

    class Meta:
        model = Project
        fields = ["code", "unit", *FACT_FIELDS, "designations", "batch", "node_template", "lead_leader",
                  "commissioner", "agent", "stage", "version"]  # fmt: skip
        # Uniqueness and the national code's format are the service's to check (one message).
        extra_kwargs = {"national_code": {"validators": []}}
        validators = []


class StageInputSerializer(serializers.Serializer):
    stage = serializers.ChoiceField(choices=Stage.choices, help_text="变更为")
    on_date = serializers.DateField(required=False)
    evidence = serializers.CharField(required=False, allow_blank=True, default="")
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    override_admission = serializers.BooleanField(required=False, default=False)
    version = serializers.IntegerField(required=False, allow_null=True, default=None)


PROJECT_FILTERS = [
    OpenApiParameter("q", str, description="名称、编号或全国投资项目代码"),
    OpenApiParameter("unit", str, description="实施主体编码（含下级）"),
    OpenApiParameter("stage", str, enum=Stage.values),
    OpenApiParameter("designation", str, description="标签编码"),
    OpenApiParameter("batch", str, description="批次编码"),
    OpenApiParameter("leader", int, description="领衔领导的用户 id"),
    OpenApiParameter("flag", str, enum=list(queries.FLAGS)),
    OpenApiParameter("sort", str, description="code、name、unit、investment、stage、planned_start；前加 - 为倒序"),
]


@extend_schema_view(
    list=extend_schema(parameters=PROJECT_FILTERS),
    create=extend_schema(request=ProjectInputSerializer, responses={201: ProjectSerializer}),
    update=extend_schema(request=ProjectInputSerializer, responses=ProjectSerializer),
    partial_update=extend_schema(request=ProjectInputSerializer, responses=ProjectSerializer),
)
class ProjectViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The project library, addressed by project code. Writes: supervisors, for projects of units in
    their scope; `stage`: the unit's reporter or a supervisor. Projects are never deleted (终止 instead)."""

    permission_classes = [policy.PolicyPermission]
    policy = {
        "list": "project.view", "retrieve": "project.view", "create": "project.manage",
        "update": "project.manage", "partial_update": "project.manage", "stage": "project.stage",
    }  # fmt: skip
    serializer_class = ProjectSerializer
    lookup_field = "code"
    lookup_value_regex = "[^/]+"

    def get_queryset(self):
        f = queries.ProjectFilter.from_query(self.request.query_params)
        qs = queries.filter_projects(queries.visible_projects(self.request.user), f)
        return qs.select_related(
            "unit", "batch", "node_template", "lead_leader", "commissioner", "agent"
        ).prefetch_related("designations")

    def create(self, request):
        data = self._input(request)
        data.pop("version", None)
        try:
            project = library.project_create(actor=request.user, **data)
        except DjangoValidationError as exc:
            raise as_drf_error(exc) from exc
        return Response(ProjectSerializer(project).data, status=status.HTTP_201_CREATED)

    def update(self, request, code=None, partial=False):
        project = self.get_object()
        data = self._input(request, partial=partial)
        data.pop("stage", None)
        try:
            project = library.project_update(
                actor=request.user, project=project, expected_version=data.pop("version", None), **data
            )
        except DjangoValidationError as exc:
            raise as_drf_error(exc) from exc
        return Response(ProjectSerializer(project).data)

    def partial_update(self, request, code=None):
        return self.update(request, code=code, partial=True)

    @extend_schema(request=StageInputSerializer, responses=ProjectSerializer)
    @action(detail=True, methods=["post"])
    def stage(self, request, code=None):
        """Move the project to another stage (the admission rules apply to 开工)."""
        project = self.get_object()
        serializer = StageInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        try:
            library.project_change_stage(
                actor=request.user, project=project, to_stage=data["stage"],
                on_date=data.get("on_date") or timezone.localdate(), evidence=data["evidence"],
                reason=data["reason"], override_admission=data["override_admission"],
                expected_version=data["version"],
            )  # fmt: skip
        except DjangoValidationError as exc:
            raise as_drf_error(exc) from exc
        return Response(ProjectSerializer(self.get_queryset().get(pk=project.pk)).data)

    def _input(self, request, partial=False) -> dict:
        serializer = ProjectInputSerializer(data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        if partial:  # only what was sent changes
            data = {k: v for k, v in data.items() if k in request.data}
        return data


# --- annual plans --------------------------------------------------------------------------


class PlanSerializer(serializers.ModelSerializer):
    project = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = ProjectPlan
        fields = ["id", "project", "year", "kind", "planned_investment", "planned_start_month",
                  "planned_completion_month", "version"]  # fmt: skip
        read_only_fields = fields


class PlanInputSerializer(serializers.Serializer):
    project = serializers.CharField(max_length=32, help_text="项目编号")
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    kind = serializers.ChoiceField(choices=PlanKind.choices)
    planned_investment = serializers.DecimalField(max_digits=16, decimal_places=4, min_value=0)
    planned_start_month = serializers.IntegerField(min_value=1, max_value=12, required=False, allow_null=True)
    planned_completion_month = serializers.IntegerField(min_value=1, max_value=12, required=False, allow_null=True)
    version = serializers.IntegerField(required=False, allow_null=True, default=None)


class PlanUpdateSerializer(PlanInputSerializer):
    project = None
    year = None


class PlanResultSerializer(PlanSerializer):
    warnings = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta(PlanSerializer.Meta):
        fields = [*PlanSerializer.Meta.fields, "warnings"]
        read_only_fields = fields


@extend_schema_view(
    list=extend_schema(
        parameters=[OpenApiParameter("year", int), OpenApiParameter("project", str, description="项目编号")]
    ),
    create=extend_schema(request=PlanInputSerializer, responses={201: PlanResultSerializer}),
    update=extend_schema(request=PlanUpdateSerializer, responses=PlanResultSerializer),
)
class ProjectPlanViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Annual plans of the caller's visible projects. A plan above the total investment is saved
    with a warning. POST to an existing (project, year) updates it."""

    permission_classes = [policy.PolicyPermission]
    policy = {
        "list": "project.view",
        "retrieve": "project.view",
        "create": "project.manage",
        "update": "project.manage",
    }
    serializer_class = PlanSerializer
    http_method_names = ["get", "post", "put", "head", "options"]

    def get_queryset(self):
        visible = queries.visible_projects(self.request.user)
        qs = (
            ProjectPlan.objects.filter(project__in=visible).select_related("project").order_by("-year", "project__code")
        )
        params = self.request.query_params
        if params.get("year", "").isdigit():
            qs = qs.filter(year=int(params["year"]))
        if params.get("project"):
            qs = qs.filter(project__code=params["project"])
        return qs

    def create(self, request):
        serializer = PlanInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        project = queries.get_visible_project_or_404(request.user, data.pop("project"))
        return self._set(request, project, data)

    def update(self, request, pk=None):
        plan = self.get_object()
        serializer = PlanUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = {**serializer.validated_data, "year": plan.year}
        return self._set(request, plan.project, data)

    def _set(self, request, project, data: dict) -> Response:
        try:
            result = plans.plan_set(
                actor=request.user, project=project, expected_version=data.pop("version", None), **data
            )
        except DjangoValidationError as exc:
            raise as_drf_error(exc) from exc
        body = {**PlanSerializer(result.plan).data, "warnings": result.warnings}
        return Response(body, status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK)


urlpatterns: list = []


def register(router) -> None:
    """Register this module's viewsets on the /api/v1/ router."""
    router.register("projects", ProjectViewSet, basename="project")
    router.register("project-plans", ProjectPlanViewSet, basename="project-plan")

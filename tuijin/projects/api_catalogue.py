"""REST endpoints of the project catalogue: designations (标签), batches (批次), node templates
(节点模板) and a project's milestones (节点), as on the pages, through `services.library`.

Designations, batches and templates are the city's: everyone who sees projects reads them, a
city-level supervisor writes them. Milestones are read with their project (its visibility) and
written by a supervisor managing the project, or its unit's reporter for the actual date only.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from tuijin.core.params import as_drf_error
from tuijin.orgs import policy
from tuijin.orgs.models import Unit
from tuijin.projects import queries
from tuijin.projects.models import Batch, CheckpointKey, Designation, Milestone, NodeTemplate, Project
from tuijin.projects.services import batches, milestones

READ, MANAGE = "project.view", "project.manage"
CATALOGUE_POLICY = {
    "list": READ, "retrieve": READ, "create": MANAGE, "update": MANAGE, "partial_update": MANAGE,
}  # fmt: skip
VERSION = {"help_text": "读取时的 version（修改时必填，也可用 If-Match 请求头）"}


def _call(fn, **kwargs):
    try:
        return fn(**kwargs)
    except DjangoValidationError as exc:
        raise as_drf_error(exc) from exc


def _input(serializer_class, request, partial=False) -> dict:
    serializer = serializer_class(data=request.data, partial=partial)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class _CatalogueViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [policy.PolicyPermission]
    policy = CATALOGUE_POLICY
    lookup_field = "code"
    lookup_value_regex = "[^/]+"
    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    pagination_class = None  # a short list the city keeps


# --- designations ------------------------------------------------------------------------------


class DesignationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Designation
        fields = ["code", "name", "sort_order", "version"]
        read_only_fields = fields


class DesignationInputSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=32)
    name = serializers.CharField(max_length=50)
    sort_order = serializers.IntegerField(min_value=0, required=False, default=0)
    version = serializers.IntegerField(required=False, allow_null=True, default=None, **VERSION)


@extend_schema_view(
    create=extend_schema(request=DesignationInputSerializer, responses={201: DesignationSerializer}),
    update=extend_schema(request=DesignationInputSerializer, responses=DesignationSerializer),
    partial_update=extend_schema(request=DesignationInputSerializer, responses=DesignationSerializer),
)
class DesignationViewSet(_CatalogueViewSet):
    """Project designations (标签), by code."""

    serializer_class = DesignationSerializer
    queryset = Designation.objects.all()

    def create(self, request):
        data = _input(DesignationInputSerializer, request)
        data.pop("version")
        designation = _call(batches.designation_create, actor=request.user, **data)
        return Response(DesignationSerializer(designation).data, status=status.HTTP_201_CREATED)

    def update(self, request, code=None, partial=False):
        designation = self.get_object()
        data = _input(DesignationInputSerializer, request, partial=partial)
        data = {k: v for k, v in data.items() if k in request.data or k == "version"} if partial else data
        version = data.pop("version", None)
        designation = _call(
            batches.designation_update, actor=request.user, designation=designation, expected_version=version, **data
        )
        return Response(DesignationSerializer(designation).data)

    def partial_update(self, request, code=None):
        return self.update(request, code=code, partial=True)


# --- batches -----------------------------------------------------------------------------------


class BatchSerializer(serializers.ModelSerializer):
    projects = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = Batch
        fields = ["code", "name", "launch_date", "start_deadline", "description", "projects", "version"]
        read_only_fields = fields


class BatchInputSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=32)
    name = serializers.CharField(max_length=100)
    launch_date = serializers.DateField()
    start_deadline = serializers.DateField()
    description = serializers.CharField(required=False, allow_blank=True, default="")
    projects = serializers.ListField(
        child=serializers.CharField(max_length=32), required=False, help_text="项目编号；给出时即为批次的全部项目"
    )
    version = serializers.IntegerField(required=False, allow_null=True, default=None, **VERSION)


@extend_schema_view(
    create=extend_schema(request=BatchInputSerializer, responses={201: BatchSerializer}),
    update=extend_schema(request=BatchInputSerializer, responses=BatchSerializer),
    partial_update=extend_schema(request=BatchInputSerializer, responses=BatchSerializer),
)
class BatchViewSet(_CatalogueViewSet):
    """Batches of projects (集中开工批次), by code. Project codes are the caller's visible projects."""

    serializer_class = BatchSerializer

    def get_queryset(self):
        # The member list shows only projects the caller may see.
        visible = queries.visible_projects(self.request.user)
        return Batch.objects.prefetch_related(
            Prefetch("projects", queryset=Project.objects.filter(pk__in=visible.values("pk")).order_by("code"))
        )

    def _projects(self, codes):
        if codes is None:
            return None
        projects = list(queries.visible_projects(self.request.user).filter(code__in=codes).select_related("unit"))
        unknown = sorted(set(codes) - {p.code for p in projects})
        if unknown:
            raise serializers.ValidationError({"projects": [f"项目不存在：{'、'.join(unknown)}"]})
        return projects

    def create(self, request):
        data = _input(BatchInputSerializer, request)
        data.pop("version")
        projects = self._projects(data.pop("projects", None)) or []
        batch = _call(batches.batch_create, actor=request.user, projects=projects, **data)
        return Response(BatchSerializer(self.get_queryset().get(pk=batch.pk)).data, status=status.HTTP_201_CREATED)

    def update(self, request, code=None, partial=False):
        batch = self.get_object()
        data = _input(BatchInputSerializer, request, partial=partial)
        if partial:
            data = {k: v for k, v in data.items() if k in request.data or k == "version"}
        projects = self._projects(data.pop("projects", None))
        version = data.pop("version", None)
        _call(
            batches.batch_update, actor=request.user, batch=batch, expected_version=version, projects=projects, **data
        )
        return Response(BatchSerializer(self.get_queryset().get(pk=batch.pk)).data)

    def partial_update(self, request, code=None):
        return self.update(request, code=code, partial=True)


# --- node templates ----------------------------------------------------------------------------


class NodeItemSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=50)
    key = serializers.ChoiceField(choices=CheckpointKey.choices, required=False, default=CheckpointKey.OTHER)
    offset_days = serializers.IntegerField(help_text="相对计划开工的天数")


class NodeTemplateSerializer(serializers.ModelSerializer):
    items = serializers.SerializerMethodField()

    class Meta:
        model = NodeTemplate
        fields = ["code", "name", "items", "version"]
        read_only_fields = fields

    def get_items(self, obj) -> list[dict]:
        return [{"name": i.name, "key": i.key, "offset_days": i.offset_days} for i in obj.items.all()]


class NodeTemplateInputSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=32)
    name = serializers.CharField(max_length=100)
    items = NodeItemSerializer(many=True)
    version = serializers.IntegerField(required=False, allow_null=True, default=None, **VERSION)


@extend_schema_view(
    create=extend_schema(request=NodeTemplateInputSerializer, responses={201: NodeTemplateSerializer}),
    update=extend_schema(request=NodeTemplateInputSerializer, responses=NodeTemplateSerializer),
)
class NodeTemplateViewSet(_CatalogueViewSet):
    """Node templates (节点模板), by code. PUT replaces the name and the whole node list."""

    serializer_class = NodeTemplateSerializer
    queryset = NodeTemplate.objects.prefetch_related("items")
    http_method_names = ["get", "post", "put", "head", "options"]

    def _items(self, data) -> list[milestones.NodeItem]:
        return [milestones.NodeItem(i["name"], i["key"], i["offset_days"]) for i in data.pop("items")]

    def create(self, request):
        data = _input(NodeTemplateInputSerializer, request)
        data.pop("version")
        template = _call(milestones.node_template_create, actor=request.user, items=self._items(data), **data)
        return Response(NodeTemplateSerializer(self.get_queryset().get(pk=template.pk)).data, status=201)

    def update(self, request, code=None):
        template = self.get_object()
        data = _input(NodeTemplateInputSerializer, request)
        version = data.pop("version")
        _call(milestones.node_template_update, actor=request.user, template=template, items=self._items(data),
              expected_version=version, **data)  # fmt: skip
        return Response(NodeTemplateSerializer(self.get_queryset().get(pk=template.pk)).data)


# --- milestones ----------------------------------------------------------------------------------

MILESTONE_INPUT = ["name", "key", "planned_on", "actual_on", "responsible_unit", "responsible_person", "note"]


class MilestoneSerializer(serializers.ModelSerializer):
    project = serializers.SlugRelatedField(slug_field="code", read_only=True)
    responsible_unit = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Milestone
        fields = ["id", "project", "order", *MILESTONE_INPUT, "version"]
        read_only_fields = fields


class MilestoneInputSerializer(serializers.Serializer):
    project = serializers.CharField(max_length=32, help_text="项目编号（新建时）", required=False)
    name = serializers.CharField(max_length=50)
    key = serializers.ChoiceField(choices=CheckpointKey.choices, required=False, default=CheckpointKey.OTHER)
    planned_on = serializers.DateField(required=False, allow_null=True, default=None)
    actual_on = serializers.DateField(required=False, allow_null=True, default=None)
    responsible_unit = serializers.SlugRelatedField(
        slug_field="code", queryset=Unit.objects.all(), required=False, allow_null=True, default=None
    )
    responsible_person = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    version = serializers.IntegerField(required=False, allow_null=True, default=None, **VERSION)


@extend_schema_view(
    list=extend_schema(parameters=[OpenApiParameter("project", str, description="项目编号")]),
    create=extend_schema(request=MilestoneInputSerializer, responses={201: MilestoneSerializer}),
    update=extend_schema(request=MilestoneInputSerializer, responses=MilestoneSerializer),
    partial_update=extend_schema(request=MilestoneInputSerializer, responses=MilestoneSerializer),
)
class MilestoneViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The milestones (节点) of the caller's visible projects (?project=code)."""

    permission_classes = [policy.PolicyPermission]
    policy = {
        "list": READ, "retrieve": READ, "create": MANAGE,
        "update": "project.milestone", "partial_update": "project.milestone",
    }  # fmt: skip
    serializer_class = MilestoneSerializer
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset(self):
        visible = queries.visible_projects(self.request.user)
        qs = Milestone.objects.filter(project__in=visible).select_related("project", "responsible_unit")
        if self.request.query_params.get("project"):
            qs = qs.filter(project__code=self.request.query_params["project"])
        return qs.order_by("project__code", "order")

    def create(self, request):
        data = _input(MilestoneInputSerializer, request)
        data.pop("version")
        if not data.get("project"):
            raise serializers.ValidationError({"project": ["请指定项目编号。"]})
        project = queries.get_visible_project_or_404(request.user, data.pop("project"))
        milestone = _call(milestones.milestone_create, actor=request.user, project=project, **data)
        return Response(MilestoneSerializer(milestone).data, status=status.HTTP_201_CREATED)

    def update(self, request, pk=None, partial=False):
        milestone = self.get_object()
        data = _input(MilestoneInputSerializer, request, partial=partial)
        data.pop("project", None)
        if partial:
            data = {k: v for k, v in data.items() if k in request.data or k == "version"}
        version = data.pop("version", None)
        milestone = _call(
            milestones.milestone_update, actor=request.user, milestone=milestone, expected_version=version, **data
        )
        return Response(MilestoneSerializer(milestone).data)

    def partial_update(self, request, pk=None):
        return self.update(request, pk=pk, partial=True)


urlpatterns: list = []


def register(router) -> None:
    router.register("designations", DesignationViewSet, basename="designation")
    router.register("batches", BatchViewSet, basename="batch")
    router.register("node-templates", NodeTemplateViewSet, basename="node-template")
    router.register("milestones", MilestoneViewSet, basename="milestone")

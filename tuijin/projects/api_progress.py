"""REST endpoints of monthly project progress (`/api/v1/project-progress/`).

Reads are scoped to the projects the caller may see. A reporter creates or updates their own
unit's projects' months through the progress service (open periods, optimistic locking with
`version`). Supervisors write many months at once with `POST /api/v1/project-progress/bulk/`:
a JSON list of rows or `{"reason": "…", "rows": [...]}`, all rows or none; the answer is
`{"created": n, "updated": n, "unchanged": n}` or 400 `{"errors": [{"row", "field", "message"}]}`.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, serializers, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from tuijin.core.params import as_drf_error, int_query_param
from tuijin.indicators.services.imports import MAX_REASON, ImportRejected
from tuijin.orgs import policy
from tuijin.projects import queries, queries_progress
from tuijin.projects.models import MONEY, ProjectProgress
from tuijin.projects.services import progress as services
from tuijin.projects.services import progress_bulk


class ProgressSerializer(serializers.ModelSerializer):
    project = serializers.SlugRelatedField(slug_field="code", read_only=True)
    reported_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = ProjectProgress
        fields = ["id", "project", "year", "month", "investment", "image_progress", "problems", "reported_by",
                  "reported_at", "updated_at", "version"]  # fmt: skip


class ProgressInputSerializer(serializers.Serializer):
    project = serializers.CharField(max_length=32)
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    month = serializers.IntegerField(min_value=1, max_value=12)
    investment = serializers.DecimalField(**MONEY, min_value=0)
    image_progress = serializers.CharField(allow_blank=True, required=False, default="", max_length=services.MAX_TEXT)
    problems = serializers.CharField(allow_blank=True, required=False, default="", max_length=services.MAX_TEXT)
    # The version the caller read (0: no row existed yet); omit to skip the check.
    version = serializers.IntegerField(required=False, allow_null=True, default=None)


FILTERS = [
    OpenApiParameter("project", str, description="项目编号"),
    OpenApiParameter("year", int),
    OpenApiParameter("month", int),
]


@extend_schema_view(
    list=extend_schema(parameters=FILTERS),
    create=extend_schema(request=ProgressInputSerializer, responses={201: ProgressSerializer}),
    update=extend_schema(request=ProgressInputSerializer, responses=ProgressSerializer),
    partial_update=extend_schema(request=ProgressInputSerializer, responses=ProgressSerializer),
)
class ProgressViewSet(viewsets.ModelViewSet):
    """Monthly progress of the projects the caller may see; filters `project` (code), `year`, `month`.

    POST/PUT/PATCH save a month of a project of the caller's own unit (reporters); no DELETE."""

    permission_classes = [policy.PolicyPermission]
    policy = {
        "list": "project.view", "retrieve": "project.view",
        "create": "project.report", "update": "project.report", "partial_update": "project.report",
    }  # fmt: skip
    serializer_class = ProgressSerializer
    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    filter_backends = []

    def get_queryset(self):
        return queries_progress.progress_for(
            self.request.user, project_code=self.request.query_params.get("project", ""),
            year=int_query_param(self.request, "year"), month=int_query_param(self.request, "month"),
        )  # fmt: skip

    def create(self, request):
        progress = self._save(request, self._input(request.data))
        return Response(ProgressSerializer(progress).data, status=status.HTTP_201_CREATED)

    def update(self, request, pk=None, partial=False):
        current = self.get_object()
        stored = {
            "project": current.project.code, "year": current.year, "month": current.month,
            "investment": current.investment, "image_progress": current.image_progress, "problems": current.problems,
            "version": None,
        }  # fmt: skip
        data = {**stored, **self._input(request.data, partial=partial)}
        if (data["project"], data["year"], data["month"]) != (current.project.code, current.year, current.month):
            raise ValidationError({"detail": [_("不能修改进展所属的项目或期别。")]})
        return Response(ProgressSerializer(self._save(request, data)).data)

    def _input(self, payload, partial=False) -> dict:
        serializer = ProgressInputSerializer(data=payload, partial=partial)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def _save(self, request, data) -> ProjectProgress:
        project = queries.get_visible_project_or_404(request.user, data["project"])
        try:
            return services.progress_save(
                actor=request.user, project=project, year=data["year"], month=data["month"],
                investment=data["investment"], image_progress=data.get("image_progress", ""),
                problems=data.get("problems", ""), expected_version=data.get("version"),
            )  # fmt: skip
        except DjangoValidationError as exc:
            raise as_drf_error(exc) from exc


# --- bulk ----------------------------------------------------------------------------------------


class ProgressBulkSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=MAX_REASON)
    rows = serializers.ListField(child=serializers.DictField(), allow_empty=False)


class ProgressBulkResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()


class ProgressBulkErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(allow_null=True)
    field = serializers.CharField()
    message = serializers.CharField()


class ProgressBulkErrorsSerializer(serializers.Serializer):
    errors = ProgressBulkErrorSerializer(many=True)


class ProgressBulkView(generics.GenericAPIView):
    """Write many months of progress at once (supervisors; projects in scope): all rows or none.

    Row: `{project, year, month, investment, image_progress, problems}`, project by code.
    A reason is required when the batch writes a locked period; each such month keeps a revision."""

    permission_classes = [policy.PolicyPermission]
    policy = {"post": "project.import"}
    serializer_class = ProgressBulkSerializer

    @extend_schema(responses={200: ProgressBulkResultSerializer, 400: ProgressBulkErrorsSerializer})
    def post(self, request):
        body = {"rows": request.data} if isinstance(request.data, list) else request.data
        serializer = self.get_serializer(data=body)
        serializer.is_valid(raise_exception=True)
        try:
            result = progress_bulk.progress_bulk(
                actor=request.user, rows=serializer.validated_data["rows"], reason=serializer.validated_data["reason"]
            )
        except ImportRejected as exc:
            return Response({"errors": exc.errors}, status=status.HTTP_400_BAD_REQUEST)
        return Response({"created": result.created, "updated": result.updated, "unchanged": result.unchanged})


def register(router) -> None:
    """Register this module's viewsets on the /api/v1/ router."""
    router.register("project-progress", ProgressViewSet, basename="project-progress")


urlpatterns = [path("project-progress/bulk/", ProgressBulkView.as_view(), name="project-progress-bulk")]

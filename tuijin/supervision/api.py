"""REST endpoints of assignments (`/api/v1/assignments/`).

Rows are the items the caller may see, each with its `colour` (三色预警: green/yellow/red, ""
once no longer open), `overdue_level` ("", remind, supervise, listed), `days_overdue` and
`missed_cycles` (not caught up), its linked `source` (type, id, page) and the `actions` the
caller may take on it now. Supervisors create items (POST; `sheet` or `bulletin` links an
escalated contact sheet or a published bulletin) and decide; the owner unit's people post
progress and ask for close-out or extension. Each transition is a POST action on the item:
`progress/`, `closeout-request/`, `closeout-approve/`, `closeout-return/`, `extension-request/`,
`extension-grant/`, `extension-refuse/` (the last two act on the pending extension request).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from tuijin.core.params import as_drf_error
from tuijin.orgs import policy
from tuijin.orgs.models import Unit, User
from tuijin.supervision import metrics, queries, services, sources
from tuijin.supervision.models import (
    SINGLE_SOURCE_KINDS,
    Assignment,
    Cycle,
    ExtensionRequest,
    ProgressUpdate,
    SourceKind,
    Status,
)


class AssignmentSerializer(serializers.ModelSerializer):
    owner_unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    co_units = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    leader = serializers.SlugRelatedField(slug_field="username", read_only=True)
    colour = serializers.SerializerMethodField()
    overdue_level = serializers.SerializerMethodField()
    days_overdue = serializers.SerializerMethodField()
    missed_cycles = serializers.SerializerMethodField()
    source = serializers.SerializerMethodField()
    pending_extension = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField()

    class Meta:
        model = Assignment
        fields = ["id", "title", "content", "source_kind", "source_label", "owner_unit", "co_units", "leader",
                  "responsibility", "assigned_on", "deadline", "original_deadline", "cycle", "year", "on_task_list",
                  "status", "closeout_evidence", "closeout_requested_on", "closed_on", "return_reason", "colour",
                  "overdue_level", "days_overdue", "missed_cycles", "source", "pending_extension", "actions",
                  "version"]  # fmt: skip

    def get_colour(self, obj) -> str:
        return obj.colour

    def get_overdue_level(self, obj) -> str:
        return obj.level

    def get_days_overdue(self, obj) -> int:
        return metrics.days_overdue(obj.deadline, timezone.localdate())

    def get_missed_cycles(self, obj) -> int:
        return len(queries.missed_cycles(obj))

    def get_source(self, obj) -> dict | None:
        """The linked source record: {"type": "meetings.reviewproblem", "id": 3, "url": page of it}."""
        if obj.source_id is None:
            return None
        kind = f"{obj.source_type.app_label}.{obj.source_type.model}"
        return {"type": kind, "id": obj.source_id, "url": queries.source_url(obj)}

    def get_pending_extension(self, obj) -> bool:
        return bool(obj.pending_extension)

    def get_actions(self, obj) -> list[str]:
        """The transitions the caller may take on this row now (the POST actions of the item)."""
        request = self.context.get("request")
        return available_actions(request.user, obj) if request is not None else []


def available_actions(user, a: Assignment) -> list[str]:
    found = []
    if services.may_report(user, a) and a.status == Status.OPEN:
        found += ["progress", "closeout-request"] + ([] if a.pending_extension else ["extension-request"])
    if services.may_manage(user, a):
        if a.status == Status.CLOSEOUT_REQUESTED:
            found += ["closeout-approve", "closeout-return"]
        if a.pending_extension:
            found += ["extension-grant", "extension-refuse"]
    return found


class AssignmentInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    content = serializers.CharField()
    source_kind = serializers.ChoiceField(choices=[c for c in SourceKind.choices if c[0] not in SINGLE_SOURCE_KINDS])
    source_label = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)
    owner_unit = serializers.SlugRelatedField(slug_field="code", queryset=Unit.objects.all())
    co_units = serializers.SlugRelatedField(slug_field="code", queryset=Unit.objects.all(), many=True, required=False)
    leader = serializers.SlugRelatedField(slug_field="username", queryset=User.objects.all(), required=False,
                                          allow_null=True)  # fmt: skip
    responsibility = serializers.CharField(max_length=100, required=False, default="", allow_blank=True)
    assigned_on = serializers.DateField(required=False, allow_null=True)
    deadline = serializers.DateField()
    cycle = serializers.ChoiceField(choices=Cycle.choices, default=Cycle.MONTHLY)
    on_task_list = serializers.BooleanField(default=False)
    # Then one field per source picked by hand (`sources.pickers()`: `sheet`, `bulletin`).

    def get_fields(self):
        fields = super().get_fields()
        for source_type in sources.pickers():
            fields[source_type.picker.field] = source_type.picker.api_field()
        return fields

    def validate(self, data):
        """`source_obj`: the record named, looked up among those the caller may link."""
        user = self.context["request"].user
        kind = data.get("source_kind")
        named = [(t, data.pop(t.picker.field, None)) for t in sources.pickers()]
        for source_type, value in named:
            if value is None or value == "":
                continue
            picker = source_type.picker
            found = picker.linkable(user).filter(**{picker.api_lookup: value}).first()
            if kind != source_type.kind or found is None:
                raise ValidationError({picker.field: [picker.api_refused]})
            data["source_obj"] = found
        return data


class AssignmentProgressInputSerializer(serializers.Serializer):
    text = serializers.CharField()
    cycle_start = serializers.DateField(required=False, allow_null=True, help_text="所答周期的起始日；缺省为当前周期")


class AssignmentProgressSerializer(serializers.ModelSerializer):
    posted_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = ProgressUpdate
        fields = ["id", "text", "cycle_start", "cycle_end", "posted_on", "late", "posted_by"]


class AssignmentEvidenceSerializer(serializers.Serializer):
    evidence = serializers.CharField()
    version = serializers.IntegerField(required=False, allow_null=True)


class AssignmentNoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, default="", allow_blank=True)
    version = serializers.IntegerField(required=False, allow_null=True)


class AssignmentReasonSerializer(serializers.Serializer):
    reason = serializers.CharField()
    version = serializers.IntegerField(required=False, allow_null=True)


class AssignmentExtensionInputSerializer(serializers.Serializer):
    new_deadline = serializers.DateField()
    reason = serializers.CharField()


class AssignmentExtensionSerializer(serializers.ModelSerializer):
    class Meta:
        model = ExtensionRequest
        fields = ["id", "old_deadline", "new_deadline", "reason", "status", "decision_note"]


FILTERS = [
    OpenApiParameter("owner", str, description="牵头单位编码（含下级）"),
    OpenApiParameter("leader", int, description="责任领导用户 id"),
    OpenApiParameter("source", str, enum=SourceKind.values),
    OpenApiParameter("level", str, enum=list(metrics.LEVELS[1:])),
    OpenApiParameter("colour", str, enum=list(metrics.COLOURS)),
    OpenApiParameter("status", str, description="open / closeout_requested / closed / active（未销号）"),
    OpenApiParameter("year", int),
    OpenApiParameter("task_list", str, description="1：只看任务清单"),
    OpenApiParameter("extension", str, enum=["pending"], description="pending：有待审批的延期申请"),
]


@extend_schema_view(
    list=extend_schema(parameters=FILTERS),
    create=extend_schema(request=AssignmentInputSerializer, responses={201: AssignmentSerializer}),
)
class AssignmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                        viewsets.GenericViewSet):  # fmt: skip
    """Assignments the caller may see, with colour and overdue level; transitions as POST actions."""

    permission_classes = [policy.PolicyPermission]
    # Version-free POSTs: each adds a row (or decides the pending request, state-checked under
    # a lock) and leaves the assignment's own fields as the caller read them.
    version_exempt = {
        "progress": "adds a progress update", "extension_request": "files an extension request",
        "extension_refuse": "refuses the pending request; the assignment is unchanged",
    }  # fmt: skip
    policy = {
        "list": "assignment.view", "retrieve": "assignment.view", "create": "assignment.manage",
        "progress": "assignment.report", "closeout_request": "assignment.report",
        "extension_request": "assignment.report", "closeout_approve": "assignment.manage",
        "closeout_return": "assignment.manage", "extension_grant": "assignment.manage",
        "extension_refuse": "assignment.manage",
    }  # fmt: skip
    serializer_class = AssignmentSerializer
    filter_backends = []
    queryset = Assignment.objects.none()  # the schema's model; rows come from get_queryset

    def get_queryset(self):
        f = queries.AssignmentFilter.from_query(self.request.query_params)
        rows = queries.assignment_list(self.request.user, f)
        return rows.select_related("source_type").prefetch_related(sources.prefetch())

    def get_object(self):
        try:
            return self.get_queryset().get(pk=int(self.kwargs["pk"]))
        except (Assignment.DoesNotExist, ValueError):
            raise Http404 from None

    def _input(self, serializer_class):
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def _fresh(self, pk) -> Response:
        row = AssignmentSerializer(queries.annotated(Assignment(pk=pk)), context=self.get_serializer_context())
        return Response(row.data)

    def create(self, request):
        serializer = AssignmentInputSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        try:
            a = services.assignment_create(actor=request.user, **data)
        except DjangoValidationError as exc:
            raise as_drf_error(exc) from exc
        row = AssignmentSerializer(queries.annotated(a), context=self.get_serializer_context()).data
        return Response(row, status=status.HTTP_201_CREATED)

    @extend_schema(request=AssignmentProgressInputSerializer, responses={201: AssignmentProgressSerializer})
    @action(detail=True, methods=["post"])
    def progress(self, request, pk=None):
        data = self._input(AssignmentProgressInputSerializer)
        try:
            update = services.progress_post(actor=request.user, assignment=self.get_object(), **data)
        except DjangoValidationError as exc:
            raise as_drf_error(exc) from exc
        return Response(AssignmentProgressSerializer(update).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=AssignmentEvidenceSerializer, responses=AssignmentSerializer)
    @action(detail=True, methods=["post"], url_path="closeout-request")
    def closeout_request(self, request, pk=None):
        data = self._input(AssignmentEvidenceSerializer)
        return self._run(services.closeout_request, evidence=data["evidence"], expected_version=data.get("version"))

    @extend_schema(request=AssignmentNoteSerializer, responses=AssignmentSerializer)
    @action(detail=True, methods=["post"], url_path="closeout-approve")
    def closeout_approve(self, request, pk=None):
        data = self._input(AssignmentNoteSerializer)
        return self._run(services.closeout_approve, note=data["note"], expected_version=data.get("version"))

    @extend_schema(request=AssignmentReasonSerializer, responses=AssignmentSerializer)
    @action(detail=True, methods=["post"], url_path="closeout-return")
    def closeout_return(self, request, pk=None):
        data = self._input(AssignmentReasonSerializer)
        return self._run(services.closeout_return, reason=data["reason"], expected_version=data.get("version"))

    def _run(self, service, **kwargs) -> Response:
        assignment = self.get_object()
        try:
            service(actor=self.request.user, assignment=assignment, **kwargs)
        except DjangoValidationError as exc:
            raise as_drf_error(exc) from exc
        return self._fresh(assignment.pk)

    @extend_schema(request=AssignmentExtensionInputSerializer, responses={201: AssignmentExtensionSerializer})
    @action(detail=True, methods=["post"], url_path="extension-request")
    def extension_request(self, request, pk=None):
        data = self._input(AssignmentExtensionInputSerializer)
        try:
            extension = services.extension_request(actor=request.user, assignment=self.get_object(), **data)
        except DjangoValidationError as exc:
            raise as_drf_error(exc) from exc
        return Response(AssignmentExtensionSerializer(extension).data, status=status.HTTP_201_CREATED)

    def _pending(self) -> ExtensionRequest:
        extension = self.get_object().extensions.filter(status=ExtensionRequest.Status.PENDING).first()
        if extension is None:
            raise ValidationError({"detail": [_("没有待审批的延期申请。")]})
        return extension

    @extend_schema(request=AssignmentNoteSerializer, responses=AssignmentExtensionSerializer)
    @action(detail=True, methods=["post"], url_path="extension-grant")
    def extension_grant(self, request, pk=None):
        data = self._input(AssignmentNoteSerializer)
        try:
            extension = services.extension_grant(
                actor=request.user, extension=self._pending(), note=data["note"], expected_version=data.get("version")
            )
        except DjangoValidationError as exc:
            raise as_drf_error(exc) from exc
        return Response(AssignmentExtensionSerializer(extension).data)

    @extend_schema(request=AssignmentReasonSerializer, responses=AssignmentExtensionSerializer)
    @action(detail=True, methods=["post"], url_path="extension-refuse")
    def extension_refuse(self, request, pk=None):
        data = self._input(AssignmentReasonSerializer)
        try:
            extension = services.extension_refuse(actor=request.user, extension=self._pending(), reason=data["reason"])
        except DjangoValidationError as exc:
            raise as_drf_error(exc) from exc
        return Response(AssignmentExtensionSerializer(extension).data)


def register(router) -> None:
    router.register("assignments", AssignmentViewSet, basename="assignment")


urlpatterns: list = []

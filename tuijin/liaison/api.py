"""REST endpoints of the contact sheets (`/api/v1/contact-sheets/`).

Reads are the caller's visible sheets (`queries.visible_sheets`), with the list pages' filters
(?box=sent|inbox|escalated|all&status=&department=&overdue=1&start=&end=&q=). A draft is created
and updated with POST/PUT/PATCH; each transition is a POST action calling its service, which
checks the policy, the unit, the state and the version: a sheet outside the caller's scope is
404, one they may see but not act on is 403, a wrong state or a stale `version` is 400, and
nothing changes. A department's actions name its part by `department` (code; default: the
caller's own unit) and carry that part's `version`.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from tuijin.core.params import as_drf_error
from tuijin.liaison import queries, services
from tuijin.liaison.models import ContactSheet, SheetAssignment, SheetEvent, SheetStatus
from tuijin.liaison.serializers import (
    SheetAcceptSerializer,
    SheetDecisionSerializer,
    SheetInputSerializer,
    SheetInstructSerializer,
    SheetNoteSerializer,
    SheetReasonSerializer,
    SheetReassignSerializer,
    SheetResolveSerializer,
    SheetReturnSerializer,
    SheetSerializer,
    SheetTransferSerializer,
    SheetVersionSerializer,
)
from tuijin.orgs import policy

FILTERS = [
    OpenApiParameter(
        "box", str, enum=list(queries.BOXES), description="sent 本单位发起；inbox 本部门承办；escalated 升级至我"
    ),
    OpenApiParameter("status", str, enum=[*SheetStatus.values, "open"]),
    OpenApiParameter("department", str, description="承办部门编码"),
    OpenApiParameter("overdue", bool, description="只看逾期"),
    OpenApiParameter("start", str, description="发送日期起 YYYY-MM-DD"),
    OpenApiParameter("end", str, description="发送日期止 YYYY-MM-DD"),
    OpenApiParameter("q", str, description="标题、编号或项目名称"),
]


def _transition(request_serializer):
    return extend_schema(request=request_serializer, responses=SheetSerializer)


@extend_schema_view(
    list=extend_schema(parameters=FILTERS),
    create=extend_schema(request=SheetInputSerializer, responses={201: SheetSerializer}),
    update=extend_schema(request=SheetInputSerializer, responses=SheetSerializer),
    partial_update=extend_schema(request=SheetInputSerializer, responses=SheetSerializer),
)
class ContactSheetViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet
):
    """Work contact sheets (工作联系单) the caller may see, with their parts and timeline."""

    permission_classes = [policy.PolicyPermission]
    policy = {
        "list": "sheet.view", "retrieve": "sheet.view", "create": "sheet.write", "update": "sheet.write",
        "partial_update": "sheet.write", "send": "sheet.write", "confirm": "sheet.write", "reopen": "sheet.write",
        "accept": "sheet.handle", "transfer": "sheet.handle", "return_": "sheet.handle", "resolve": "sheet.handle",
        "instruct": "sheet.escalation", "reassign": "sheet.escalation", "agenda": "sheet.escalation",
        "decision": "sheet.agenda",
    }  # fmt: skip
    serializer_class = SheetSerializer
    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    filter_backends = []

    def get_queryset(self):
        f = queries.SheetFilter.from_query(self.request.query_params, self.request.query_params.get("box", "all"))
        qs = queries.sheet_list(self.request.user, f, timezone.localdate())
        events = SheetEvent.objects.select_related("actor", "assignment__department").order_by("at", "pk")
        return qs.prefetch_related(
            "departments", "copies", "escalated_to", Prefetch("events", queryset=events)
        ).select_related("key_work")

    def get_serializer(self, *args, **kwargs):
        """The output with the supervision assignments of every sheet in it, in one query."""
        serializer = super().get_serializer(*args, **kwargs)
        sheets = args[0] if args else kwargs.get("instance")
        if isinstance(sheets, ContactSheet):
            sheets = [sheets]
        if sheets is not None:
            serializer.context["supervision"] = queries.sheet_assignment_ids([s.pk for s in sheets])
        return serializer

    def _out(self, sheet: ContactSheet, code=status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=sheet.pk)
        return Response(self.get_serializer(fresh).data, status=code)

    def _input(self, serializer_class, data, partial=False) -> dict:
        serializer = serializer_class(data=data, partial=partial)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def _call(self, fn, **kwargs):
        try:
            return fn(actor=self.request.user, **kwargs)
        except DjangoValidationError as exc:
            raise as_drf_error(exc) from exc

    # --- the draft ---------------------------------------------------------------------------

    def create(self, request):
        data = self._input(SheetInputSerializer, request.data)
        data.pop("version", None)
        sheet = self._call(services.sheet_create, **data)
        return self._out(sheet, status.HTTP_201_CREATED)

    def update(self, request, pk=None, partial=False):
        sheet = self.get_object()
        current = {
            "title": sheet.title, "problem": sheet.problem, "request": sheet.request, "project": sheet.project,
            "key_work": sheet.key_work, "departments": list(sheet.departments.all()),
            "copies": list(sheet.copies.all()),
        }  # fmt: skip
        data = self._input(SheetInputSerializer, request.data, partial=partial)
        version = data.pop("version", None)
        sheet = self._call(services.sheet_update, sheet=sheet, expected_version=version, **(current | data))
        return self._out(sheet)

    def partial_update(self, request, pk=None):
        return self.update(request, pk=pk, partial=True)

    # --- the sender ----------------------------------------------------------------------------

    @_transition(SheetVersionSerializer)
    @action(detail=True, methods=["post"])
    def send(self, request, pk=None):
        """Send the draft (or the returned sheet, again) to its departments; their clocks start."""
        data = self._input(SheetVersionSerializer, request.data)
        return self._out(self._call(services.sheet_send, sheet=self.get_object(), expected_version=data["version"]))

    @_transition(SheetNoteSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        """销号: the sender is satisfied (sender unit only)."""
        data = self._input(SheetNoteSerializer, request.data)
        sheet = self.get_object()
        self._call(services.sheet_confirm, sheet=sheet, note=data["note"], expected_version=data["version"])
        return self._out(sheet)

    @_transition(SheetReasonSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        """不满意: every resolved part goes back to its department (sender unit only)."""
        data = self._input(SheetReasonSerializer, request.data)
        sheet = self.get_object()
        self._call(services.sheet_reopen, sheet=sheet, reason=data["reason"], expected_version=data["version"])
        return self._out(sheet)

    # --- the departments -------------------------------------------------------------------------

    def _part(self, sheet: ContactSheet, code: str) -> SheetAssignment:
        code = code or getattr(self.request.user.unit, "code", "")
        part = sheet.assignments.select_related("department", "sheet").filter(department__code=code).last()
        if part is None:
            raise PermissionDenied(_("该联系单未交由 %(c)s 承办。") % {"c": code})
        return part

    @_transition(SheetAcceptSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """受理: the department's opinion and promised solving date (addressed department only)."""
        data = self._input(SheetAcceptSerializer, request.data)
        sheet = self.get_object()
        self._call(services.assignment_accept, assignment=self._part(sheet, data["department"]), answer=data["answer"],
                   promised_on=data["promised_on"], expected_version=data["version"])  # fmt: skip
        return self._out(sheet)

    @_transition(SheetTransferSerializer)
    @action(detail=True, methods=["post"])
    def transfer(self, request, pk=None):
        """转办 to another department, with the reason."""
        data = self._input(SheetTransferSerializer, request.data)
        sheet = self.get_object()
        self._call(services.assignment_transfer, assignment=self._part(sheet, data["department"]),
                   to_department=data["to_department"], reason=data["reason"],
                   expected_version=data["version"])  # fmt: skip
        return self._out(sheet)

    @_transition(SheetReturnSerializer)
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request, pk=None):
        """退回 to the sender, with the reason."""
        data = self._input(SheetReturnSerializer, request.data)
        sheet = self.get_object()
        self._call(services.assignment_return, assignment=self._part(sheet, data["department"]),
                   reason=data["reason"], expected_version=data["version"])  # fmt: skip
        return self._out(sheet)

    @_transition(SheetResolveSerializer)
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        """办结 with the written result; the sheet is resolved when every part is."""
        data = self._input(SheetResolveSerializer, request.data)
        sheet = self.get_object()
        self._call(services.assignment_resolve, assignment=self._part(sheet, data["department"]),
                   result=data["result"], expected_version=data["version"])  # fmt: skip
        return self._out(sheet)

    # --- the ladder ------------------------------------------------------------------------------

    @_transition(SheetInstructSerializer)
    @action(detail=True, methods=["post"])
    def instruct(self, request, pk=None):
        """The escalation leader's written instruction (批示), sent to the departments."""
        data = self._input(SheetInstructSerializer, request.data)
        sheet = self.get_object()
        self._call(services.sheet_instruct, sheet=sheet, text=data["text"], expected_version=data["version"])
        return self._out(sheet)

    @_transition(SheetReassignSerializer)
    @action(detail=True, methods=["post"])
    def reassign(self, request, pk=None):
        """The escalation leader gives a department's open part to another department."""
        data = self._input(SheetReassignSerializer, request.data)
        sheet = self.get_object()
        part = sheet.assignments.select_related("department", "sheet").filter(department__code=data["department"])
        part = part.last()
        if part is None:
            raise ValidationError({"department": [_("该联系单没有这个承办部门。")]})
        self._call(services.assignment_reassign, assignment=part, to_department=data["to_department"],
                   reason=data["reason"], expected_version=data["version"])  # fmt: skip
        return self._out(sheet)

    @_transition(SheetNoteSerializer)
    @action(detail=True, methods=["post"])
    def agenda(self, request, pk=None):
        """Put the escalated sheet on the mayor's office meeting agenda (市长办公会议议题)."""
        data = self._input(SheetNoteSerializer, request.data)
        sheet = self.get_object()
        self._call(services.sheet_put_on_agenda, sheet=sheet, note=data["note"], expected_version=data["version"])
        return self._out(sheet)

    @_transition(SheetDecisionSerializer)
    @action(detail=True, methods=["post"])
    def decision(self, request, pk=None):
        """Record the meeting's decision (a city-level supervisor); with `to_assignment` it becomes a
        supervision assignment of `owner_unit` by `deadline`, in the same transaction."""
        data = self._input(SheetDecisionSerializer, request.data)
        sheet = self.get_object()
        self._call(services.sheet_record_decision, sheet=sheet, decision=data["decision"],
                   decided_on=data["decided_on"], expected_version=data["version"],
                   to_assignment=data["to_assignment"], owner_unit=data["owner_unit"], deadline=data["deadline"],
                   co_units=data["co_units"])  # fmt: skip
        return self._out(sheet)


urlpatterns: list = []


def register(router) -> None:
    """Register this module's viewsets on the /api/v1/ router."""
    router.register("contact-sheets", ContactSheetViewSet, basename="contact-sheet")

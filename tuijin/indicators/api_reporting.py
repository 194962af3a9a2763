"""REST endpoints of monthly reporting (`/api/v1/reports/`, `/api/v1/submissions/`).

Reads are scoped by the policy. Writes go through the reporting services: a report is saved
as part of the caller's own unit's draft (`submission_save_draft`), and each transition is a
POST action on the submission carrying the version it was read at (optimistic locking).
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from tuijin.core.params import as_drf_error, int_query_param
from tuijin.indicators import queries
from tuijin.indicators.models import Indicator, Report, Submission
from tuijin.indicators.services import reporting
from tuijin.orgs import policy

# --- reports -------------------------------------------------------------------------------------


class ReportSerializer(serializers.ModelSerializer):
    unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    indicator = serializers.SlugRelatedField(slug_field="code", read_only=True)
    status = serializers.CharField(source="submission.status", read_only=True)
    submission_version = serializers.IntegerField(source="submission.version", read_only=True)
    # 最多报一次: "projects" for a figure derived from the project library (it counts on its own).
    source = serializers.SerializerMethodField()

    class Meta:
        model = Report
        fields = ["id", "unit", "indicator", "year", "month", "value", "last_year_value", "remark", "submission",
                  "status", "submission_version", "version", "updated_at", "source"]  # fmt: skip

    def get_source(self, report: Report) -> str:
        return "projects" if report.indicator.fed_by_projects else "unit"


class ReportInputSerializer(serializers.Serializer):
    indicator = serializers.SlugRelatedField(slug_field="code", queryset=Indicator.objects.filter(is_active=True))
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    month = serializers.IntegerField(min_value=1, max_value=12)
    value = serializers.DecimalField(max_digits=20, decimal_places=4, allow_null=True)
    last_year_value = serializers.DecimalField(max_digits=20, decimal_places=4, allow_null=True, required=False)
    remark = serializers.CharField(allow_blank=True, required=False, default="")
    # The version of the unit's submission the caller read (0: none existed yet); omit to skip the check.
    submission_version = serializers.IntegerField(required=False, allow_null=True, default=None)


class ReportViewSet(viewsets.ModelViewSet):
    """Figures in the caller's scope; filters `unit`, `indicator` (codes), `year`, `month`.

    POST/PUT/PATCH save a figure into the caller's own unit's draft for that period; there is
    no DELETE (a figure is corrected, never removed).
    """

    permission_classes = [policy.PolicyPermission]
    # A report's edits are checked against its unit's submission (what the month's lock is on).
    version_field = "submission_version"
    policy = {
        "list": "report.view", "retrieve": "report.view",
        "create": "report.fill", "update": "report.fill", "partial_update": "report.fill",
    }  # fmt: skip
    serializer_class = ReportSerializer
    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    filter_backends = []

    def policy_unit(self, obj):
        return obj.unit

    def get_queryset(self):
        params = self.request.query_params
        return queries.reports_for(
            self.request.user, unit_code=params.get("unit", ""), indicator_code=params.get("indicator", ""),
            year=int_query_param(self.request, "year"), month=int_query_param(self.request, "month"),
        )  # fmt: skip

    def create(self, request):
        data = self._input(request.data)
        report = self._save(request, data)
        return Response(ReportSerializer(report).data, status=status.HTTP_201_CREATED)

    def update(self, request, pk=None, partial=False):
        report = self.get_object()
        current = {
            "indicator": report.indicator, "year": report.year, "month": report.month, "value": report.value,
            "last_year_value": report.last_year_value, "remark": report.remark,
        }  # fmt: skip
        data = {**current, **self._input(request.data, partial=partial)}
        if (data["indicator"], data["year"], data["month"]) != (report.indicator, report.year, report.month):
            raise ValidationError({"detail": [_("不能修改数值所属的指标或期别。")]})
        return Response(ReportSerializer(self._save(request, data)).data)

    def _input(self, payload, partial=False) -> dict:
        serializer = ReportInputSerializer(data=payload, partial=partial)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def _save(self, request, data) -> Report:
        unit = request.user.unit
        if unit is None:
            raise PermissionDenied(_("您的账号尚未归属单位。"))
        entry = reporting.Entry(data["indicator"], data["value"], data.get("last_year_value"), data.get("remark", ""))
        try:
            reporting.submission_save_draft(
                actor=request.user, unit=unit, year=data["year"], month=data["month"], entries=[entry],
                expected_version=data.get("submission_version"),
            )  # fmt: skip
        except DjangoValidationError as exc:
            raise as_drf_error(exc) from exc
        return get_object_or_404(
            Report.objects.select_related("unit", "indicator", "submission"),
            unit=unit, indicator=data["indicator"], year=data["year"], month=data["month"],
        )  # fmt: skip


# --- submissions -----------------------------------------------------------------------------------


class SubmissionSerializer(serializers.ModelSerializer):
    unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    submitted_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Submission
        fields = ["id", "unit", "year", "month", "status", "version", "submitted_by", "submitted_at", "approved_at",
                  "accepted_at", "returned_reason", "returned_at", "reminded_at"]  # fmt: skip


class TransitionSerializer(serializers.Serializer):
    version = serializers.IntegerField(required=False, allow_null=True, default=None)
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class SubmissionViewSet(viewsets.ReadOnlyModelViewSet):
    """Units' monthly submissions in the caller's scope; filters `unit`, `year`, `month`, `status`.

    Transitions are POST actions with `{"version": n}` (and `"reason"` for return).
    """

    permission_classes = [policy.PolicyPermission]
    policy = {
        "list": "report.view", "retrieve": "report.view", "submit": "report.fill", "approve": "report.approve",
        "accept": "report.accept", "return_": "report.view",  # return: the head or a supervisor (service decides)
    }  # fmt: skip
    serializer_class = SubmissionSerializer
    filter_backends = []

    def policy_unit(self, obj):
        return obj.unit

    def get_queryset(self):
        params = self.request.query_params
        return queries.submissions_for(
            self.request.user, year=int_query_param(self.request, "year"), month=int_query_param(self.request, "month"),
            status=params.get("status", ""), unit_code=params.get("unit", ""),
        )  # fmt: skip

    def _transition(self, request, service, **extra):
        serializer = TransitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if "reason" in extra:
            extra["reason"] = data["reason"]
        try:
            submission = service(
                actor=request.user, submission=self.get_object(), expected_version=data["version"], **extra
            )
        except DjangoValidationError as exc:
            raise as_drf_error(exc) from exc
        return Response(SubmissionSerializer(submission).data)

    @action(detail=True, methods=["post"], serializer_class=TransitionSerializer)
    def submit(self, request, pk=None):
        return self._transition(request, reporting.submission_submit)

    @action(detail=True, methods=["post"], serializer_class=TransitionSerializer)
    def approve(self, request, pk=None):
        return self._transition(request, reporting.submission_approve)

    @action(detail=True, methods=["post"], serializer_class=TransitionSerializer)
    def accept(self, request, pk=None):
        return self._transition(request, reporting.submission_accept)

    @action(detail=True, methods=["post"], url_path="return", url_name="return", serializer_class=TransitionSerializer)
    def return_(self, request, pk=None):
        return self._transition(request, reporting.submission_return, reason="")


urlpatterns: list = []


def register(router) -> None:
    """Register this module's viewsets on the /api/v1/ router."""
    router.register("reports", ReportViewSet, basename="report")
    router.register("submissions", SubmissionViewSet, basename="submission")

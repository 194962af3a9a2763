"""REST endpoints of meetings (`/api/v1/meetings/`): the meetings the caller may see, each with
its visits, attendees, decisions and the reviews of the units in the caller's scope (problems
nested, with the assignments they became).

Writes, through the same services as the pages: a supervisor records a meeting (POST), a unit's
review (`reviews/`) and a decision (`decisions/`), and turns a review problem or a decision into
an assignment in one step (`problems/<id>/assign/`, `decisions/<id>/assign/`; the answer is the
new assignment as `/api/v1/assignments/` shows it)."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from tuijin.core.params import as_drf_error
from tuijin.meetings import queries, services
from tuijin.meetings.models import Decision, Meeting, MeetingType, Review, ReviewProblem, Visit
from tuijin.orgs import policy
from tuijin.orgs.models import Unit, User
from tuijin.supervision import queries as supervision_queries
from tuijin.supervision.api import AssignmentSerializer
from tuijin.supervision.models import Cycle


class MeetingProblemSerializer(serializers.ModelSerializer):
    assignments = serializers.SerializerMethodField()

    class Meta:
        model = ReviewProblem
        fields = ["id", "order", "text", "assignments"]

    def get_assignments(self, obj) -> list[int]:
        return [a.pk for a in obj.assignments.all()]


class MeetingReviewSerializer(serializers.ModelSerializer):
    unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    problems = MeetingProblemSerializer(many=True, read_only=True)

    class Meta:
        model = Review
        fields = ["id", "unit", "highlights", "problems", "measures", "version"]


class MeetingDecisionSerializer(serializers.ModelSerializer):
    owner_unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    assignments = serializers.SerializerMethodField()

    class Meta:
        model = Decision
        fields = ["id", "order", "text", "owner_unit", "deadline", "assignments"]

    def get_assignments(self, obj) -> list[int]:
        return [a.pk for a in obj.assignments.all()]


class MeetingVisitSerializer(serializers.ModelSerializer):
    unit = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Visit
        fields = ["order", "unit", "site"]


class MeetingSerializer(serializers.ModelSerializer):
    organizer = serializers.SlugRelatedField(slug_field="code", read_only=True)
    chair = serializers.SlugRelatedField(slug_field="username", read_only=True)
    attending_units = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    attendees = serializers.SlugRelatedField(slug_field="username", many=True, read_only=True)
    visits = MeetingVisitSerializer(many=True, read_only=True)
    reviews = MeetingReviewSerializer(many=True, read_only=True, source="scoped_reviews")
    decisions = MeetingDecisionSerializer(many=True, read_only=True)

    class Meta:
        model = Meeting
        fields = ["id", "type", "title", "date", "place", "organizer", "chair", "attending_units", "attendees",
                  "agenda", "visits", "reviews", "decisions", "version"]  # fmt: skip


# --- input ---------------------------------------------------------------------------------------

UNITS = Unit.objects.all()
PEOPLE = User.objects.filter(is_active=True)


class MeetingVisitInputSerializer(serializers.Serializer):
    unit = serializers.SlugRelatedField(slug_field="code", queryset=UNITS)
    site = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)


class MeetingInputSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=MeetingType.choices)
    title = serializers.CharField(max_length=200)
    date = serializers.DateField()
    place = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)
    chair = serializers.SlugRelatedField(slug_field="username", queryset=PEOPLE, required=False, allow_null=True)
    attending_units = serializers.SlugRelatedField(slug_field="code", queryset=UNITS, many=True, required=False)
    attendees = serializers.SlugRelatedField(slug_field="username", queryset=PEOPLE, many=True, required=False)
    agenda = serializers.CharField(required=False, default="", allow_blank=True)
    visits = MeetingVisitInputSerializer(many=True, required=False, help_text="观摩路线，按观摩顺序")


class MeetingReviewInputSerializer(serializers.Serializer):
    unit = serializers.SlugRelatedField(slug_field="code", queryset=UNITS)
    highlights = serializers.CharField(required=False, default="", allow_blank=True)
    problems = serializers.ListField(child=serializers.CharField(), required=False, default=list,
                                     help_text="尚未转为督办的问题，每条一项；已转督办的问题保持不变")  # fmt: skip
    measures = serializers.CharField(required=False, default="", allow_blank=True)
    version = serializers.IntegerField(required=False, allow_null=True, help_text="0：该单位尚无点评")


class MeetingDecisionInputSerializer(serializers.Serializer):
    text = serializers.CharField()
    owner_unit = serializers.SlugRelatedField(slug_field="code", queryset=UNITS)
    deadline = serializers.DateField()


class MeetingConvertInputSerializer(serializers.Serializer):
    deadline = serializers.DateField(required=False, allow_null=True, help_text="议定事项缺省为其完成时限")
    title = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)
    leader = serializers.SlugRelatedField(slug_field="username", queryset=PEOPLE, required=False, allow_null=True)
    cycle = serializers.ChoiceField(choices=Cycle.choices, default=Cycle.MONTHLY)
    co_units = serializers.SlugRelatedField(slug_field="code", queryset=UNITS, many=True, required=False)
    on_task_list = serializers.BooleanField(default=False)
    responsibility = serializers.CharField(max_length=100, required=False, default="", allow_blank=True)


@extend_schema_view(
    list=extend_schema(
        parameters=[OpenApiParameter("type", str, enum=MeetingType.values), OpenApiParameter("year", int)]
    ),
    create=extend_schema(request=MeetingInputSerializer, responses={201: MeetingSerializer}),
)
class MeetingViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Meetings the caller may see, with reviews (of units in the caller's scope) and decisions."""

    permission_classes = [policy.PolicyPermission]
    version_exempt = {
        "decision": "adds a decision to the meeting",
        "problem_assign": "creates an assignment from a review problem",
        "decision_assign": "creates an assignment from a decision",
    }
    policy = {
        "list": "meeting.view", "retrieve": "meeting.view", "create": "meeting.manage", "review": "meeting.manage",
        "decision": "meeting.manage", "problem_assign": "assignment.manage", "decision_assign": "assignment.manage",
    }  # fmt: skip
    serializer_class = MeetingSerializer
    filter_backends = []
    queryset = Meeting.objects.none()

    def get_queryset(self):
        params = self.request.query_params
        year = params.get("year", "")
        type_ = params.get("type", "")
        qs = queries.meeting_list(
            self.request.user, type=type_ if type_ in MeetingType.values else "",
            year=int(year) if year.isdigit() else None,
        )  # fmt: skip
        return queries.with_api_data(qs, self.request.user)

    def _input(self, serializer_class) -> dict:
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def _meeting(self, pk, code=status.HTTP_200_OK) -> Response:
        meeting = queries.with_api_data(Meeting.objects.filter(pk=pk), self.request.user).get()
        return Response(MeetingSerializer(meeting).data, status=code)

    def create(self, request):
        data = self._input(MeetingInputSerializer)
        data["visits"] = [(v["unit"], v["site"]) for v in data.get("visits", ())]
        try:
            meeting = services.meeting_create(actor=request.user, **data)
        except DjangoValidationError as exc:
            raise as_drf_error(exc) from exc
        return self._meeting(meeting.pk, status.HTTP_201_CREATED)

    @extend_schema(request=MeetingReviewInputSerializer, responses=MeetingSerializer)
    @action(detail=True, methods=["post"], url_path="reviews")
    def review(self, request, pk=None):
        data = self._input(MeetingReviewInputSerializer)
        meeting = self.get_object()
        try:
            services.review_save(actor=request.user, meeting=meeting, expected_version=data.pop("version", None),
                                 **data)  # fmt: skip
        except DjangoValidationError as exc:
            raise as_drf_error(exc) from exc
        return self._meeting(meeting.pk)

    @extend_schema(request=MeetingDecisionInputSerializer, responses=MeetingSerializer)
    @action(detail=True, methods=["post"], url_path="decisions")
    def decision(self, request, pk=None):
        data = self._input(MeetingDecisionInputSerializer)
        meeting = self.get_object()
        try:
            services.decision_add(actor=request.user, meeting=meeting, **data)
        except DjangoValidationError as exc:
            raise as_drf_error(exc) from exc
        return self._meeting(meeting.pk, status.HTTP_201_CREATED)

    @extend_schema(request=MeetingConvertInputSerializer, responses={201: AssignmentSerializer})
    @action(detail=True, methods=["post"], url_path=r"problems/(?P<problem_id>[0-9]+)/assign")
    def problem_assign(self, request, pk=None, problem_id=None):
        data = self._input(MeetingConvertInputSerializer)
        problem = queries.problem_or_404(request.user, int(problem_id))
        if problem.review.meeting_id != self.get_object().pk:
            raise Http404
        return self._convert(services.review_problem_to_assignment, problem=problem, **data)

    @extend_schema(request=MeetingConvertInputSerializer, responses={201: AssignmentSerializer})
    @action(detail=True, methods=["post"], url_path=r"decisions/(?P<decision_id>[0-9]+)/assign")
    def decision_assign(self, request, pk=None, decision_id=None):
        data = self._input(MeetingConvertInputSerializer)
        decision = queries.decision_or_404(request.user, int(decision_id))
        if decision.meeting_id != self.get_object().pk:
            raise Http404
        return self._convert(services.decision_to_assignment, decision=decision, **data)

    def _convert(self, convert, **kwargs) -> Response:
        try:
            assignment = convert(actor=self.request.user, **kwargs)
        except DjangoValidationError as exc:
            raise as_drf_error(exc) from exc
        row = AssignmentSerializer(supervision_queries.annotated(assignment), context=self.get_serializer_context())
        return Response(row.data, status=status.HTTP_201_CREATED)


def register(router) -> None:
    router.register("meetings", MeetingViewSet, basename="meeting")


urlpatterns: list = []

"""REST endpoints of meetings (`/api/v1/meetings/`): the meetings the caller may see, each with
its visits, decisions and the reviews of the units in the caller's scope (problems nested, with
the assignments they became). Read-only: meetings are recorded on their pages."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets

from tuijin.core import policy
from tuijin.meetings import queries
from tuijin.meetings.models import Decision, Meeting, MeetingType, Review, ReviewProblem, Visit


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
    visits = MeetingVisitSerializer(many=True, read_only=True)
    reviews = MeetingReviewSerializer(many=True, read_only=True, source="scoped_reviews")
    decisions = MeetingDecisionSerializer(many=True, read_only=True)

    class Meta:
        model = Meeting
        fields = ["id", "type", "title", "date", "place", "organizer", "chair", "attending_units", "agenda",
                  "visits", "reviews", "decisions", "version"]  # fmt: skip


@extend_schema_view(
    list=extend_schema(
        parameters=[OpenApiParameter("type", str, enum=MeetingType.values), OpenApiParameter("year", int)]
    )
)
class MeetingViewSet(viewsets.ReadOnlyModelViewSet):
    """Meetings the caller may see, with reviews (of units in the caller's scope) and decisions."""

    permission_classes = [policy.PolicyPermission]
    policy = {"list": "meeting.view", "retrieve": "meeting.view"}
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


def register(router) -> None:
    router.register("meetings", MeetingViewSet, basename="meeting")


urlpatterns: list = []

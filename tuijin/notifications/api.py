"""The inbox over the API (消息中心): `GET /api/v1/inbox/`, one message, marking read."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from tuijin.notifications import kinds, queries, services
from tuijin.notifications.models import Notification
from tuijin.orgs import policy


class NotificationSerializer(serializers.ModelSerializer):
    kind_label = serializers.SerializerMethodField()
    unread = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "kind", "kind_label", "title", "body", "url", "created_at", "read_at", "done_at", "unread"]
        read_only_fields = fields

    def get_kind_label(self, obj) -> str:
        return kinds.label(obj.kind)

    def get_unread(self, obj) -> bool:
        return obj.read_at is None


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("status", str, enum=list(queries.STATUSES), description="all（默认）或 unread"),
            OpenApiParameter("kind", str, description="消息类别"),
        ]
    )
)
class InboxViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The caller's own inbox (消息中心), unread first; nobody reads another's. POST `{id}/read/`
    marks one read, POST `read-all/` all of them."""

    permission_classes = [policy.PolicyPermission]
    policy = {"list": policy.AUTHENTICATED, "retrieve": policy.AUTHENTICATED, "read": policy.AUTHENTICATED,
              "read_all": policy.AUTHENTICATED}  # fmt: skip
    # Reading a message sets its read time once (a conditional update): nothing to overwrite.
    version_exempt = {"read": "marks one's own message read, once; idempotent"}
    serializer_class = NotificationSerializer
    queryset = Notification.objects.none()  # for the schema; get_queryset scopes every request

    def get_queryset(self):
        params = self.request.query_params
        status = params.get("status", "all")
        return queries.inbox(self.request.user, status=status if status in queries.STATUSES else "all",
                             kind=params.get("kind", ""))  # fmt: skip

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        item = self.get_object()
        services.mark_read(user=request.user, notification=item)
        item.refresh_from_db()
        return Response(NotificationSerializer(item).data)

    @extend_schema(request=None, responses=inline_serializer("InboxReadAll", {"marked": serializers.IntegerField()}))
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        return Response({"marked": services.mark_all_read(user=request.user)})


def register(router) -> None:
    router.register("inbox", InboxViewSet, basename="inbox")

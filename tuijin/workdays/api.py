"""The deadline calculator over the API: `GET /api/v1/calendar/deadline/?start=YYYY-MM-DD&days=N&mode=natural|working`.

Answers `{"start", "days", "mode", "due"}` by China's working-day calendar (tuijin.workdays.workcalendar):
`natural` is the statutory rule (n natural days, a last day on a rest day moves to the next working
day), `working` counts n working days. A date in a year whose holidays nobody has entered is
refused with 400 and a message naming the year — a deadline is never guessed.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from tuijin.orgs import policy
from tuijin.workdays import workcalendar


class DeadlineQuerySerializer(serializers.Serializer):
    start = serializers.DateField(
        help_text="起算日期 YYYY-MM-DD（当日不计入）",
        error_messages={"required": _("请指定起算日期 start。"), "invalid": _("日期格式应为 YYYY-MM-DD。")},
    )
    days = serializers.IntegerField(
        min_value=0, max_value=workcalendar.MAX_DAYS, help_text="期限天数",
        error_messages={"required": _("请指定天数 days。"), "invalid": _("天数须为整数。"),
                        "min_value": _("天数须在 0 到 366 之间。"), "max_value": _("天数须在 0 到 366 之间。")},
    )  # fmt: skip
    mode = serializers.ChoiceField(
        choices=list(workcalendar.MODES), required=False, default="natural",
        help_text="natural：自然日（到期日遇休息日顺延）；working：工作日",
        error_messages={"invalid_choice": _("计算方式须为 natural（自然日）或 working（工作日）。")},
    )  # fmt: skip


class DeadlineSerializer(serializers.Serializer):
    start = serializers.DateField()
    days = serializers.IntegerField()
    mode = serializers.CharField()
    due = serializers.DateField()


class DeadlineView(APIView):
    permission_classes = [policy.PolicyPermission]
    policy = {"get": "calendar.view"}

    @extend_schema(parameters=[DeadlineQuerySerializer], responses=DeadlineSerializer, summary="按工作日历计算期限")
    def get(self, request):
        query = DeadlineQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        start, days, mode = (query.validated_data[k] for k in ("start", "days", "mode"))
        try:
            due = workcalendar.due_date(start, days, mode)
        except workcalendar.UnknownCalendarYear as exc:
            return Response({"detail": exc.messages[0], "year": exc.year}, status=400)
        except ValidationError as exc:
            return Response({"detail": exc.messages[0]}, status=400)
        return Response(DeadlineSerializer({"start": start, "days": days, "mode": mode, "due": due}).data)


urlpatterns = [path("calendar/deadline/", DeadlineView.as_view(), name="calendar-deadline")]

"""The API's serializers of the contact sheets: the sheet with its parts and timeline (output), and
one input serializer per write (the draft, and each transition's fields). They parse; the services
validate."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tuijin.indicators.models import KeyWork
from tuijin.liaison.models import AssignmentStatus, ContactSheet, EventKind, SheetAssignment, SheetEvent, SheetStatus
from tuijin.liaison.services.common import MAX_TEXT
from tuijin.orgs.models import Unit
from tuijin.projects.models import Project

# --- output --------------------------------------------------------------------------------


# Inline enums: several models have a `status`, and these sets need no shared component name.
@extend_schema_field({"type": "string", "enum": list(SheetStatus.values), "description": "联系单状态"})
class SheetStatusField(serializers.CharField):
    pass


@extend_schema_field({"type": "string", "enum": list(AssignmentStatus.values), "description": "承办状态"})
class PartStatusField(serializers.CharField):
    pass


@extend_schema_field({"type": "string", "enum": list(EventKind.values), "description": "办理事项"})
class EventKindField(serializers.CharField):
    pass


class SheetPartSerializer(serializers.ModelSerializer):
    department = serializers.SlugRelatedField(slug_field="code", read_only=True)
    status = PartStatusField(read_only=True)

    class Meta:
        model = SheetAssignment
        fields = ["id", "department", "status", "received_on", "due_on", "answered_on", "answer", "promised_on",
                  "resolved_on", "result", "reason", "previous", "version"]  # fmt: skip
        read_only_fields = fields


class SheetEventSerializer(serializers.ModelSerializer):
    actor = serializers.SlugRelatedField(slug_field="username", read_only=True)
    department = serializers.SlugRelatedField(source="assignment.department", slug_field="code", read_only=True)
    kind = EventKindField(read_only=True)

    class Meta:
        model = SheetEvent
        fields = ["kind", "at", "actor", "department", "text", "data"]
        read_only_fields = fields


class SheetSerializer(serializers.ModelSerializer):
    sender_unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    author = serializers.SlugRelatedField(slug_field="username", read_only=True)
    project = serializers.SlugRelatedField(slug_field="code", read_only=True)
    key_work = serializers.SlugRelatedField(slug_field="code", read_only=True)
    departments = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    copies = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    escalated_to = serializers.SlugRelatedField(slug_field="username", many=True, read_only=True)
    assignments = SheetPartSerializer(many=True, read_only=True)
    overdue = serializers.BooleanField(source="is_overdue", read_only=True, help_text="是否有承办部门逾期")
    status = SheetStatusField(read_only=True)
    events = SheetEventSerializer(many=True, read_only=True, help_text="办理记录（时间线）")
    supervision_assignments = serializers.SerializerMethodField(
        help_text="由本联系单（会议决定）交办的督办事项 id（/api/v1/assignments/{id}/）"
    )

    class Meta:
        model = ContactSheet
        fields = ["id", "number", "title", "problem", "request", "sender_unit", "author", "project", "key_work",
                  "departments", "copies", "status", "sent_on", "resolved_on", "confirmed_on", "overdue",
                  "escalated_at", "escalated_to", "escalation_reason", "agenda_at", "agenda_note", "decision",
                  "decided_on", "supervision_assignments", "assignments", "events", "version"]  # fmt: skip
        read_only_fields = fields

    def get_supervision_assignments(self, sheet: ContactSheet) -> list[int]:
        # Looked up for the whole page at once by the viewset (`get_serializer`).
        return self.context.get("supervision", {}).get(sheet.pk, [])


# --- input ---------------------------------------------------------------------------------


class SheetInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    problem = serializers.CharField(max_length=MAX_TEXT)
    request = serializers.CharField(max_length=MAX_TEXT, help_text="需协调解决的事项")
    departments = serializers.SlugRelatedField(
        slug_field="code", many=True, queryset=Unit.objects.all(), required=False, help_text="承办部门编码"
    )
    copies = serializers.SlugRelatedField(
        slug_field="code", many=True, queryset=Unit.objects.all(), required=False, help_text="抄送单位编码"
    )
    project = serializers.SlugRelatedField(
        slug_field="code", queryset=Project.objects.all(), required=False, allow_null=True, help_text="项目编号"
    )
    key_work = serializers.SlugRelatedField(
        slug_field="code", queryset=KeyWork.objects.all(), required=False, allow_null=True, help_text="重点工作编码"
    )
    version = serializers.IntegerField(required=False, allow_null=True, default=None)


class SheetVersionSerializer(serializers.Serializer):
    version = serializers.IntegerField(required=False, allow_null=True, default=None, help_text="联系单的版本号")


class SheetNoteSerializer(SheetVersionSerializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=MAX_TEXT)


class SheetReasonSerializer(SheetVersionSerializer):
    reason = serializers.CharField(max_length=MAX_TEXT)


class SheetInstructSerializer(SheetVersionSerializer):
    text = serializers.CharField(max_length=MAX_TEXT, help_text="批示内容")


class SheetDecisionSerializer(SheetVersionSerializer):
    decision = serializers.CharField(max_length=MAX_TEXT, help_text="市长办公会议决定")
    decided_on = serializers.DateField(required=False, allow_null=True, default=None)
    to_assignment = serializers.BooleanField(required=False, default=False, help_text="是否转为督办事项")
    owner_unit = serializers.SlugRelatedField(
        slug_field="code", queryset=Unit.objects.filter(is_active=True), required=False, allow_null=True,
        default=None, help_text="督办事项的牵头单位编码",
    )  # fmt: skip
    co_units = serializers.SlugRelatedField(
        slug_field="code", many=True, queryset=Unit.objects.filter(is_active=True), required=False, default=list,
        help_text="督办事项的配合单位编码",
    )  # fmt: skip
    deadline = serializers.DateField(required=False, allow_null=True, default=None, help_text="督办事项的办结时限")


class SheetPartActionSerializer(serializers.Serializer):
    department = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="承办部门编码（默认：调用者所在单位）"
    )
    version = serializers.IntegerField(required=False, allow_null=True, default=None, help_text="该承办事项的版本号")


class SheetAcceptSerializer(SheetPartActionSerializer):
    answer = serializers.CharField(max_length=MAX_TEXT, help_text="受理意见")
    promised_on = serializers.DateField(help_text="承诺办结日期（不早于答复日期）")


class SheetTransferSerializer(SheetPartActionSerializer):
    to_department = serializers.SlugRelatedField(slug_field="code", queryset=Unit.objects.all())
    reason = serializers.CharField(max_length=MAX_TEXT)


class SheetReturnSerializer(SheetPartActionSerializer):
    reason = serializers.CharField(max_length=MAX_TEXT)


class SheetResolveSerializer(SheetPartActionSerializer):
    result = serializers.CharField(max_length=MAX_TEXT, help_text="办理结果")


class SheetReassignSerializer(SheetTransferSerializer):
    department = serializers.CharField(help_text="被改派的承办部门编码")

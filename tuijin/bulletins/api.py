"""Bulletins over the API: `/api/v1/bulletins/`.

- GET list / retrieve: the bulletins the caller may see (published ones published to them or in
  their view, drafts to supervisors), each with its status and download links. Retrieving a
  published bulletin, or downloading its files, records the caller as a reader (as the page does).
- POST (create): draft a bulletin for a period and scope. PATCH `{id}/blocks/{key}/`: edit one
  paragraph of a draft (text + the block's version). POST `{id}/publish/` (with the bulletin's
  version), POST `{id}/new_version/` (a correction). GET `{id}/docx/`, `{id}/pdf/`: the files (a
  published bulletin's stored bytes). GET `{id}/versions/`: the versions of its series, with changes.
Writes go through `services` (policy, validation, audit); a bulletin outside the caller's view is 404.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from tuijin.bulletins import queries, services, views
from tuijin.bulletins.models import Block, Bulletin, PeriodType
from tuijin.core.params import as_drf_error
from tuijin.orgs import policy
from tuijin.orgs.models import Unit


class LinksSerializer(serializers.Serializer):
    web = serializers.CharField()
    docx = serializers.CharField()
    pdf = serializers.CharField()


@extend_schema_field({"type": "string", "description": "draft（草稿）或 published（已发布）"})
class StatusField(serializers.CharField):
    """The bulletin's status as a described string: drf-spectacular hoists any enum into a component
    named after the field, which collides with the other apps' "status" enums of the same values."""


class BulletinSerializer(serializers.ModelSerializer):
    status = StatusField(read_only=True)
    scope = serializers.SlugRelatedField(source="scope_unit", slug_field="code", read_only=True, allow_null=True)
    links = serializers.SerializerMethodField()

    class Meta:
        model = Bulletin
        fields = ["id", "title", "period_type", "year", "period", "scope", "selection", "number", "status", "version",
                  "published_at", "docx_sha256", "pdf_sha256", "changes", "links"]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(LinksSerializer)
    def get_links(self, obj: Bulletin) -> dict:
        request = self.context.get("request")
        urls = {
            "web": reverse("bulletins:detail", args=[obj.pk]),
            "docx": reverse("bulletin-docx", args=[obj.pk]),
            "pdf": reverse("bulletin-pdf", args=[obj.pk]),
        }
        return {k: request.build_absolute_uri(u) if request else u for k, u in urls.items()}


class BulletinDetailSerializer(BulletinSerializer):
    document = serializers.SerializerMethodField(help_text="标题、段落（含段落 key）、表格与图表（已发布：发布快照）")

    class Meta(BulletinSerializer.Meta):
        fields = [*BulletinSerializer.Meta.fields, "document"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_document(self, obj: Bulletin) -> dict:
        return services.resolved(obj)


class CreateSerializer(serializers.Serializer):
    period_type = serializers.ChoiceField(choices=PeriodType.choices)
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    period = serializers.IntegerField(min_value=1, max_value=12, help_text="月份（1–12）或季度（1–4）")
    scope = serializers.SlugRelatedField(
        slug_field="code", queryset=Unit.objects.all(), required=False, allow_null=True, help_text="单位编码；空为全部"
    )
    indicators = serializers.ListField(child=serializers.CharField(), required=False, help_text="指标编码；空为全部")
    groups = serializers.ListField(child=serializers.CharField(), required=False, help_text="排名组编码；空为全部")


class VersionSerializer(serializers.Serializer):
    version = serializers.IntegerField(required=False, allow_null=True, default=None)


class BlockSerializer(serializers.ModelSerializer):
    class Meta:
        model = Block
        fields = ["key", "generated", "text", "version", "edited_at"]
        read_only_fields = ["key", "generated", "edited_at"]


class BlockInputSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=services.MAX_TEXT)
    version = serializers.IntegerField(required=False, allow_null=True, default=None)


class BulletinViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                      viewsets.GenericViewSet):  # fmt: skip
    permission_classes = [policy.PolicyPermission]
    version_exempt = {"new_version": "creates the correction as a new draft; the published one is unchanged"}
    policy = {
        "list": "bulletin.view", "retrieve": "bulletin.view", "docx": "bulletin.view", "pdf": "bulletin.view",
        "versions": "bulletin.view", "create": "bulletin.manage", "block": "bulletin.manage",
        "publish": "bulletin.manage", "new_version": "bulletin.manage",
    }  # fmt: skip
    serializer_class = BulletinSerializer
    queryset = Bulletin.objects.none()

    def get_queryset(self):
        return queries.listing(self.request.user)

    def get_serializer_class(self):
        return BulletinDetailSerializer if self.action == "retrieve" else BulletinSerializer

    def retrieve(self, request, pk=None):
        """The bulletin with its document; reading a published one over the API is a reading too."""
        bulletin = self.get_object()
        services.bulletin_record_read(user=request.user, bulletin=bulletin)
        return Response(BulletinDetailSerializer(bulletin, context={"request": request}).data)

    @extend_schema(request=CreateSerializer, responses={201: BulletinSerializer})
    def create(self, request):
        data = CreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        try:  # a scope outside the caller's view is refused by the service (403)
            bulletin = services.bulletin_create(
                actor=request.user, period_type=v["period_type"], year=v["year"], period=v["period"],
                scope_unit=v.get("scope"), indicators=v.get("indicators", ()), groups=v.get("groups", ()),
            )  # fmt: skip
        except DjangoValidationError as exc:
            raise as_drf_error(exc) from exc
        return Response(BulletinSerializer(bulletin, context={"request": request}).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=BlockInputSerializer, responses=BlockSerializer)
    @action(detail=True, methods=["patch"], url_path=r"blocks/(?P<key>[^/]+)")
    def block(self, request, pk=None, key=None):
        bulletin = self.get_object()
        block = get_object_or_404(Block, bulletin=bulletin, key=key)
        data = BlockInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            block = services.block_edit(actor=request.user, block=block, text=data.validated_data["text"],
                                        expected_version=data.validated_data["version"])  # fmt: skip
        except DjangoValidationError as exc:
            raise as_drf_error(exc) from exc
        return Response(BlockSerializer(block).data)

    @extend_schema(request=VersionSerializer, responses=BulletinSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        bulletin = self.get_object()
        data = VersionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            bulletin = services.bulletin_publish(actor=request.user, bulletin=bulletin,
                                                 expected_version=data.validated_data["version"])  # fmt: skip
        except DjangoValidationError as exc:
            raise as_drf_error(exc) from exc
        return Response(BulletinSerializer(bulletin, context={"request": request}).data)

    @extend_schema(request=None, responses={201: BulletinSerializer})
    @action(detail=True, methods=["post"])
    def new_version(self, request, pk=None):
        try:
            bulletin = services.bulletin_new_version(actor=request.user, previous=self.get_object())
        except DjangoValidationError as exc:
            raise as_drf_error(exc) from exc
        return Response(BulletinSerializer(bulletin, context={"request": request}).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={(200, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"): bytes})
    @action(detail=True, methods=["get"])
    def docx(self, request, pk=None):
        return views.download(self.get_object(), "docx", request.user)

    @extend_schema(responses={(200, "application/pdf"): bytes})
    @action(detail=True, methods=["get"])
    def pdf(self, request, pk=None):
        return views.download(self.get_object(), "pdf", request.user)

    @extend_schema(responses=BulletinSerializer(many=True))
    @action(detail=True, methods=["get"])
    def versions(self, request, pk=None):
        bulletin = self.get_object()
        rows = queries.versions(bulletin).filter(pk__in=self.get_queryset().values("pk"))
        return Response(BulletinSerializer(rows, many=True, context={"request": request}).data)


def register(router) -> None:
    router.register("bulletins", BulletinViewSet, basename="bulletin")


urlpatterns: list = []

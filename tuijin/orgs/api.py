"""REST endpoints for units, ranking groups and users (`/api/v1/`). Writes call the services."""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from tuijin.core.params import as_drf_error
from tuijin.orgs import policy, queries, services, tokens
from tuijin.orgs.models import ApiToken, RankingGroup, Role, Unit, UnitType, User


class UnitSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True)
    type_display = serializers.CharField(source="get_type_display", read_only=True)
    ranking_groups = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = Unit
        fields = ["code", "name", "short_name", "type", "type_display", "parent", "depth", "sort_order",
                  "is_active", "ranking_groups", "version"]  # fmt: skip


class UnitInputSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=32)
    name = serializers.CharField(max_length=100)
    short_name = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    type = serializers.ChoiceField(choices=UnitType.choices)
    parent = serializers.SlugRelatedField(slug_field="code", queryset=Unit.objects.all(), allow_null=True)
    sort_order = serializers.IntegerField(min_value=0, required=False, default=0)
    is_active = serializers.BooleanField(required=False, default=True)
    ranking_groups = serializers.SlugRelatedField(
        slug_field="code", queryset=RankingGroup.objects.all(), many=True, required=False, default=list
    )
    version = serializers.IntegerField(required=False, allow_null=True, default=None)


class UnitViewSet(viewsets.ModelViewSet):
    """Units in the caller's scope, addressed by code. Creating, changing and moving: sysadmin."""

    permission_classes = [policy.PolicyPermission]
    policy = {
        "list": "unit.view", "retrieve": "unit.view",
        "create": "unit.manage", "update": "unit.manage", "partial_update": "unit.manage", "destroy": "unit.manage",
    }  # fmt: skip
    serializer_class = UnitSerializer
    lookup_field = "code"
    filterset_fields = ["type", "is_active"]

    def get_queryset(self):
        return queries.units_for(self.request.user).select_related("parent")

    def create(self, request):
        data = self._input(request)
        data.pop("is_active"), data.pop("version")
        try:
            unit = services.unit_create(actor=request.user, **data)
        except DjangoValidationError as exc:
            raise as_drf_error(exc) from exc
        return Response(UnitSerializer(unit).data, status=status.HTTP_201_CREATED)

    def update(self, request, code=None, partial=False):
        unit = self.get_object()
        data = self._input(request, partial=partial)
        try:
            unit = services.unit_update(
                actor=request.user, unit=unit, expected_version=data.pop("version", None), **data
            )
        except DjangoValidationError as exc:
            raise as_drf_error(exc) from exc
        return Response(UnitSerializer(unit).data)

    def destroy(self, request, code=None):
        try:
            services.unit_delete(
                actor=request.user, unit=self.get_object(), expected_version=request.data.get("version")
            )
        except DjangoValidationError as exc:
            raise as_drf_error(exc) from exc
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _input(self, request, partial=False) -> dict:
        serializer = UnitInputSerializer(data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)


class RankingGroupSerializer(serializers.ModelSerializer):
    units = serializers.SlugRelatedField(slug_field="code", many=True, queryset=Unit.objects.all(), required=False)

    class Meta:
        model = RankingGroup
        fields = ["code", "name", "description", "sort_order", "units", "version"]
        read_only_fields = ["version"]
        extra_kwargs = {"code": {"validators": []}}


class RankingGroupViewSet(viewsets.ModelViewSet):
    permission_classes = [policy.PolicyPermission]
    policy = {
        "list": "group.view", "retrieve": "group.view",
        "create": "group.manage", "update": "group.manage", "partial_update": "group.manage", "destroy": "group.manage",
    }  # fmt: skip
    serializer_class = RankingGroupSerializer
    lookup_field = "code"

    def get_queryset(self):
        return queries.groups_for(self.request.user).prefetch_related("units")

    def create(self, request):
        serializer = RankingGroupSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            group = services.group_create(actor=request.user, **serializer.validated_data)
        except DjangoValidationError as exc:
            raise as_drf_error(exc) from exc
        return Response(RankingGroupSerializer(group).data, status=status.HTTP_201_CREATED)

    def update(self, request, code=None, partial=False):
        group = self.get_object()
        serializer = RankingGroupSerializer(group, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        try:
            group = services.group_update(
                actor=request.user, group=group, expected_version=request.data.get("version"), **data
            )
        except DjangoValidationError as exc:
            raise as_drf_error(exc) from exc
        return Response(RankingGroupSerializer(group).data)

    def destroy(self, request, code=None):
        services.group_delete(actor=request.user, group=self.get_object(), expected_version=request.data.get("version"))
        return Response(status=status.HTTP_204_NO_CONTENT)


class UserSerializer(serializers.ModelSerializer):
    unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    roles = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["username", "full_name", "unit", "title", "phone", "email", "is_active", "must_change_password",
                  "roles", "version"]  # fmt: skip

    def get_roles(self, obj) -> list[str]:
        return sorted(obj.roles)


class UserInputSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    full_name = serializers.CharField(max_length=50)
    unit = serializers.SlugRelatedField(slug_field="code", queryset=Unit.objects.all(), allow_null=True)
    title = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    password = serializers.CharField(write_only=True)


class RolesInputSerializer(serializers.Serializer):
    roles = serializers.ListField(child=serializers.ChoiceField(choices=Role.choices), allow_empty=True)
    # The account's unit is its data scope; omitted: unchanged.
    unit = serializers.SlugRelatedField(slug_field="code", queryset=Unit.objects.all(), allow_null=True, required=False)
    version = serializers.IntegerField(help_text="读取时账号的 version")


class UserViewSet(viewsets.ReadOnlyModelViewSet):
    """Accounts (sysadmin creates, secadmin sets roles and units). Business users have no access."""

    permission_classes = [policy.PolicyPermission]
    policy = {"list": "user.view", "retrieve": "user.view", "create": "user.manage", "roles": "role.assign"}
    serializer_class = UserSerializer
    lookup_field = "username"

    def get_queryset(self):
        return queries.users_for(self.request.user)

    def create(self, request):
        serializer = UserInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            user = services.user_create(actor=request.user, **serializer.validated_data)
        except DjangoValidationError as exc:
            raise as_drf_error(exc) from exc
        return Response(UserSerializer(user).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["put"], serializer_class=RolesInputSerializer)
    def roles(self, request, username=None):
        serializer = RolesInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            user = services.roles_set(
                actor=request.user, user=self.get_object(), roles=data["roles"],
                unit=data.get("unit", services.UNCHANGED), expected_version=data["version"],
            )  # fmt: skip
        except DjangoValidationError as exc:
            raise as_drf_error(exc) from exc
        return Response(UserSerializer(user).data)


class ApiTokenSerializer(serializers.ModelSerializer):
    user = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = ApiToken
        fields = ["id", "user", "name", "prefix", "created_at", "expires_at", "last_used_at", "revoked_at",
                  "revoke_reason"]  # fmt: skip
        read_only_fields = fields


@extend_schema_view(
    list=extend_schema(parameters=[OpenApiParameter("user", str, description="用户名（仅安全管理员）")])
)
class ApiTokenViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """API tokens (never their secrets): the caller's own; the security administrator's view is
    every account's (?user=). DELETE revokes (audited); a new token comes from POST auth/token/."""

    permission_classes = [policy.PolicyPermission]
    policy = {"list": policy.AUTHENTICATED, "retrieve": policy.AUTHENTICATED, "destroy": policy.AUTHENTICATED}
    version_exempt = {"destroy": "撤销只把令牌作废：令牌没有可改的内容和版本号，重复撤销不改变任何东西。"}
    serializer_class = ApiTokenSerializer
    queryset = ApiToken.objects.none()  # for the schema; get_queryset scopes every request

    def get_queryset(self):
        user = self.request.user
        qs = ApiToken.objects.select_related("user")
        if not policy.is_active_user(user):
            return qs.none()
        if not policy.allows(user, "token.manage"):
            return qs.filter(user=user)
        if self.request.query_params.get("user"):
            qs = qs.filter(user__username=self.request.query_params["user"])
        return qs

    def destroy(self, request, pk=None):
        token = tokens.token_revoke(actor=request.user, token=self.get_object())
        return Response(ApiTokenSerializer(token).data)

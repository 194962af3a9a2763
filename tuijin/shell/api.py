"""The site's API pages: the token endpoint and the OpenAPI schema and docs."""

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema, inline_serializer
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from tuijin.core import parsers
from tuijin.orgs import policy, tokens


class TokenInputSerializer(AuthTokenSerializer):
    name = serializers.CharField(max_length=50, required=False, allow_blank=True, help_text="令牌名称（用途）")


class TokenView(ObtainAuthToken):
    """POST username and password (and a name), get a new token; send it as `Authorization: Token …`.

    Each call issues a new token, valid TUIJIN_API_TOKEN_DAYS days: the secret is in this answer
    only (the server keeps its hash). Failed attempts count toward the same lockout as the login
    page (django-axes); a token handed out is audited like a login. An account with two-factor
    login (required or switched on) is refused here (403): it creates tokens on the web page
    "我的 API 令牌" after the second factor.
    """

    # ObtainAuthToken names DRF's own parsers; ours refuse control characters before axes sees them.
    parser_classes = (parsers.FormParser, parsers.MultiPartParser, parsers.JSONParser)

    serializer_class = TokenInputSerializer

    @extend_schema(
        request=TokenInputSerializer,
        responses=inline_serializer(
            "IssuedToken",
            {"token": serializers.CharField(), "id": serializers.IntegerField(), "name": serializers.CharField(),
             "expires_at": serializers.DateTimeField()},
        ),
    )  # fmt: skip
    def post(self, request, *args, **kwargs):
        serializer = self.serializer_class(data=request.data, context={"request": request})
        if not serializer.is_valid():
            if getattr(request, "axes_locked_out", False):  # set by django-axes on this request
                from tuijin.orgs.lockout import lockout_response

                return lockout_response(request)
            raise ValidationError(serializer.errors)
        user = serializer.validated_data["user"]
        try:
            token, key = tokens.token_issue(
                user=user, name=serializer.validated_data.get("name", ""), via_password=True
            )
        except DjangoValidationError as exc:
            raise ValidationError({"detail": exc.messages}) from exc
        return Response({"token": key, "id": token.pk, "name": token.name, "expires_at": token.expires_at})


class SchemaView(SpectacularAPIView):
    """The OpenAPI schema, for a signed-in browser or an API client with its token."""

    permission_classes = [policy.PolicyPermission]
    policy = {"get": policy.AUTHENTICATED}


token = policy.public(TokenView.as_view())
# DRF authenticates (session or token) and PolicyPermission refuses anonymous callers; Django's
# LoginRequiredMiddleware would see a token request as anonymous and redirect it.
schema = login_not_required(SchemaView.as_view())
docs = policy.permission(policy.AUTHENTICATED)(SpectacularSwaggerSplitView.as_view(url_name="api-schema"))

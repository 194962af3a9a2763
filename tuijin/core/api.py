"""API plumbing shared by all apps: the token endpoint and the schema/docs views."""

from django.db import transaction
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from tuijin.audit.models import AuditAction
from tuijin.audit.services import record
from tuijin.core import parsers, policy


class TokenView(ObtainAuthToken):
    """POST username and password, get {"token": "…"}; send it as `Authorization: Token …`.

    Failed attempts count toward the same lockout as the login page (django-axes); a token
    handed out is audited like a login.
    """

    # ObtainAuthToken names DRF's own parsers; ours refuse control characters before axes sees them.
    parser_classes = (parsers.FormParser, parsers.MultiPartParser, parsers.JSONParser)

    def post(self, request, *args, **kwargs):
        serializer = self.serializer_class(data=request.data, context={"request": request})
        if not serializer.is_valid():
            if getattr(request, "axes_locked_out", False):  # set by django-axes on this request
                from tuijin.orgs.lockout import lockout_response

                return lockout_response(request)
            raise ValidationError(serializer.errors)
        user = serializer.validated_data["user"]
        with transaction.atomic():
            token, _created = Token.objects.get_or_create(user=user)
            record(actor=user, action=AuditAction.LOGIN, obj=user, note="API token")
        return Response({"token": token.key})


token = policy.public(TokenView.as_view())
schema = policy.permission(policy.AUTHENTICATED)(SpectacularAPIView.as_view())
docs = policy.permission(policy.AUTHENTICATED)(SpectacularSwaggerSplitView.as_view(url_name="api-schema"))


def open_to_drf(urlpatterns: list) -> list:
    """Let DRF authenticate API requests itself (session or token).

    Django's LoginRequiredMiddleware runs before DRF and sees token requests as anonymous;
    API views are exempt from it because PolicyPermission refuses anonymous callers anyway.
    """
    for pattern in urlpatterns:
        if hasattr(pattern, "url_patterns"):
            open_to_drf(pattern.url_patterns)
        else:
            pattern.callback.login_required = False
    return urlpatterns

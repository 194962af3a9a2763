"""API plumbing shared by all apps: the token endpoint and the schema/docs views."""

from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.authtoken.views import ObtainAuthToken

from tuijin.core import policy


class TokenView(ObtainAuthToken):
    """POST username and password, get {"token": "…"}; send it as `Authorization: Token …`.

    Failed attempts count toward the same lockout as the login page (django-axes).
    """


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

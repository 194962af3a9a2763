"""Pages of the bulletins app (patterns in `views`)."""

from tuijin.bulletins.views import app_name, urlpatterns

__all__ = ["app_name", "urlpatterns"]

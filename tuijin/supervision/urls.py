"""Pages of the supervision app (`supervision:`)."""

from tuijin.supervision.views import app_name, urlpatterns

__all__ = ["app_name", "urlpatterns"]

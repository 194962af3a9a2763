"""Pages of the meetings app (`meetings:`)."""

from tuijin.meetings.views import app_name, urlpatterns

__all__ = ["app_name", "urlpatterns"]

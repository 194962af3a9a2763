"""(being written in this session)"""

urlpatterns: list = []


def register(router) -> None:
    """Register this module's viewsets on the /api/v1/ router."""

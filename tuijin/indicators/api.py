"""API of the indicators app: each module registers its own viewsets and paths."""

from tuijin.indicators import api_analytics, api_config, api_reporting


def register(router) -> None:
    for module in (api_config, api_reporting, api_analytics):
        module.register(router)


urlpatterns = [*api_config.urlpatterns, *api_reporting.urlpatterns, *api_analytics.urlpatterns]

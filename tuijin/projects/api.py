"""API of the projects app: each module registers its own viewsets and paths."""

from tuijin.projects import api_catalogue, api_library, api_progress, api_stats


def register(router) -> None:
    for module in (api_library, api_progress, api_stats, api_catalogue):
        module.register(router)


urlpatterns = [*api_library.urlpatterns, *api_progress.urlpatterns, *api_stats.urlpatterns, *api_catalogue.urlpatterns]

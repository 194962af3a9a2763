"""Pages of the projects app; each page module owns its own patterns."""

from tuijin.projects import views_catalogue, views_import, views_library, views_progress, views_stats

app_name = "projects"
urlpatterns = [
    *views_library.urlpatterns,
    *views_catalogue.urlpatterns,
    *views_import.urlpatterns,
    *views_progress.urlpatterns,
    *views_stats.urlpatterns,
]

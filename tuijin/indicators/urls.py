"""Pages of the indicators app; each page module owns its own patterns."""

from tuijin.indicators import views_analytics, views_config, views_corrections, views_reporting

app_name = "indicators"
urlpatterns = [
    *views_config.urlpatterns,
    *views_reporting.urlpatterns,
    *views_corrections.urlpatterns,
    *views_analytics.urlpatterns,
]

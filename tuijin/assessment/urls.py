"""Pages of the assessment app; each page module owns its own patterns."""

from tuijin.assessment import views_results, views_schemes

app_name = "assessment"
urlpatterns = [*views_schemes.urlpatterns, *views_results.urlpatterns]

"""Pages of the contact sheets; each page module owns its own patterns."""

from tuijin.liaison import views_lists, views_sheet

app_name = "liaison"
urlpatterns = [*views_lists.urlpatterns, *views_sheet.urlpatterns]

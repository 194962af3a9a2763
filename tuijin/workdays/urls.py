"""The calendar's pages. No namespace of their own: tuijin.notifications mounts these under
/notifications/ in its namespace, where they have always been (`notifications:calendar`…)."""

from django.urls import path

from tuijin.workdays import views

urlpatterns = [
    path("calendar/", views.calendar, name="calendar"),
    path("calendar/<int:year>/", views.calendar_year, name="calendar_year"),
    path("calendar/days/<int:pk>/delete/", views.day_delete, name="calendar_day_delete"),
]

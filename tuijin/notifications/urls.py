from django.urls import path

from tuijin.notifications import views, views_calendar

app_name = "notifications"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("read-all/", views.mark_all_read, name="mark_all_read"),
    path("<int:pk>/read/", views.mark_read, name="mark_read"),
    path("<int:pk>/open/", views.open_item, name="open"),
    path("channels/", views.channels, name="channels"),
    path("channels/<str:code>/", views.channel_edit, name="channel_edit"),
    path("channels/<str:code>/test/", views.channel_test, name="channel_test"),
    path("channels/<str:code>/delete/", views.channel_delete, name="channel_delete"),
    path("calendar/", views_calendar.calendar, name="calendar"),
    path("calendar/<int:year>/", views_calendar.calendar_year, name="calendar_year"),
    path("calendar/days/<int:pk>/delete/", views_calendar.day_delete, name="calendar_day_delete"),
]

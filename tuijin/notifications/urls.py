from django.urls import path

from tuijin.notifications import views
from tuijin.workdays import urls as workdays_urls

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
    *workdays_urls.urlpatterns,  # 节假日设置: the working-day calendar's pages, kept at /notifications/calendar/
]

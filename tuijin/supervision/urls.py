"""Pages of the supervision app (`supervision:`)."""

from django.urls import path

from tuijin.supervision import views, views_item

app_name = "supervision"
urlpatterns = [
    path("", views.assignment_list, name="list"),
    path("counts/", views.assignment_counts, name="counts"),
    path("mine/", views.my_assignments, name="mine"),
    path("task-list/", views.task_list, name="task_list"),
    path("new/", views_item.assignment_create, name="create"),
    path("<int:pk>/", views_item.assignment_detail, name="detail"),
    path("<int:pk>/edit/", views_item.assignment_edit, name="edit"),
    path("<int:pk>/notice/", views_item.notice, name="notice"),
    path("<int:pk>/progress/", views_item.progress_post, name="progress_post"),
    path("<int:pk>/closeout/", views_item.closeout_request, name="closeout_request"),
    path("<int:pk>/closeout/approve/", views_item.closeout_approve, name="closeout_approve"),
    path("<int:pk>/closeout/return/", views_item.closeout_return, name="closeout_return"),
    path("<int:pk>/extension/", views_item.extension_request, name="extension_request"),
    path("extensions/<int:pk>/grant/", views_item.extension_grant, name="extension_grant"),
    path("extensions/<int:pk>/refuse/", views_item.extension_refuse, name="extension_refuse"),
    path("files/<int:pk>/", views_item.attachment_download, name="attachment"),
]

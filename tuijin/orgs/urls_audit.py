from django.urls import path

from tuijin.orgs import views_audit as views

app_name = "audit"  # the auditor's pages keep their URLs and names (/audit/, audit:event_list)
urlpatterns = [
    path("", views.event_list, name="event_list"),
    path("<int:pk>/", views.event_detail, name="event_detail"),
    path("verify/", views.chain_verify, name="chain_verify"),
]

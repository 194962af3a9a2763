from django.urls import path

from tuijin.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.event_list, name="event_list"),
    path("<int:pk>/", views.event_detail, name="event_detail"),
    path("verify/", views.chain_verify, name="chain_verify"),
]

from django.urls import path

from tuijin.orgs import views, views_tokens, views_twofactor

app_name = "orgs"
urlpatterns = [
    path("units/", views.unit_list, name="unit_list"),
    path("units/new/", views.unit_create, name="unit_create"),
    path("units/<str:code>/", views.unit_edit, name="unit_edit"),
    path("units/<str:code>/delete/", views.unit_delete, name="unit_delete"),
    path("groups/", views.group_list, name="group_list"),
    path("groups/new/", views.group_create, name="group_create"),
    path("groups/<str:code>/", views.group_edit, name="group_edit"),
    path("users/", views.user_list, name="user_list"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/<str:username>/", views.user_edit, name="user_edit"),
    path("users/<str:username>/password/", views.user_reset_password, name="user_reset_password"),
    path("users/<str:username>/roles/", views.user_roles, name="user_roles"),
    path("users/<str:username>/two-factor/reset/", views_twofactor.user_reset, name="user_two_factor_reset"),
    path("lockouts/", views.lockouts, name="lockouts"),
    path("lockouts/release/", views.lockout_release, name="lockout_release"),
    path("admin-resets/", views.admin_resets, name="admin_resets"),
    path("admin-resets/<int:pk>/approve/", views.admin_reset_approve, name="admin_reset_approve"),
    path("admin-resets/<int:pk>/reject/", views.admin_reset_reject, name="admin_reset_reject"),
    path("users/<str:username>/tokens/", views_tokens.user_tokens, name="user_tokens"),
    path("users/<str:username>/tokens/<int:pk>/revoke/", views_tokens.user_token_revoke, name="user_token_revoke"),
]

from django.conf import settings
from django.urls import include, path
from rest_framework.routers import DefaultRouter

from tuijin.assessment import api as assessment_api
from tuijin.bulletins import api as bulletins_api
from tuijin.core import health
from tuijin.core.api import open_to_drf
from tuijin.indicators import api as indicators_api
from tuijin.liaison import api as liaison_api
from tuijin.meetings import api as meetings_api
from tuijin.notifications import api as notifications_api
from tuijin.orgs import api as orgs_api
from tuijin.orgs import policy, views_tokens, views_twofactor
from tuijin.projects import api as projects_api
from tuijin.shell import api as shell_api
from tuijin.shell import views as shell_views
from tuijin.supervision import api as supervision_api
from tuijin.workdays import api as workdays_api

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("units", orgs_api.UnitViewSet, basename="unit")
router.register("ranking-groups", orgs_api.RankingGroupViewSet, basename="ranking-group")
router.register("users", orgs_api.UserViewSet, basename="user")
router.register("auth/tokens", orgs_api.ApiTokenViewSet, basename="api-token-item")
indicators_api.register(router)
projects_api.register(router)
bulletins_api.register(router)
liaison_api.register(router)
assessment_api.register(router)
supervision_api.register(router)
meetings_api.register(router)
notifications_api.register(router)

api_v1 = [
    path("auth/token/", shell_api.token, name="api-token"),
    *indicators_api.urlpatterns,
    *projects_api.urlpatterns,
    *bulletins_api.urlpatterns,
    *liaison_api.urlpatterns,
    *assessment_api.urlpatterns,
    *supervision_api.urlpatterns,
    *meetings_api.urlpatterns,
    *workdays_api.urlpatterns,
    *router.urls,
]

urlpatterns = [
    path("", shell_views.home, name="home"),
    path("healthz", policy.public(health.healthz), name="healthz"),
    path("readyz", policy.public(health.readyz), name="readyz"),
    path("accounts/login/", shell_views.login, name="login"),
    path("accounts/logout/", shell_views.logout, name="logout"),
    path("accounts/password/", shell_views.password_change, name="password_change"),
    path("accounts/password/done/", shell_views.password_change_done, name="password_change_done"),
    path("accounts/two-factor/", views_twofactor.account, name="two_factor"),
    path("accounts/two-factor/verify/", views_twofactor.verify, name="two_factor_verify"),
    path("accounts/two-factor/setup/", views_twofactor.setup, name="two_factor_setup"),
    path("accounts/two-factor/backup-codes/", views_twofactor.backup_codes, name="two_factor_backup_codes"),
    path("accounts/two-factor/disable/", views_twofactor.disable, name="two_factor_disable"),
    path("accounts/tokens/", views_tokens.my_tokens, name="my_tokens"),
    path("accounts/tokens/<int:pk>/revoke/", views_tokens.my_token_revoke, name="my_token_revoke"),
    path("i18n/setlang/", shell_views.set_language, name="set_language"),
    path("orgs/", include("tuijin.orgs.urls")),
    path("audit/", include("tuijin.orgs.urls_audit")),
    path("indicators/", include("tuijin.indicators.urls")),
    path("projects/", include("tuijin.projects.urls")),
    path("bulletins/", include("tuijin.bulletins.urls")),
    path("liaison/", include("tuijin.liaison.urls")),
    path("assessment/", include("tuijin.assessment.urls")),
    path("supervision/", include("tuijin.supervision.urls")),
    path("meetings/", include("tuijin.meetings.urls")),
    path("notifications/", include("tuijin.notifications.urls")),
    path("api/v1/", include(open_to_drf(api_v1))),
    path("api/schema/", shell_api.schema, name="api-schema"),
    path("api/docs/", shell_api.docs, name="api-docs"),
]

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()

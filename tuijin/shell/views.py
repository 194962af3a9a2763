"""The site's own pages: home (我的待办, the units in scope, the 三员's entry points), login, logout,
the password change, the language switch and the health check."""

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.cache import never_cache
from django.views.i18n import set_language as django_set_language

from tuijin.core.forms import CleanTextMixin
from tuijin.orgs import policy, tokens
from tuijin.orgs import services as org_services
from tuijin.orgs.ageing import password_expired
from tuijin.orgs.queries import units_for
from tuijin.shell import todos


@policy.permission(policy.AUTHENTICATED)
def home(request):
    units = units_for(request.user).order_by("path")
    page = Paginator(units, 20).get_page(request.GET.get("page"))
    context = {
        "unit": request.user.unit,
        "roles": request.user.role_labels(),
        "sees_all": policy.sees_all(request.user),
        "page_obj": page,
        "unit_count": page.paginator.count,
        "todos": todos.for_user(request.user),
        "admin_links": _admin_links(request.user),
        # The units list is a business user's scope, and the system administrator's to manage.
        "shows_units": not request.user.is_administrator or policy.allows(request.user, "unit.manage"),
    }
    return render(request, "shell/home.html", context)


# The 三员's home shows their own work, never reporting: (label, url name, action) by role.
ADMIN_LINKS = (
    (_lazy("用户管理"), "orgs:user_list", "user.manage"),
    (_lazy("单位管理"), "orgs:unit_list", "unit.manage"),
    (_lazy("分类排名组"), "orgs:group_list", "group.manage"),
    (_lazy("节假日设置"), "notifications:calendar", "calendar.manage"),
    (_lazy("角色授权"), "orgs:user_list", "role.assign"),
    (_lazy("登录锁定"), "orgs:lockouts", "lockout.release"),
    (_lazy("审计日志"), "audit:event_list", "audit.read"),
    (_lazy("日志完整性校验"), "audit:chain_verify", "audit.read"),
    (_lazy("管理员重置"), "orgs:admin_resets", "admin.reset"),
)


def _admin_links(user) -> list[tuple[str, str]]:
    """The 三员's entry points (empty for everyone else, whose home is their 待办 and units)."""
    if not user.is_administrator:
        return []
    return [(label, reverse(name)) for label, name, action in ADMIN_LINKS if policy.allows(user, action)]


@policy.public
def set_language(request):
    return django_set_language(request)


class LoginForm(CleanTextMixin, AuthenticationForm):
    """A username with control characters is refused before anyone authenticates it: it could
    never match an account, and it would otherwise land in the lockout records and the audit log."""

    def clean(self):
        # The login page shows the form's errors on top, not under each field.
        for message in self.errors.pop("username", []):
            self.add_error(None, message)
        return super().clean()


class LoginView(auth_views.LoginView):
    authentication_form = LoginForm
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "password_expired": password_expired(self.request.user)}

    def form_valid(self, form):
        new_password = form.cleaned_data["new_password1"]
        user = org_services.user_change_own_password(user=self.request.user, new_password=new_password)
        update_session_auth_hash(self.request, user)
        messages.success(self.request, _("密码已修改。"))
        return super(auth_views.PasswordChangeView, self).form_valid(form)


class LogoutView(auth_views.LogoutView):
    """Django's logout; with `end_tokens` (the token page's 退出并注销所有 API 令牌) the account's
    API tokens end too, before the session does."""

    def post(self, request, *args, **kwargs):
        if request.POST.get("end_tokens"):
            tokens.tokens_end_on_logout(user=request.user)
        return super().post(request, *args, **kwargs)


login = policy.public(never_cache(LoginView.as_view()))
logout = policy.public(LogoutView.as_view())
password_change = policy.permission(policy.AUTHENTICATED)(PasswordChangeView.as_view())
password_change_done = policy.permission(policy.AUTHENTICATED)(auth_views.PasswordChangeDoneView.as_view())

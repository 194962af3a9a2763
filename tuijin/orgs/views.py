"""Pages for units, ranking groups, users and roles. Thin: parse, call a service, render."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from tuijin.core import text
from tuijin.core.excel import build_sheet, xlsx_response
from tuijin.core.forms import apply_validation_error
from tuijin.core.html import filters_set
from tuijin.orgs import admin_resets as admin_resets_service
from tuijin.orgs import lockout, policy, queries, services, twofactor
from tuijin.orgs.forms import (
    AdminResetRequestForm,
    GroupForm,
    NewUserForm,
    ResetPasswordForm,
    RolesForm,
    UnitForm,
    UserForm,
)
from tuijin.orgs.models import RankingGroup, Role, Unit, UnitType, User

PAGE_SIZE = 25


# --- units -------------------------------------------------------------------------------


@policy.permission("unit.view")
def unit_list(request):
    search, type_ = request.GET.get("q", "").strip(), request.GET.get("type", "")
    units = queries.units_for(request.user, search=search, type=type_)
    if request.GET.get("export") == "xlsx":
        return _units_xlsx(units)
    context = {
        "page_obj": Paginator(units, PAGE_SIZE).get_page(request.GET.get("page")),
        "q": search, "type": type_, "types": UnitType.choices,
        "can_manage": policy.allows(request.user, "unit.manage"), "filtered": filters_set(request.GET),
    }  # fmt: skip
    template = "orgs/unit_list.html#results" if request.htmx else "orgs/unit_list.html"
    return render(request, template, context)


def _units_xlsx(units):
    headers = [_("编码"), _("名称"), _("简称"), _("类型"), _("上级单位"), _("所属排名组"), _("用户数"), _("启用")]
    rows = (
        [u.code, u.name, u.short_name, u.get_type_display(), u.parent.name if u.parent else "",
         "、".join(g.name for g in u.ranking_groups.all()), u.user_count, _("是") if u.is_active else _("否")]
        for u in units
    )  # fmt: skip
    return xlsx_response(build_sheet(_("单位"), headers, rows), "units.xlsx")


@policy.permission("unit.manage")
def unit_create(request):
    form = UnitForm(request.POST or None, initial={"parent": request.GET.get("parent")})
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("version", "is_active")}
        try:
            unit = services.unit_create(actor=request.user, **data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("已新建单位“%(name)s”。") % {"name": unit.name})
            return redirect("orgs:unit_list")
    return render(request, "orgs/unit_form.html", {"form": form, "creating": True})


@policy.permission("unit.manage")
def unit_edit(request, code):
    unit = policy.get_in_scope_or_404(Unit.objects.all(), request.user, None, code=code)
    form = UnitForm(request.POST or None, initial=UnitForm.initial_for(unit), exclude_subtree_of=unit)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.unit_update(actor=request.user, unit=unit, expected_version=data.pop("version"), **data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("已保存单位“%(name)s”。") % {"name": data["name"]})
            return redirect("orgs:unit_list")
    return render(request, "orgs/unit_form.html", {"form": form, "unit": unit})


@require_POST
@policy.permission("unit.manage")
def unit_delete(request, code):
    unit = policy.get_in_scope_or_404(Unit.objects.all(), request.user, None, code=code)
    try:
        services.unit_delete(actor=request.user, unit=unit)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("orgs:unit_edit", code=code)
    messages.success(request, _("已删除单位“%(name)s”。") % {"name": unit.name})
    return redirect("orgs:unit_list")


# --- ranking groups ----------------------------------------------------------------------


@policy.permission("group.view")
def group_list(request):
    groups = queries.groups_for(request.user).prefetch_related("units")
    context = {"groups": groups, "can_manage": policy.allows(request.user, "group.manage")}
    return render(request, "orgs/group_list.html", context)


@policy.permission("group.manage")
def group_create(request):
    form = GroupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            services.group_create(actor=request.user, **data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("已新建排名组。"))
            return redirect("orgs:group_list")
    return render(request, "orgs/group_form.html", {"form": form, "creating": True})


@policy.permission("group.manage")
def group_edit(request, code):
    group = get_object_or_404(RankingGroup, code=code)
    form = GroupForm(request.POST or None, initial=GroupForm.initial_for(group))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.group_update(actor=request.user, group=group, expected_version=data.pop("version"), **data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("已保存排名组。"))
            return redirect("orgs:group_list")
    return render(request, "orgs/group_form.html", {"form": form, "group": group})


# --- users and roles ---------------------------------------------------------------------


@policy.permission("user.view")
def user_list(request):
    search, role = request.GET.get("q", "").strip(), request.GET.get("role", "")
    users = queries.users_for(request.user, search=search, role=role, unit_code=request.GET.get("unit", ""))
    context = {
        "page_obj": Paginator(users, PAGE_SIZE).get_page(request.GET.get("page")),
        "q": search, "role": role, "roles": Role.choices,
        "can_manage": policy.allows(request.user, "user.manage"),
        "can_assign": policy.allows(request.user, "role.assign"),
    }  # fmt: skip
    template = "orgs/user_list.html#results" if request.htmx else "orgs/user_list.html"
    return render(request, template, context)


@policy.permission("user.manage")
def user_create(request):
    form = NewUserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            user = services.user_create(actor=request.user, **data)
        except ValidationError as exc:
            apply_validation_error(form, exc, password_field="password")  # noqa: S106 (a field name)
        else:
            messages.success(request, _("已新建账号 %(u)s，请通知其首次登录后修改密码。") % {"u": user.username})
            return redirect("orgs:user_list")
    return render(request, "orgs/user_form.html", {"form": form, "creating": True})


def _user_or_404(request, username) -> User:
    return policy.get_in_scope_or_404(User.objects.select_related("unit"), request.user, "unit", username=username)


@policy.permission("user.manage")
def user_edit(request, username):
    target = _user_or_404(request, username)
    policy.require_may_change_account(request.user, target)
    form = UserForm(request.POST or None, initial=UserForm.initial_for(target), editing=True)
    reset_form = ResetPasswordForm()
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.user_update(actor=request.user, user=target, expected_version=data.pop("version"), **data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("已保存账号 %(u)s。") % {"u": data["username"]})
            return redirect("orgs:user_list")
    if target == request.user:
        reset_form = None  # one's own password is changed on the password page
    return render(request, "orgs/user_form.html", {"form": form, "target": target, "reset_form": reset_form})


@require_POST
@policy.permission("user.manage")
def user_reset_password(request, username):
    target = _user_or_404(request, username)
    policy.require_may_change_account(request.user, target)
    form = ResetPasswordForm(request.POST)
    if form.is_valid():
        try:
            services.user_reset_password(actor=request.user, user=target, password=form.cleaned_data["password"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("已重置 %(u)s 的密码，其下次登录时须修改密码。") % {"u": target.username})
    return redirect("orgs:user_edit", username=username)


@policy.permission("role.assign")
def user_roles(request, username):
    target = _user_or_404(request, username)
    policy.require_may_change_account(request.user, target)
    form = RolesForm(request.POST or None, initial={"roles": sorted(target.roles), "unit": target.unit_id})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        # A post without the unit field (older clients, scripts) leaves the unit as it was.
        unit = data["unit"] if "unit" in request.POST else services.UNCHANGED
        try:
            services.roles_set(actor=request.user, user=target, roles=data["roles"], unit=unit)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("已更新 %(u)s 的角色与数据范围。") % {"u": target.username})
            return redirect("orgs:user_list")
    context = {"form": form, "target": target, "two_factor": twofactor.status(target)}
    return render(request, "orgs/user_roles.html", context)


# --- administrator password resets (two administrators) ---------------------------------


@policy.permission("admin.reset")
def admin_resets(request):
    form = AdminResetRequestForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            admin_resets_service.reset_request(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("已提交重置申请，须由另一名管理员批准。"))
            return redirect("orgs:admin_resets")
    context = {
        "form": form,
        "requests": admin_resets_service.pending_for(request.user)[:50],
        "now": timezone.now(),
        "ttl": admin_resets_service.REQUEST_TTL,
    }
    return render(request, "orgs/admin_resets.html", context)


@require_POST
@never_cache
@policy.permission("admin.reset")
def admin_reset_approve(request, pk):
    req = get_object_or_404(admin_resets_service.pending_for(request.user), pk=pk)
    try:
        password = admin_resets_service.reset_approve(actor=request.user, req=req)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("orgs:admin_resets")
    if not password:  # a two-factor reset: nothing to hand over
        messages.success(request, _("已重置 %(u)s 的两步验证，其下次登录时须重新绑定。") % {"u": req.target.username})
        return redirect("orgs:admin_resets")
    # Rendered, not redirected: the temporary password exists only in this response.
    return render(request, "orgs/admin_reset_done.html", {"req": req, "password": password})


@require_POST
@policy.permission("admin.reset")
def admin_reset_reject(request, pk):
    req = get_object_or_404(admin_resets_service.pending_for(request.user), pk=pk)
    try:
        admin_resets_service.reset_reject(actor=request.user, req=req)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("已驳回（撤回）该申请。"))
    return redirect("orgs:admin_resets")


# --- login lockouts (security administrator) --------------------------------------------


@policy.permission("lockout.release")
def lockouts(request):
    context = {"lockouts": lockout.current_lockouts(), "ip_limit": lockout.ip_limit()}
    return render(request, "orgs/lockouts.html", context)


@require_POST
@policy.permission("lockout.release")
def lockout_release(request):
    username, ip_address = request.POST.get("username", "").strip(), request.POST.get("ip_address", "").strip()
    try:
        text.checked(username, _("用户名"), multiline=False)
        text.checked(ip_address, _("IP 地址"), multiline=False)
        lockout.lockout_release(actor=request.user, username=username, ip_address=ip_address)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("已解除 %(who)s 的登录锁定。") % {"who": username or ip_address})
    return redirect("orgs:lockouts")

"""The access policy: the one place that decides who may see and do what.

Every view is wrapped in `permission(action)` (or `public`), every API view uses
`PolicyPermission` with a `policy` table, and every QuerySet that holds unit-owned rows
scopes itself with `scope(qs, user, unit_field)`. A test walks the URL patterns and fails
for any view that does not declare its action, so nothing is reachable by accident.

Scope: a user sees their own unit and every unit below it. City-level supervisors and
leaders (members of a root unit) and the system/security administrators see all units.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework.permissions import BasePermission

from tuijin.core.concurrency import require_api_version
from tuijin.orgs import ageing
from tuijin.orgs.models import ADMIN_ROLES, Role, Unit

if TYPE_CHECKING:
    from tuijin.orgs.models import User

PUBLIC = "public"
AUTHENTICATED = "authenticated"

BUSINESS_ROLES = frozenset({Role.SUPERVISOR, Role.REPORTER, Role.UNIT_HEAD, Role.HANDLER, Role.LEADER})
ALL_ROLES = BUSINESS_ROLES | ADMIN_ROLES

# action -> the roles that may perform it. Scope (which units) is checked separately.
RULES: dict[str, frozenset[str]] = {
    AUTHENTICATED: ALL_ROLES,
    "unit.view": BUSINESS_ROLES | {Role.SYSADMIN, Role.SECADMIN},
    "unit.manage": frozenset({Role.SYSADMIN}),
    "group.view": BUSINESS_ROLES | {Role.SYSADMIN},
    "group.manage": frozenset({Role.SYSADMIN}),
    # Supervisors look people up (who reports for a unit, who heads it); read-only, in scope.
    "user.view": frozenset({Role.SYSADMIN, Role.SECADMIN, Role.SUPERVISOR}),
    "user.manage": frozenset({Role.SYSADMIN}),
    # Roles and data scopes (a user's unit is a scope) are the security administrator's alone,
    # and so is releasing a login lockout.
    "role.assign": frozenset({Role.SECADMIN}),
    "lockout.release": frozenset({Role.SECADMIN}),
    # A lost two-factor device of an ordinary account is reset by the security administrator
    # (an administrator's by the other two: tuijin.orgs.admin_resets).
    "twofactor.reset": frozenset({Role.SECADMIN}),
    # An administrator's password is reset only by the other two: one asks, another approves.
    "admin.reset": ADMIN_ROLES,
    "audit.read": frozenset({Role.AUDITOR}),
    # Every account lists and revokes its own API tokens (AUTHENTICATED); the security
    # administrator lists and revokes anyone's (tuijin.orgs.tokens.may_manage).
    "token.manage": frozenset({Role.SECADMIN}),
    # Indicators and monthly reporting. Catalogue changes also need a city-level supervisor
    # (policy.sees_all); target, acceptance and import rows are checked against the scope.
    "indicator.view": BUSINESS_ROLES,
    "indicator.manage": frozenset({Role.SUPERVISOR}),
    "target.manage": frozenset({Role.SUPERVISOR}),
    "report.view": BUSINESS_ROLES,
    "report.fill": frozenset({Role.REPORTER}),
    "report.approve": frozenset({Role.UNIT_HEAD}),
    "report.accept": frozenset({Role.SUPERVISOR}),
    "report.import": frozenset({Role.SUPERVISOR}),
    "analytics.view": BUSINESS_ROLES,
    # Major projects. A project is in scope through its implementing unit; its lead leader,
    # commissioner and agent also see it (tuijin.projects.queries.visible_projects). Designations, batches
    # and node templates are the city's (policy.sees_all as well).
    "project.view": BUSINESS_ROLES,
    "project.manage": frozenset({Role.SUPERVISOR}),
    "project.report": frozenset({Role.REPORTER}),
    "project.stage": frozenset({Role.REPORTER, Role.SUPERVISOR}),
    # A node: the supervisor edits it, the unit's reporter records its actual date (services.library).
    "project.milestone": frozenset({Role.REPORTER, Role.SUPERVISOR}),
    "project.import": frozenset({Role.SUPERVISOR}),
    # Notifications (engineer n): a unit's group robot is set by the system administrator; the
    # working-day calendar is read by everyone (deadlines) and entered by the system administrator.
    "notification.manage": frozenset({Role.SYSADMIN}),
    "calendar.view": ALL_ROLES,
    "calendar.manage": frozenset({Role.SYSADMIN}),
    # Assignments (督办) and meetings. An assignment is in scope through its owner unit (its
    # co-units and its responsible leader see it too: tuijin.supervision.queries.visible_assignments);
    # `assignment.report` is further limited to the people of the owner unit itself.
    "assignment.view": BUSINESS_ROLES,
    "assignment.manage": frozenset({Role.SUPERVISOR}),
    "assignment.report": frozenset({Role.REPORTER, Role.UNIT_HEAD, Role.HANDLER}),
    "meeting.view": BUSINESS_ROLES,
    "meeting.manage": frozenset({Role.SUPERVISOR}),
    # Year-end assessment (目标责任制考核). A result is in scope through its unit: a unit's own
    # people see its published result; supervisors and leaders in scope see drafts too. Schemes
    # are managed by a supervisor whose scope holds every unit of the scheme's ranking group;
    # an objection (申诉) is filed by the head or a reporter of the unit itself.
    "assessment.view": BUSINESS_ROLES,
    "assessment.manage": frozenset({Role.SUPERVISOR}),
    "assessment.object": frozenset({Role.UNIT_HEAD, Role.REPORTER}),
    # Work contact sheets (工作联系单). A sheet is seen by its sender unit, the addressed and copied
    # departments, the leaders it was escalated to (tuijin.liaison.queries.visible_sheets); only the
    # sender unit itself writes, confirms or reopens, only the addressed department answers its part,
    # the escalation leader instructs/reassigns/puts it on the agenda, a city-level supervisor keeps
    # the mayor's office meeting agenda and records its decision.
    "sheet.view": BUSINESS_ROLES,
    "sheet.write": frozenset({Role.REPORTER, Role.UNIT_HEAD}),
    "sheet.handle": frozenset({Role.HANDLER, Role.UNIT_HEAD}),
    "sheet.escalation": frozenset({Role.LEADER}),
    "sheet.agenda": frozenset({Role.SUPERVISOR}),
    # Bulletins (通报). A published bulletin is read by the units it was published to (its scope:
    # every unit for a city-wide one) and by those whose view covers its scope; drafts only by
    # supervisors; a supervisor drafts, edits and publishes within their own scope
    # (tuijin.bulletins.queries.visible / may_manage).
    "bulletin.view": BUSINESS_ROLES,
    "bulletin.manage": frozenset({Role.SUPERVISOR}),
}

# Roles whose holders see every unit when they sit in a top-level (city) unit.
CITY_WIDE_ROLES = frozenset({Role.SUPERVISOR, Role.LEADER})


def is_active_user(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def sees_all(user: User) -> bool:
    if not is_active_user(user):
        return False
    if user.has_role(Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR):
        return True
    return user.unit is not None and user.unit.depth == 1 and user.has_role(*CITY_WIDE_ROLES)


def allows(user: User, action: str, unit: Unit | None = None) -> bool:
    """May `user` perform `action`, on `unit` when given? Unknown actions are refused."""
    if action == PUBLIC:
        return True
    if not is_active_user(user):
        return False
    if action == AUTHENTICATED:
        return True  # any signed-in account, even one still waiting for its roles
    roles = RULES.get(action)
    if roles is None or not user.has_role(*roles):
        return False
    return unit is None or in_scope(user, unit)


def require(user: User, action: str, unit: Unit | None = None) -> None:
    if not allows(user, action, unit):
        raise PermissionDenied(_("您没有执行此操作的权限。"))


def is_administrator(user: User) -> bool:
    return user.is_administrator


def may_change_account(actor: User, target: User) -> bool:
    """三员分立: an administrator's account is changed by no other administrator acting alone.

    Its holder may edit their own profile; a password reset needs the two-person procedure
    (tuijin.orgs.admin_resets) or the audited break-glass command on the server.
    """
    return actor.pk == target.pk or not is_administrator(target)


def require_may_change_account(actor: User, target: User) -> None:
    if not may_change_account(actor, target):
        raise PermissionDenied(
            _("三员分立：管理员账号不能由其他管理员单独修改、停用或重置密码；重置密码须由另两名管理员申请并批准。")
        )


def in_scope(user: User, unit: Unit) -> bool:
    if sees_all(user):
        return True
    return user.unit is not None and unit.is_within(user.unit)


def scope(qs: QuerySet, user: User, unit_field: str | None = "unit") -> QuerySet:
    """Rows of `qs` whose unit (through `unit_field`; None for Unit itself) the user may see."""
    if not is_active_user(user):
        return qs.none()
    if sees_all(user):
        return qs
    if user.unit is None:
        return qs.none()
    lookup = f"{unit_field}__path__startswith" if unit_field else "path__startswith"
    return qs.filter(**{lookup: user.unit.path})


def visible_units(user: User) -> QuerySet[Unit]:
    return scope(Unit.objects.all(), user, unit_field=None)


def get_in_scope_or_404(qs: QuerySet, user: User, unit_field: str | None = "unit", **lookup):
    """Fetch one row the user may see; rows outside the scope do not exist for them."""
    try:
        return scope(qs, user, unit_field).get(**lookup)
    except qs.model.DoesNotExist:
        raise Http404 from None


# --- views -------------------------------------------------------------------------------


def permission(action: str) -> Callable:
    """Declare and enforce the action a view needs (role check; scope is the view's lookup)."""
    if action not in RULES:
        raise ValueError(f"unknown policy action {action!r}")

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            require(request.user, action)
            return view(request, *args, **kwargs)

        wrapped.policy_action = action
        return wrapped

    return decorator


def public(view: Callable) -> Callable:
    """Declare a view open to anonymous users (the login page, health checks)."""
    view = login_not_required(view)
    view.policy_action = PUBLIC
    return view


def declared_action(view: Callable) -> str | None:
    """The action a resolved URL callback declares, for the deny-by-default test."""
    action = getattr(view, "policy_action", None)
    if action:
        return action
    cls = getattr(view, "cls", None) or getattr(view, "view_class", None)
    if cls is not None and PolicyPermission in getattr(cls, "permission_classes", ()):
        table = getattr(cls, "policy", None)
        return ",".join(sorted(set(table.values()))) if table else None
    return None


# --- API ---------------------------------------------------------------------------------


class PolicyPermission(BasePermission):
    """DRF permission driven by the view's `policy` table: {action or HTTP method: policy action}.

    A request whose DRF action (or method) is missing from the table is refused.
    Object-level checks call `policy_unit(obj)` on the view when it has one.
    """

    message = _("您没有执行此操作的权限。")

    def has_permission(self, request, view) -> bool:
        if is_active_user(request.user) and ageing.must_change_password(request.user):
            self.message = _("须先修改密码才能继续使用。")
            return False
        action = _action_for(view, request)
        if action is None or not allows(request.user, action):
            return False
        # Every API update names the version it read (428 without it): one place, so a new
        # endpoint cannot forget it (tests/core/test_api_versions.py walks the schema).
        require_api_version(view, request)
        return True

    def has_object_permission(self, request, view, obj) -> bool:
        unit_of = getattr(view, "policy_unit", None)
        return unit_of is None or in_scope(request.user, unit_of(obj))


def _action_for(view, request) -> str | None:
    table: dict[str, str] = getattr(view, "policy", {}) or {}
    key = getattr(view, "action", None) or request.method.lower()
    return table.get(key) or table.get(request.method.lower())

"""The role-aware navigation: an entry is shown only to users whose roles may use it.

Each entry names the policy action its page needs, so the menu can never offer a page
that would answer 403.
"""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tuijin.core import policy


@dataclass(frozen=True)
class NavEntry:
    label: str | Promise
    url_name: str
    action: str
    section: str | Promise = ""


NAV: tuple[NavEntry, ...] = (
    NavEntry(_("首页"), "home", policy.AUTHENTICATED),
    NavEntry(_("对标对表"), "indicators:matrix", "analytics.view", _("对标对表")),
    NavEntry(_("单项排名"), "indicators:ranking", "analytics.view", _("对标对表")),
    NavEntry(_("进度预警"), "indicators:warnings", "analytics.view", _("对标对表")),
    NavEntry(_("单位管理"), "orgs:unit_list", "unit.manage", _("系统管理")),
    NavEntry(_("单位"), "orgs:unit_list", "unit.view", _("组织")),
    NavEntry(_("分类排名组"), "orgs:group_list", "group.view", _("组织")),
    NavEntry(_("用户管理"), "orgs:user_list", "user.manage", _("系统管理")),
    NavEntry(_("角色授权"), "orgs:user_list", "role.assign", _("系统管理")),
    NavEntry(_("用户"), "orgs:user_list", "user.view", _("组织")),
    NavEntry(_("审计日志"), "audit:event_list", "audit.read", _("系统管理")),
    NavEntry(_("接口文档"), "api-docs", policy.AUTHENTICATED, _("系统管理")),
)


def entries_for(user) -> list[dict]:
    seen: set[str] = set()
    items = []
    for entry in NAV:
        if entry.url_name in seen or not policy.allows(user, entry.action):
            continue
        seen.add(entry.url_name)
        items.append({"label": entry.label, "url": reverse(entry.url_name), "section": entry.section})
    return items


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_entries": []}
    return {"nav_entries": entries_for(user)}

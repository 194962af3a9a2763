"""The role-aware navigation: an entry is shown only to users whose roles may use it.

Each entry names the policy action its page needs, so the menu can never offer a page
that would answer 403. Entries are grouped into the sections of DESIGN.md's navigation;
a section with one visible entry is a plain link, with several a dropdown.
"""

import functools
from dataclasses import dataclass

from django.urls import get_script_prefix, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tuijin.core import policy

REPORTING, ANALYTICS, PROJECTS = _("指标填报"), _("对标对表"), _("重大项目")
SHEETS, ASSIGNMENTS, MEETINGS, BULLETINS, ASSESSMENT = (
    _("工作联系单"),
    _("督办事项"),
    _("会议点评"),
    _("通报"),
    _("考核"),
)
ADMIN = _("系统管理")


@dataclass(frozen=True)
class NavEntry:
    label: str | Promise
    url_name: str
    action: str
    section: str | Promise = ""
    city_wide: bool = False  # only for users who see every unit (city-level configuration pages)
    badge: bool = False  # show the unread-messages count beside the entry


# Order matters: sections appear in the order of their first entry, and for a URL offered
# under several labels (one page, several roles) the first allowed label wins.
NAV: tuple[NavEntry, ...] = (
    NavEntry(_("首页"), "home", policy.AUTHENTICATED),
    NavEntry(_("我的消息"), "notifications:inbox", policy.AUTHENTICATED, badge=True),
    NavEntry(_("本月填报"), "indicators:fill", "report.fill", REPORTING),
    # The same list: a review queue for those who approve or accept reports, a record for the rest.
    NavEntry(_("月报审核"), "indicators:submissions", "report.approve", REPORTING),
    NavEntry(_("月报审核"), "indicators:submissions", "report.accept", REPORTING),
    NavEntry(_("月报情况"), "indicators:submissions", "report.view", REPORTING),
    NavEntry(_("未报单位"), "indicators:missing", "report.accept", REPORTING),
    NavEntry(_("更正申请"), "indicators:corrections", "report.accept", REPORTING),
    NavEntry(_("完成矩阵"), "indicators:matrix", "analytics.view", ANALYTICS),
    NavEntry(_("单项排名"), "indicators:ranking", "analytics.view", ANALYTICS),
    NavEntry(_("进度预警"), "indicators:warnings", "analytics.view", ANALYTICS),
    NavEntry(_("Excel 模板填报"), "indicators:template_upload", "report.fill", REPORTING),
    NavEntry(_("批量导入"), "indicators:import_upload", "report.import", REPORTING),
    NavEntry(_("导入记录"), "indicators:import_batches", "report.import", REPORTING),
    NavEntry(_("本月项目进展"), "projects:progress_unit", "project.report", PROJECTS),
    NavEntry(_("项目库"), "projects:project_list", "project.view", PROJECTS),
    NavEntry(_("我的项目"), "projects:my_projects", "project.view", PROJECTS),
    NavEntry(_("项目统计"), "projects:stats", "project.view", PROJECTS),
    NavEntry(_("滞后项目"), "projects:lagging", "project.view", PROJECTS),
    NavEntry(_("项目时间轴"), "projects:portfolio", "project.view", PROJECTS),
    NavEntry(_("集中开工批次"), "projects:batch_list", "project.view", PROJECTS),
    NavEntry(_("项目投资更正"), "projects:progress_corrections", "project.manage", PROJECTS),
    NavEntry(_("项目库导入"), "projects:import_upload", "project.import", PROJECTS),
    NavEntry(_("本单位发起"), "liaison:sent", "sheet.write", SHEETS),
    NavEntry(_("本部门承办"), "liaison:inbox", "sheet.handle", SHEETS),
    NavEntry(_("升级至我"), "liaison:escalated", "sheet.escalation", SHEETS),
    NavEntry(_("全部联系单"), "liaison:all", "sheet.view", SHEETS),
    NavEntry(_("市长办公会议议题"), "liaison:agenda", "sheet.agenda", SHEETS, city_wide=True),
    NavEntry(_("办理统计"), "liaison:stats", "sheet.view", SHEETS),
    NavEntry(_("督办事项"), "supervision:list", "assignment.view", ASSIGNMENTS),
    NavEntry(_("本单位督办事项"), "supervision:mine", "assignment.report", ASSIGNMENTS),
    NavEntry(_("督办统计"), "supervision:counts", "assignment.view", ASSIGNMENTS),
    NavEntry(_("任务清单·责任清单"), "supervision:task_list", "assignment.view", ASSIGNMENTS),
    NavEntry(_("交办事项"), "supervision:create", "assignment.manage", ASSIGNMENTS),
    NavEntry(_("会议点评"), "meetings:list", "meeting.view", MEETINGS),
    NavEntry(_("登记会议"), "meetings:create", "meeting.manage", MEETINGS),
    NavEntry(_("通报"), "bulletins:list", "bulletin.view", BULLETINS),
    NavEntry(_("起草通报"), "bulletins:create", "bulletin.manage", BULLETINS),
    NavEntry(_("考核方案"), "assessment:scheme_list", "assessment.view", ASSESSMENT),
    NavEntry(_("考核申诉"), "assessment:objection_list", "assessment.manage", ASSESSMENT),
    NavEntry(_("指标体系"), "indicators:indicator_list", "indicator.view", ADMIN),
    NavEntry(_("年度目标"), "indicators:targets", "target.manage", ADMIN),
    NavEntry(_("填报日历"), "indicators:reporting_calendar", "indicator.manage", ADMIN, city_wide=True),
    NavEntry(_("校验规则"), "indicators:rules", "indicator.manage", ADMIN, city_wide=True),
    NavEntry(_("项目标签"), "projects:designation_list", "project.manage", ADMIN, city_wide=True),
    NavEntry(_("节点模板"), "projects:node_template_list", "project.manage", ADMIN, city_wide=True),
    NavEntry(_("节假日设置"), "notifications:calendar", "calendar.manage", ADMIN),
    NavEntry(_("群机器人"), "notifications:channels", "notification.manage", ADMIN),
    NavEntry(_("单位管理"), "orgs:unit_list", "unit.manage", ADMIN),
    NavEntry(_("单位"), "orgs:unit_list", "unit.view", ADMIN),
    NavEntry(_("分类排名组"), "orgs:group_list", "group.view", ADMIN),
    NavEntry(_("用户管理"), "orgs:user_list", "user.manage", ADMIN),
    NavEntry(_("角色授权"), "orgs:user_list", "role.assign", ADMIN),
    NavEntry(_("用户"), "orgs:user_list", "user.view", ADMIN),
    NavEntry(_("登录锁定"), "orgs:lockouts", "lockout.release", ADMIN),
    NavEntry(_("管理员密码重置"), "orgs:admin_resets", "admin.reset", ADMIN),
    NavEntry(_("审计日志"), "audit:event_list", "audit.read", ADMIN),
    NavEntry(_("接口文档"), "api-docs", policy.AUTHENTICATED, ADMIN),
)


def _visible(user, entry: NavEntry) -> bool:
    if not policy.allows(user, entry.action):
        return False
    return not entry.city_wide or policy.sees_all(user)


@functools.lru_cache(maxsize=256)
def _url(name: str, prefix: str) -> str:
    # Menu links take no arguments: reverse each once per script prefix (every page draws the menu).
    return reverse(name)


def groups_for(user) -> list[dict]:
    """[{"label", "items": [{"label", "url"}]}] in menu order, only what the user may open."""
    seen: set[str] = set()
    groups: dict[str, dict] = {}
    for entry in NAV:
        if entry.url_name in seen or not _visible(user, entry):
            continue
        seen.add(entry.url_name)
        key = str(entry.section or entry.label)
        group = groups.setdefault(key, {"label": entry.section or entry.label, "items": []})
        group["items"].append(
            {"label": entry.label, "url": _url(entry.url_name, get_script_prefix()), "badge": entry.badge}
        )
    return list(groups.values())


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_groups": []}
    return {"nav_groups": groups_for(user)}

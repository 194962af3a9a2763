"""The role-aware navigation: an entry is shown only to users whose roles may use it.

Each entry names the policy action its page needs, so the menu can never offer a page
that would answer 403, and where a page is empty for units outside the ranking groups or
the year-end assessment, the content it needs (`needs`), so the menu never leads nowhere:
a department's handler is not offered the matrix, a county head not the department inbox.
Entries are grouped into the sections of DESIGN.md's navigation; a section with one visible
entry is a plain link, with several a dropdown.
"""

import functools
from dataclasses import dataclass

from django.db.models import Exists, OuterRef
from django.urls import get_script_prefix, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tuijin.orgs import policy

REPORTING, ANALYTICS, PROJECTS = _("指标填报"), _("对标对表"), _("重大项目")
SHEETS, ASSIGNMENTS, MEETINGS, BULLETINS, ASSESSMENT = (
    _("工作联系单"),
    _("督办事项"),
    _("会议点评"),
    _("通报"),
    _("考核"),
)
ADMIN = _("系统管理")

# What a page needs to have content for the user's unit (see `content_for`).
RANKED = "ranked"  # a ranking group with a member in the user's scope: reports and analytics
REPORTS = "reports"  # the user's own unit is in a ranking group: it fills monthly reports
ASSESSED = "assessed"  # a published assessment scheme of such a group
DEPARTMENT = "department"  # the user's unit is a department: contact sheets are addressed to it


@dataclass(frozen=True)
class NavEntry:
    label: str | Promise
    url_name: str
    action: str
    section: str | Promise = ""
    city_wide: bool = False  # only for users who see every unit (city-level configuration pages)
    badge: bool = False  # show the unread-messages count beside the entry
    needs: str = ""  # the content the page needs for the user's unit (RANKED, REPORTS, …)


# Order matters: sections appear in the order of their first entry, and for a URL offered
# under several labels (one page, several roles) the first allowed label wins.
NAV: tuple[NavEntry, ...] = (
    NavEntry(_("首页"), "home", policy.AUTHENTICATED),
    NavEntry(_("我的消息"), "notifications:inbox", policy.AUTHENTICATED, badge=True),
    NavEntry(_("本月填报"), "indicators:fill", "report.fill", REPORTING, needs=REPORTS),
    # The same list: a review queue for those who approve or accept reports, a record for the rest.
    NavEntry(_("月报审核"), "indicators:submissions", "report.approve", REPORTING, needs=RANKED),
    NavEntry(_("月报审核"), "indicators:submissions", "report.accept", REPORTING, needs=RANKED),
    NavEntry(_("月报情况"), "indicators:submissions", "report.view", REPORTING, needs=RANKED),
    NavEntry(_("未报单位"), "indicators:missing", "report.accept", REPORTING, needs=RANKED),
    NavEntry(_("更正申请"), "indicators:corrections", "report.accept", REPORTING),
    NavEntry(_("完成矩阵"), "indicators:matrix", "analytics.view", ANALYTICS, needs=RANKED),
    NavEntry(_("单项排名"), "indicators:ranking", "analytics.view", ANALYTICS, needs=RANKED),
    NavEntry(_("进度预警"), "indicators:warnings", "analytics.view", ANALYTICS, needs=RANKED),
    NavEntry(_("Excel 模板填报"), "indicators:template_upload", "report.fill", REPORTING, needs=REPORTS),
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
    NavEntry(_("本部门承办"), "liaison:inbox", "sheet.handle", SHEETS, needs=DEPARTMENT),
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
    # A supervisor drafts schemes from an empty list; everyone else reads published ones.
    NavEntry(_("考核方案"), "assessment:scheme_list", "assessment.manage", ASSESSMENT),
    NavEntry(_("考核方案"), "assessment:scheme_list", "assessment.view", ASSESSMENT, needs=ASSESSED),
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
    NavEntry(_("管理员重置"), "orgs:admin_resets", "admin.reset", ADMIN),
    NavEntry(_("审计日志"), "audit:event_list", "audit.read", ADMIN),
    NavEntry(_("接口文档"), "api-docs", policy.AUTHENTICATED, ADMIN),
)


def content_for(user) -> dict[str, bool]:
    """Which kinds of content the user's unit has (keys RANKED, REPORTS, ASSESSED, DEPARTMENT).

    One query, whatever the roles: each flag is an EXISTS on the user's own unit row.
    """
    from tuijin.assessment.models import Scheme, SchemeStatus
    from tuijin.indicators.analytics import groups_for
    from tuijin.orgs.models import RankingGroup, Unit, UnitType

    none = dict.fromkeys((RANKED, REPORTS, ASSESSED, DEPARTMENT), False)
    if user.unit_id is None:
        return none  # business pages are scoped by the unit: nothing in scope
    groups = groups_for(user).order_by()
    published = Scheme.objects.filter(group__in=groups).exclude(status=SchemeStatus.DRAFT)
    row = (
        Unit.objects.filter(pk=user.unit_id)
        .annotate(
            has_groups=Exists(groups),
            in_group=Exists(RankingGroup.objects.filter(units=OuterRef("pk"))),
            has_scheme=Exists(published),
        )
        .values("has_groups", "in_group", "has_scheme", "type")
        .first()
    )
    if row is None:
        return none
    return {RANKED: row["has_groups"], REPORTS: row["in_group"], ASSESSED: row["has_scheme"],
            DEPARTMENT: row["type"] == UnitType.DEPARTMENT}  # fmt: skip


def _visible(user, entry: NavEntry, content) -> bool:
    if not policy.allows(user, entry.action):
        return False
    if entry.city_wide and not policy.sees_all(user):
        return False
    return not entry.needs or content()[entry.needs]


@functools.lru_cache(maxsize=256)
def _url(name: str, prefix: str) -> str:
    # Menu links take no arguments: reverse each once per script prefix (every page draws the menu).
    return reverse(name)


def groups_for(user) -> list[dict]:
    """[{"label", "items": [{"label", "url"}]}] in menu order, only what the user may open
    and what has content for the user's unit (at most one query, and none for a user whose
    roles open no entry that depends on content)."""
    content = functools.cache(lambda: content_for(user))
    seen: set[str] = set()
    groups: dict[str, dict] = {}
    for entry in NAV:
        if entry.url_name in seen or not _visible(user, entry, content):
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

    def nav_groups() -> list[dict]:
        # Lazy (a template calls it): an HTMX fragment draws no menu and costs no query;
        # cached on the request, so a page rendering several templates asks once.
        if not hasattr(request, "_tuijin_nav_groups"):
            request._tuijin_nav_groups = groups_for(user)
        return request._tuijin_nav_groups

    return {"nav_groups": nav_groups}

"""The role-aware shell in a real browser: login, navigation, language switch."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def nav_labels(page):
    """The top-level menu: plain links and the titles of the dropdown sections."""
    return page.locator("[data-testid=main-nav] .nav-link-title").all_inner_texts()


def nav_pages(page):
    """Every page the menu offers, opening each dropdown section in turn."""
    pages = []
    for item in page.locator("[data-testid=main-nav] > li").all():
        toggle = item.locator(".dropdown-toggle")
        if toggle.count():
            toggle.click()
            pages.extend(item.locator(".dropdown-item").all_inner_texts())
            toggle.click()
        else:
            pages.extend(item.locator(".nav-link-title").all_inner_texts())
    return pages


def test_supervisor_logs_in_sees_the_navigation_and_switches_to_english(cast, login):
    page = login("supervisor")
    expect(page.locator("[data-testid=home-unit]")).to_have_text("示例市")
    expect(page.locator("[data-testid=home-scope]")).to_contain_text("全部单位")
    assert nav_labels(page) == [
        "首页", "我的消息", "指标填报", "对标对表", "重大项目",
        "工作联系单", "督办事项", "会议点评", "通报", "考核", "系统管理",
    ]  # fmt: skip
    assert nav_pages(page) == [
        "首页", "我的消息", "月报审核", "未报单位", "更正申请", "批量导入", "导入记录",
        "完成矩阵", "单项排名", "进度预警",
        "项目库", "我的项目", "项目统计", "滞后项目", "项目时间轴", "集中开工批次", "项目投资更正", "项目库导入",
        "全部联系单", "市长办公会议议题", "办理统计", "督办事项", "督办统计", "任务清单·责任清单", "交办事项",
        "会议点评", "登记会议", "通报", "起草通报", "考核方案", "考核申诉",
        "指标体系", "年度目标", "填报日历", "校验规则", "项目标签", "节点模板",
        "单位", "分类排名组", "用户", "接口文档",
    ]  # fmt: skip

    page.click("[data-testid=lang-en]")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert nav_labels(page)[0] == "Home"

    page.click("[data-testid=lang-zh-hans]")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")


def test_reporter_sees_less_and_only_own_units(cast, login):
    page = login("reporter_a")
    assert nav_pages(page) == [
        "首页", "我的消息", "本月填报", "月报情况", "Excel 模板填报", "完成矩阵", "单项排名", "进度预警",
        "本月项目进展", "项目库", "我的项目", "项目统计", "滞后项目", "项目时间轴", "集中开工批次",
        "本单位发起", "全部联系单", "办理统计", "督办事项", "本单位督办事项", "督办统计", "任务清单·责任清单",
        "会议点评", "通报", "指标体系", "单位", "分类排名组", "接口文档",
    ]  # fmt: skip
    rows = page.locator("[data-testid=scope-units] tbody tr")
    expect(rows).to_have_count(3)
    expect(page.locator("[data-testid=scope-units]")).not_to_contain_text("乙县")
    page.goto("/orgs/users/")
    expect(page.locator("[data-testid=forbidden]")).to_be_visible()


def test_auditor_sees_only_the_audit_log(cast, login):
    page = login("auditor")
    # The auditor is one of the three who approve another administrator's password reset.
    assert nav_pages(page) == ["首页", "我的消息", "管理员重置", "审计日志", "接口文档"]
    page.goto("/audit/")
    expect(page.locator("[data-testid=audit-table]")).to_contain_text("登录")


def test_sysadmin_creates_a_unit_through_the_form(cast, login):
    page = login("sysadmin")
    page.goto("/orgs/units/new/")
    page.fill("#id_code", "C-A-7")
    page.fill("#id_name", "甲七镇")
    page.select_option("#id_type", "town")
    page.select_option("#id_parent", label="　甲县")
    page.click("[data-testid=unit-save]")
    expect(page.locator(".alert-success")).to_contain_text("甲七镇")
    expect(page.locator("[data-testid=unit-table]")).to_contain_text("C-A-7")

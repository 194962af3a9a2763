"""A department answers a contact sheet in Chromium — accepts it with a promised date, then
resolves it — and the sender confirms it (销号); a city supervisor records the mayor's office
meeting's decision on an escalated sheet and turns it into a supervision assignment."""

import datetime as dt

import pytest
import time_machine
from playwright.sync_api import expect

from tuijin.liaison import services, timers
from tuijin.liaison.models import ContactSheet, SheetStatus
from tuijin.orgs import services as org_services
from tuijin.orgs.models import UnitType
from tuijin.supervision.models import Assignment

pytestmark = pytest.mark.e2e


@pytest.fixture
def sheet(cast):
    with time_machine.travel("2026-03-10 10:00 +0800"):
        draft = services.sheet_create(
            actor=cast.reporter_a, title="关于物流园用地指标的工作联系单", problem="物流园项目用地指标尚未落实。",
            request="请市资规局协调落实用地指标。", departments=[cast.department],
        )  # fmt: skip
        yield services.sheet_send(actor=cast.reporter_a, sheet=draft)


def test_the_department_answers_and_the_sender_confirms(sheet, login, page):
    login("handler")
    page.goto("/liaison/inbox/")
    row = page.locator("[data-testid=sheet-row]", has_text="物流园用地指标")
    expect(row).to_contain_text("待受理")
    row.locator("a").first.click()

    form = page.locator("[data-testid=accept-form]")
    form.locator("textarea[name=answer]").fill("已受理，将在全市范围内统筹调剂用地指标。")
    form.locator("input[name=promised_on]").fill("2026-03-31")
    page.click("[data-testid=accept-submit]")
    expect(page.locator(".alert-success")).to_contain_text("已受理")
    expect(page.locator("[data-testid=part-C-D] [data-testid=part-status]")).to_have_text("已受理")
    expect(page.locator("[data-testid=part-C-D]")).to_contain_text("承诺 2026-03-31 前办结")

    page.locator("[data-testid=resolve-form] textarea[name=result]").fill("已调剂用地指标 12 亩并下达。")
    page.click("[data-testid=resolve-submit]")
    expect(page.locator("[data-testid=sheet-status]")).to_have_text("已办结")
    expect(page.locator("[data-testid=timeline]")).to_contain_text("办结")

    page.context.clear_cookies()
    login("reporter_a")
    page.goto("/liaison/sent/?status=resolved")
    page.locator("[data-testid=sheet-row] a", has_text="物流园用地指标").click()
    expect(page.locator("[data-testid=confirm-form]")).to_be_visible()
    page.locator("[data-testid=confirm-form] textarea[name=note]").fill("指标已落实，同意销号。")
    page.click("[data-testid=confirm-submit]")
    expect(page.locator(".alert-success")).to_contain_text("联系单已销号")
    expect(page.locator("[data-testid=sheet-status]")).to_have_text("已销号")
    expect(page.locator("[data-testid=timeline]")).to_contain_text("销号")
    assert ContactSheet.objects.get(pk=sheet.pk).status == SheetStatus.CONFIRMED


def test_the_supervisor_records_the_decision_and_assigns_it(sheet, cast, login, page):
    timers.escalate_overdue(dt.date(2026, 3, 18))
    services.sheet_put_on_agenda(actor=cast.leader, sheet=ContactSheet.objects.get(pk=sheet.pk), note="提请研究")
    login("supervisor")
    page.goto("/liaison/agenda/")
    page.locator("[data-testid=sheet-row] a", has_text="物流园用地指标").click()

    form = page.locator("[data-testid=decision-form]")
    form.locator("textarea[name=decision]").fill("由市资规局牵头，4 月底前落实物流园用地指标。")
    form.locator("input[name=to_assignment]").check()
    form.locator("select[name=owner_unit]").select_option(label="市资规局")
    form.locator("input[name=deadline]").fill("2026-04-30")
    form.locator("button[type=submit]").click()
    expect(page.locator(".alert-success")).to_contain_text("会议决定已记录")
    expect(page.locator("[data-testid=decision]")).to_contain_text("4 月底前落实物流园用地指标")

    page.locator("[data-testid=sheet-assignment] a").click()
    expect(page.locator("[data-testid=source-sheet]")).to_be_visible()
    a = Assignment.objects.get()
    assert (a.owner_unit, a.deadline, a.source) == (cast.department, dt.date(2026, 4, 30), sheet)
    page.locator("[data-testid=source-sheet]").click()
    expect(page.locator("[data-testid=timeline]")).to_contain_text("转为督办事项")


@pytest.fixture
def march_tenth():
    with time_machine.travel("2026-03-10 10:00 +0800"):
        yield


def test_the_sender_picks_two_departments_by_typing_part_of_their_names(cast, march_tenth, login, page):
    org_services.unit_create(actor=cast.sysadmin, code="C-E", name="市住建局", type=UnitType.DEPARTMENT,
                             parent=cast.city)  # fmt: skip
    org_services.unit_create(actor=cast.sysadmin, code="C-F", name="市交通运输局", type=UnitType.DEPARTMENT,
                             parent=cast.city)  # fmt: skip
    login("reporter_a")
    page.goto("/liaison/new/")
    page.fill("input[name=title]", "物流园进场道路与施工许可")
    search = page.locator("#id_departments-ts-control")
    search.click()
    search.press_sequentially("住建")
    expect(page.locator(".ts-dropdown .option")).to_have_text(["市住建局"])
    search.press("Enter")
    search.press_sequentially("资规")
    expect(page.locator(".ts-dropdown .option")).to_have_text(["市资规局"])
    search.press("Enter")
    search.press_sequentially("没有这个")
    expect(page.locator(".ts-dropdown .no-results")).to_have_text("没有匹配的单位")
    search.press("Escape")
    expect(page.locator("#id_copies-ts-control")).to_have_attribute("placeholder", "输入名称搜索")
    page.fill("textarea[name=problem]", "进场道路未通，施工许可未办。")
    page.fill("textarea[name=request]", "请协调道路建设和施工许可。")
    page.click("button[name=send]")
    expect(page.locator(".alert-success")).to_contain_text("联系单已发送")
    sheet = ContactSheet.objects.get(title="物流园进场道路与施工许可")
    assert sorted(sheet.departments.values_list("code", flat=True)) == ["C-D", "C-E"]


def test_a_refused_answer_keeps_the_typed_answer(sheet, login, page):
    login("handler")
    page.goto(f"/liaison/{sheet.pk}/")
    form = page.locator("[data-testid=accept-form]")
    form.locator("textarea[name=answer]").fill("已受理，将统筹调剂用地指标。")
    form.locator("input[name=promised_on]").fill("2026-03-01")
    page.click("[data-testid=accept-submit]")
    expect(form).to_contain_text("承诺办结日期不能早于答复日期（2026-03-10）。")
    expect(form.locator("textarea[name=answer]")).to_have_value("已受理，将统筹调剂用地指标。")
    expect(form.locator("input[name=promised_on]")).to_have_value("2026-03-01")
    form.locator("input[name=promised_on]").fill("2026-03-31")
    page.click("[data-testid=accept-submit]")
    expect(page.locator(".alert-success")).to_contain_text("已受理")
    expect(page.locator("[data-testid=part-C-D]")).to_contain_text("已受理，将统筹调剂用地指标。")

"""The inbox in a real browser: a user opens it, marks an item read, and the unread count goes down."""

import pytest
from playwright.sync_api import expect

from tuijin.notifications.services import notify

pytestmark = pytest.mark.e2e


def test_reporter_marks_an_item_read_and_the_count_goes_down(cast, login):
    notify(
        recipients=[cast.reporter_a],
        kind="liaison.answer_due",
        title="联系单待答复：东湖路改造",
        body="请于 7 日内答复",
    )
    notify(recipients=[cast.reporter_a], kind="liaison.confirm", title="联系单待确认：供水管网")
    notify(recipients=[cast.reporter_b], kind="liaison.confirm", title="别人的消息")

    page = login("reporter_a")
    page.goto("/notifications/")
    expect(page.locator("[data-testid=inbox-item]")).to_have_count(2)
    expect(page.locator("[data-testid=inbox-unread]")).to_have_text("2 条未读")
    expect(page.locator("[data-testid=nav-inbox-count]")).to_have_text("2")
    expect(page.get_by_text("别人的消息")).to_have_count(0)

    page.locator("[data-testid=inbox-item]", has_text="东湖路改造").locator("[data-testid=inbox-mark-read]").click()
    expect(page.locator("[data-testid=inbox-unread]")).to_have_text("1 条未读")
    expect(page.locator("[data-testid=nav-inbox-count]")).to_have_text("1")
    expect(page.locator("[data-testid=inbox-mark-read]")).to_have_count(1)
    # Read items go below the unread ones.
    expect(page.locator("[data-testid=inbox-item]").first).to_contain_text("供水管网")

    page.click("[data-testid=inbox-read-all]")
    expect(page.locator("[data-testid=inbox-unread]")).to_have_text("0 条未读")
    expect(page.locator("[data-testid=nav-inbox-count]")).to_be_hidden()

    page.reload()
    expect(page.locator("[data-testid=inbox-mark-read]")).to_have_count(0)

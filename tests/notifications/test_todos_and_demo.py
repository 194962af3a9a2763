"""我的待办 items from notifications, and the idempotent demo loader."""

import datetime as dt

import pytest
import time_machine

from tuijin.notifications import demo
from tuijin.notifications.models import Delivery, DeliveryStatus, Notification, UnitChannel
from tuijin.notifications.services import notify
from tuijin.notifications.todos import for_user
from tuijin.workdays import services as calendar_services

pytestmark = pytest.mark.django_db


def test_unread_messages_are_a_todo(cast):
    assert for_user(cast.reporter_a) == []
    notify(recipients=[cast.reporter_a], kind="k", title="一")
    notify(recipients=[cast.reporter_a], kind="k", title="二")
    (todo,) = for_user(cast.reporter_a)
    assert todo.count == 2
    assert todo.url == "/notifications/?status=unread"


@pytest.mark.parametrize(("now", "expected"), [("2026-10-20", []), ("2026-11-20", ["录入 2027 年节假日安排"])])
def test_sysadmin_is_reminded_of_next_years_calendar_from_november(cast, now, expected):
    with time_machine.travel(dt.datetime.fromisoformat(f"{now}T10:00:00+08:00"), tick=False):
        assert [t.title for t in for_user(cast.sysadmin)] == expected
        calendar_services.declare_year(actor=cast.sysadmin, year=2027, source="通知")
        assert for_user(cast.sysadmin) == []
        assert for_user(cast.supervisor) == []


def test_sysadmin_sees_failed_robot_messages(cast):
    channel = UnitChannel.objects.create(unit=cast.county_a, webhook_url="http://127.0.0.1:9/")
    (item,) = notify(recipients=[cast.head_a], kind="k", title="t")
    Delivery.objects.create(
        notification=item, channel="webhook", target=channel.webhook_url, status=DeliveryStatus.FAILED
    )
    with time_machine.travel(dt.datetime(2026, 6, 1, 10, tzinfo=dt.UTC), tick=False):
        todos = for_user(cast.sysadmin)
    assert [(t.title, t.count, t.level) for t in todos] == [("群机器人推送失败", 1, "warning")]


def test_demo_load_is_idempotent(cast):
    people = {"demo-reporter": cast.reporter_a, "demo-handler": cast.handler}
    demo.load(people)
    demo.load(people)
    assert Notification.objects.count() == 2
    assert set(Notification.objects.values_list("recipient__username", flat=True)) == {"reporter_a", "handler"}

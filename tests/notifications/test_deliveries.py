"""Email and unit-robot deliveries: queued on commit, sent by the worker, retried with backoff,
logged when they fail for good, rate-limited to 20 a minute per robot. Robots listen on 127.0.0.1."""

import base64
import datetime as dt
import hashlib
import hmac
import logging
import time

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from tuijin.notifications import deliveries
from tuijin.notifications.models import Delivery, DeliveryStatus, Flavour, UnitChannel
from tuijin.notifications.services import notify

pytestmark = pytest.mark.django_db


@pytest.fixture
def channel_a(cast, robot):
    return UnitChannel.objects.create(unit=cast.county_a, webhook_url=robot.url, flavour=Flavour.DINGTALK)


def send(django_capture_on_commit_callbacks, **kwargs):
    with django_capture_on_commit_callbacks(execute=True):
        return notify(**kwargs)


def test_one_robot_message_per_unit_in_dingtalk_markdown(cast, robot, channel_a, django_capture_on_commit_callbacks):
    send(
        django_capture_on_commit_callbacks,
        recipients=[cast.reporter_a, cast.head_a, cast.reporter_b],
        kind="k",
        title="联系单待答复",
        body="请于 10 月 9 日前答复",
        url="/liaison/sheets/7/",
    )
    assert len(robot.received) == 1  # C-B has no robot; C-A's two people share one message
    message = robot.received[0]["json"]
    assert message["msgtype"] == "markdown"
    assert message["markdown"]["title"] == "联系单待答复"
    assert "#### 联系单待答复" in message["markdown"]["text"]
    assert "请于 10 月 9 日前答复" in message["markdown"]["text"]
    assert "[查看详情](/liaison/sheets/7/)" in message["markdown"]["text"]
    assert "reporter_a" in message["markdown"]["text"]
    assert "head_a" in message["markdown"]["text"]
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_error) == (DeliveryStatus.SENT, 1, "")
    assert delivery.sent_at is not None


def test_wecom_flavour_and_absolute_link(cast, robot, settings, django_capture_on_commit_callbacks):
    settings.TUIJIN_SITE_URL = "https://tuijin.example.gov.cn/"
    UnitChannel.objects.create(unit=cast.county_a, webhook_url=robot.url, flavour=Flavour.WECOM)
    send(django_capture_on_commit_callbacks, recipients=[cast.reporter_a], kind="k", title="标题", url="/x/1/")
    content = robot.received[0]["json"]["markdown"]["content"]
    assert content.startswith("#### 标题")
    assert "(https://tuijin.example.gov.cn/x/1/)" in content


def test_dingtalk_signing(cast, robot, django_capture_on_commit_callbacks):
    UnitChannel.objects.create(unit=cast.county_a, webhook_url=robot.url, secret="SECtest")
    send(django_capture_on_commit_callbacks, recipients=[cast.reporter_a], kind="k", title="t")
    query = robot.received[0]["query"]
    assert query["access_token"] == ["test"]
    # DingTalk's rule: base64(HMAC-SHA256(key=secret, "timestamp\nsecret")), URL-encoded.
    timestamp = query["timestamp"][0]
    digest = hmac.new(b"SECtest", f"{timestamp}\nSECtest".encode(), hashlib.sha256).digest()
    assert query["sign"] == [base64.b64encode(digest).decode()]
    assert abs(int(timestamp) - time.time() * 1000) < 60_000


def test_inactive_robot_gets_nothing(cast, robot, channel_a, django_capture_on_commit_callbacks):
    channel_a.is_active = False
    channel_a.save()
    send(django_capture_on_commit_callbacks, recipients=[cast.reporter_a], kind="k", title="t")
    assert robot.received == []
    assert not Delivery.objects.exists()


def test_nothing_is_sent_when_the_action_rolls_back(cast, robot, channel_a, django_capture_on_commit_callbacks):
    def action():
        with transaction.atomic():
            notify(recipients=[cast.reporter_a], kind="k", title="t")
            raise RuntimeError

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        action()
    assert robot.received == []
    assert not Delivery.objects.exists()


def test_a_failing_robot_is_retried_with_backoff_then_failed_and_logged(
    cast, robot, channel_a, caplog, django_capture_on_commit_callbacks
):
    robot.answers = [(500, {"errmsg": "down"})] * 4
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock, caplog.at_level(logging.WARNING):
        (item,) = send(django_capture_on_commit_callbacks, recipients=[cast.reporter_a], kind="k", title="t")
        assert item.pk  # the action itself went through
        delivery = Delivery.objects.get()
        assert (delivery.status, delivery.attempts) == (DeliveryStatus.PENDING, 1)
        assert delivery.last_error == "HTTP 500 Internal Server Error"
        assert delivery.next_attempt_at == start + dt.timedelta(minutes=1)

        assert deliveries.send_due() == 0  # not yet due
        assert len(robot.received) == 1
        for wait, attempts in ((1, 2), (5, 3)):
            clock.shift(dt.timedelta(minutes=wait))
            deliveries.send_due()
            delivery.refresh_from_db()
            assert (delivery.status, delivery.attempts) == (DeliveryStatus.PENDING, attempts)
        clock.shift(dt.timedelta(minutes=30))
        deliveries.send_due()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == (DeliveryStatus.FAILED, 4, None)
    assert delivery.last_error == "HTTP 500 Internal Server Error"
    assert len(robot.received) == 4
    assert any("failed for good" in r.getMessage() and r.levelno == logging.ERROR for r in caplog.records)
    deliveries.send_due()
    assert len(robot.received) == 4  # a failed delivery is not tried again


def test_a_retry_that_succeeds(cast, robot, channel_a, django_capture_on_commit_callbacks):
    robot.answers = [(200, {"errcode": 310000, "errmsg": "sign not match"})]
    with time_machine.travel(timezone.now(), tick=False) as clock:
        send(django_capture_on_commit_callbacks, recipients=[cast.reporter_a], kind="k", title="t")
        assert Delivery.objects.get().last_error == "errcode 310000: sign not match"
        clock.shift(dt.timedelta(minutes=1))
        assert deliveries.send_due() == 1
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SENT, 2)


def test_an_unreachable_robot_is_a_logged_failure_not_an_exception(cast, django_capture_on_commit_callbacks):
    UnitChannel.objects.create(unit=cast.county_a, webhook_url="http://127.0.0.1:9/robot/send")
    send(django_capture_on_commit_callbacks, recipients=[cast.reporter_a], kind="k", title="t")
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.attempts == 1
    assert "URLError" in delivery.last_error or "Connection" in delivery.last_error


def test_at_most_twenty_messages_a_minute_per_robot(cast, robot, channel_a, django_capture_on_commit_callbacks):
    now = timezone.now()
    with time_machine.travel(now, tick=False) as clock:
        for i in range(22):
            send(django_capture_on_commit_callbacks, recipients=[cast.reporter_a], kind="k", title=f"第{i}条")
        assert len(robot.received) == 20
        waiting = Delivery.objects.filter(status=DeliveryStatus.PENDING)
        assert waiting.count() == 2
        # Put off, not attempted: a minute after the sends that filled the window.
        assert set(waiting.values_list("attempts", flat=True)) == {0}
        assert set(waiting.values_list("next_attempt_at", flat=True)) == {now + dt.timedelta(seconds=60)}
        clock.shift(dt.timedelta(seconds=30))
        assert deliveries.send_due() == 0
        clock.shift(dt.timedelta(seconds=31))
        assert deliveries.send_due() == 2
    assert len(robot.received) == 22
    assert not Delivery.objects.exclude(status=DeliveryStatus.SENT).exists()


def test_the_limit_is_per_robot(cast, robot, channel_a, django_capture_on_commit_callbacks):
    from tests.notifications.support import start_robot

    other = start_robot()
    try:
        UnitChannel.objects.create(unit=cast.county_b, webhook_url=other.url)
        with time_machine.travel(timezone.now(), tick=False):
            for _ in range(20):
                send(django_capture_on_commit_callbacks, recipients=[cast.reporter_a], kind="k", title="t")
            send(django_capture_on_commit_callbacks, recipients=[cast.reporter_b], kind="k", title="t")
        assert len(other.received) == 1
    finally:
        other.server.shutdown()
        other.server.server_close()


def test_email_only_when_the_setting_is_on(cast, settings, mailoutbox, django_capture_on_commit_callbacks):
    cast.reporter_a.email = "reporter_a@example.test"
    cast.reporter_a.save()
    settings.TUIJIN_EMAIL_NOTIFICATIONS = False
    send(django_capture_on_commit_callbacks, recipients=[cast.reporter_a, cast.head_a], kind="k", title="待答复")
    assert mailoutbox == []
    assert not Delivery.objects.exists()

    settings.TUIJIN_EMAIL_NOTIFICATIONS = True
    send(
        django_capture_on_commit_callbacks,
        recipients=[cast.reporter_a, cast.head_a],  # head_a has no address
        kind="k",
        title="待答复",
        body="请答复",
        url="/liaison/1/",
    )
    assert [m.to for m in mailoutbox] == [["reporter_a@example.test"]]
    assert mailoutbox[0].subject == "[推进] 待答复"
    assert "请答复" in mailoutbox[0].body
    assert Delivery.objects.get().status == DeliveryStatus.SENT

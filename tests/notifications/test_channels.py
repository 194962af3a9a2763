"""Unit robot settings: sysadmin only, audited, with a test message to a local robot."""

import pytest
from django.urls import reverse

from tuijin.audit.models import AuditEvent
from tuijin.notifications.models import UnitChannel

pytestmark = pytest.mark.django_db


def test_sysadmin_lists_units_and_their_robots(cast, client_for, robot, django_assert_max_num_queries):
    UnitChannel.objects.create(unit=cast.county_a, webhook_url=robot.url)
    client = client_for(cast.sysadmin)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("notifications:channels"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "甲县" in html
    assert "钉钉群机器人" in html


def test_sysadmin_sets_a_robot_and_sends_a_test_message(cast, client_for, robot):
    client = client_for(cast.sysadmin)
    url = reverse("notifications:channel_edit", args=["C-A"])
    response = client.post(url, {"webhook_url": robot.url, "flavour": "wecom", "secret": "", "is_active": "on"})
    assert response.status_code == 302
    channel = UnitChannel.objects.get(unit=cast.county_a)
    assert (channel.webhook_url, channel.flavour, channel.is_active) == (robot.url, "wecom", True)
    assert AuditEvent.objects.filter(object_type="notifications.unitchannel", action="create").exists()

    response = client.post(reverse("notifications:channel_test", args=["C-A"]), follow=True)
    assert "测试消息已发送" in response.content.decode()
    assert "甲县" in robot.received[0]["json"]["markdown"]["content"]

    robot.answers = [(500, {})]
    response = client.post(reverse("notifications:channel_test", args=["C-A"]), follow=True)
    assert "测试消息发送失败：HTTP 500" in response.content.decode()


def test_the_secret_is_kept_when_left_blank_and_never_audited(cast, client_for, robot):
    client = client_for(cast.sysadmin)
    url = reverse("notifications:channel_edit", args=["C-A"])
    client.post(url, {"webhook_url": robot.url, "flavour": "dingtalk", "secret": "SECabc", "is_active": "on"})
    client.post(url, {"webhook_url": robot.url, "flavour": "dingtalk", "secret": "", "is_active": ""})
    channel = UnitChannel.objects.get()
    assert channel.secret == "SECabc"
    assert channel.is_active is False
    assert not any("SECabc" in str(e.changes) for e in AuditEvent.objects.all())
    assert "SECabc" not in client.get(url).content.decode()


def test_a_plain_http_address_is_refused_outside_tests(cast, client_for, settings):
    settings.TESTING, settings.DEBUG = False, False
    response = client_for(cast.sysadmin).post(
        reverse("notifications:channel_edit", args=["C-A"]),
        {"webhook_url": "http://oapi.dingtalk.com/robot/send", "flavour": "dingtalk"},
    )
    assert response.status_code == 200
    assert "https://" in response.content.decode()
    assert not UnitChannel.objects.exists()


def test_delete(cast, client_for, robot):
    UnitChannel.objects.create(unit=cast.county_a, webhook_url=robot.url)
    response = client_for(cast.sysadmin).post(reverse("notifications:channel_delete", args=["C-A"]))
    assert response.status_code == 302
    assert not UnitChannel.objects.exists()


@pytest.mark.parametrize("who", ["supervisor", "head_a", "reporter_a", "secadmin", "auditor", "leader"])
def test_everyone_else_is_refused_and_nothing_changes(cast, client_for, robot, who):
    UnitChannel.objects.create(unit=cast.county_a, webhook_url=robot.url)
    client = client_for(getattr(cast, who))
    assert client.get(reverse("notifications:channels")).status_code == 403
    edit = reverse("notifications:channel_edit", args=["C-A"])
    assert client.get(edit).status_code == 403
    assert client.post(edit, {"webhook_url": "https://x.example/", "flavour": "wecom"}).status_code == 403
    assert client.post(reverse("notifications:channel_test", args=["C-A"])).status_code == 403
    assert client.post(reverse("notifications:channel_delete", args=["C-A"])).status_code == 403
    assert UnitChannel.objects.get().webhook_url == robot.url
    assert robot.received == []

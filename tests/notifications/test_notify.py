"""notify() puts one item in each recipient's inbox; a dedupe key makes it idempotent; resolve() closes items."""

import pytest

from tuijin.notifications.models import Delivery, Notification
from tuijin.notifications.services import mark_all_read, mark_read, notify, resolve

pytestmark = pytest.mark.django_db


def test_notify_gives_each_recipient_one_item(cast):
    items = notify(
        recipients=[cast.reporter_a, cast.head_a, cast.reporter_a],
        kind="liaison.answer_due",
        title="联系单待答复",
        body="请于 7 日内答复",
        url="/liaison/1/",
        obj=cast.county_a,
    )
    assert sorted(n.recipient.username for n in items) == ["head_a", "reporter_a"]
    item = Notification.objects.get(recipient=cast.reporter_a)
    assert (item.kind, item.title, item.url, item.obj) == (
        "liaison.answer_due",
        "联系单待答复",
        "/liaison/1/",
        cast.county_a,
    )
    assert item.read_at is None
    assert item.done_at is None


def test_inactive_accounts_get_nothing(cast):
    cast.reporter_b.is_active = False
    cast.reporter_b.save()
    assert notify(recipients=[cast.reporter_b], kind="k", title="t") == []


def test_same_dedupe_key_twice_creates_nothing_the_second_time(cast):
    first = notify(recipients=[cast.reporter_a], kind="k", title="提醒", dedupe_key="sheet:1:due:2026-10-09")
    second = notify(
        recipients=[cast.reporter_a, cast.head_a], kind="k", title="提醒", dedupe_key="sheet:1:due:2026-10-09"
    )
    assert len(first) == 1
    assert [n.recipient for n in second] == [cast.head_a]
    assert Notification.objects.filter(recipient=cast.reporter_a).count() == 1
    # Another key (another day) is another reminder.
    assert len(notify(recipients=[cast.reporter_a], kind="k", title="提醒", dedupe_key="sheet:1:due:2026-10-10")) == 1


def test_without_dedupe_key_every_call_is_a_new_item(cast):
    notify(recipients=[cast.reporter_a], kind="k", title="一")
    notify(recipients=[cast.reporter_a], kind="k", title="一")
    assert Notification.objects.filter(recipient=cast.reporter_a).count() == 2


def test_notify_rolls_back_with_the_callers_transaction(cast):
    from django.db import transaction

    def action():
        with transaction.atomic():
            notify(recipients=[cast.reporter_a], kind="k", title="t")
            raise RuntimeError

    with pytest.raises(RuntimeError):
        action()
    assert not Notification.objects.exists()


def test_resolve_closes_the_open_items_about_the_object_of_those_kinds(cast):
    notify(recipients=[cast.reporter_a, cast.head_a], kind="answer", title="待答复", obj=cast.county_a)
    notify(recipients=[cast.reporter_a], kind="confirm", title="待确认", obj=cast.county_a)
    notify(recipients=[cast.reporter_a], kind="answer", title="别的", obj=cast.county_b)

    assert resolve(obj=cast.county_a, kinds=["answer"]) == 2
    assert resolve(obj=cast.county_a, kinds=["answer"]) == 0
    open_items = Notification.objects.filter(done_at__isnull=True)
    assert sorted(open_items.values_list("title", flat=True)) == ["别的", "待确认"]
    assert resolve(obj=cast.county_a) == 1
    assert list(open_items.values_list("title", flat=True)) == ["别的"]


def test_mark_read_only_for_the_recipient(cast):
    from django.core.exceptions import PermissionDenied

    (item,) = notify(recipients=[cast.reporter_a], kind="k", title="t")
    with pytest.raises(PermissionDenied):
        mark_read(user=cast.reporter_b, notification=item)
    item.refresh_from_db()
    assert item.read_at is None
    assert mark_read(user=cast.reporter_a, notification=item) is True
    assert mark_read(user=cast.reporter_a, notification=item) is False


def test_mark_all_read_touches_only_own_items(cast):
    notify(recipients=[cast.reporter_a, cast.reporter_b], kind="k", title="t")
    notify(recipients=[cast.reporter_a], kind="k", title="t2")
    assert mark_all_read(user=cast.reporter_a) == 2
    assert Notification.objects.filter(recipient=cast.reporter_b, read_at__isnull=True).count() == 1


def test_no_deliveries_without_email_setting_or_robot(cast, settings):
    settings.TUIJIN_EMAIL_NOTIFICATIONS = False
    cast.reporter_a.email = "a@example.test"
    cast.reporter_a.save()
    notify(recipients=[cast.reporter_a], kind="k", title="t")
    assert not Delivery.objects.exists()

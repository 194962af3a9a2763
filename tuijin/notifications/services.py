"""Writes for the inbox and the unit robots.

`notify` and `resolve` are called by the other apps inside their own transactions: they add
or close inbox items and queue the outbound copies (email, unit robot) for the background
worker once the caller's transaction commits — a delivery can never roll back or block the
action that caused it. Inbox items are not audited (they are the consequence of an audited
action, and reading one's own messages is not a change to the record); robot settings are.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tuijin.audit import services as audit
from tuijin.audit.models import AuditAction
from tuijin.notifications import conf, deliveries
from tuijin.notifications.models import Channel, Delivery, Flavour, Notification, UnitChannel
from tuijin.orgs import policy

MAX_TITLE = Notification._meta.get_field("title").max_length
MAX_KEY = Notification._meta.get_field("dedupe_key").max_length


def email_enabled() -> bool:
    return conf.EMAIL_NOTIFICATIONS


def notify(
    *,
    recipients: Iterable,
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    obj: models.Model | None = None,
    dedupe_key: str = "",
) -> list[Notification]:
    """One inbox item per recipient (inactive accounts and repeats skipped); returns the new items.

    With a `dedupe_key`, a recipient who already has an item with that key gets nothing new,
    so a timer may call this again for the same thing and day without telling anyone twice.
    Email (when `TUIJIN_EMAIL_NOTIFICATIONS` is on) and one message per unit robot are queued
    for the worker when the surrounding transaction commits.
    """
    if not kind or not title:
        raise ValueError("notify() needs a kind and a title")
    if len(dedupe_key) > MAX_KEY:
        raise ValueError(f"dedupe_key longer than {MAX_KEY} characters")
    people = {u.pk: u for u in recipients if u is not None and u.pk and u.is_active}
    if not people:
        return []
    if dedupe_key:
        done = set(
            Notification.objects.filter(recipient__in=list(people), dedupe_key=dedupe_key).values_list(
                "recipient_id", flat=True
            )
        )
        people = {pk: u for pk, u in people.items() if pk not in done}
    link = {}
    if obj is not None:
        link = {"content_type": ContentType.objects.get_for_model(obj), "object_id": obj.pk}
    created: list[Notification] = []
    for user in people.values():
        item = Notification(
            recipient=user, kind=kind, title=title[:MAX_TITLE], body=body, url=url, dedupe_key=dedupe_key, **link
        )
        if dedupe_key:
            try:
                with transaction.atomic():  # a concurrent timer may have told this person already
                    item.save()
            except IntegrityError:
                continue
        else:
            item.save()
        created.append(item)
    _queue_deliveries(created)
    return created


def _queue_deliveries(items: list[Notification]) -> None:
    rows: list[Delivery] = []
    if email_enabled():
        rows += [
            Delivery(notification=n, channel=Channel.EMAIL, target=n.recipient.email)
            for n in items
            if n.recipient.email
        ]
    by_unit: dict[int, list[Notification]] = {}
    for n in items:
        if n.recipient.unit_id:
            by_unit.setdefault(n.recipient.unit_id, []).append(n)
    if by_unit:
        for channel in UnitChannel.objects.filter(unit_id__in=list(by_unit), is_active=True):
            group = by_unit[channel.unit_id]
            names = "、".join(str(n.recipient) for n in group)
            rows.append(
                Delivery(
                    notification=group[0],
                    channel=Channel.WEBHOOK,
                    target=channel.webhook_url,
                    unit_channel=channel,
                    mentions=names[:500],
                )
            )
    if rows:
        Delivery.objects.bulk_create(rows)
        ids = [d.pk for d in rows]
        transaction.on_commit(lambda: deliveries.enqueue(ids), robust=True)


def resolve(*, obj: models.Model, kinds: Iterable[str] | None = None) -> int:
    """Close the open inbox items about `obj` (only those of `kinds` when given); returns how many."""
    qs = Notification.objects.about(obj).open()
    if kinds is not None:
        qs = qs.filter(kind__in=list(kinds))
    return qs.update(done_at=timezone.now())


def mark_read(*, user, notification: Notification) -> bool:
    """Mark one of the user's own items read; False when it was already read."""
    if notification.recipient_id != user.pk:
        raise PermissionDenied(_("只能处理自己的消息。"))
    return bool(
        Notification.objects.filter(pk=notification.pk, recipient=user, read_at__isnull=True).update(
            read_at=timezone.now()
        )
    )


def mark_all_read(*, user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())


# --- unit robots ---------------------------------------------------------------------------

CHANNEL_FIELDS = ("webhook_url", "flavour", "secret", "is_active")


def _validate_webhook(url: str, flavour: str) -> None:
    errors = {}
    allow_http = settings.DEBUG or getattr(settings, "TESTING", False)
    if not (url.startswith("https://") or (allow_http and url.startswith("http://"))):
        errors["webhook_url"] = _("Webhook 地址须以 https:// 开头。")
    if flavour not in Flavour.values:
        errors["flavour"] = _("请选择机器人类型。")
    if errors:
        raise ValidationError(errors)


def channel_save(*, actor, unit, webhook_url: str, flavour: str, secret: str = "", is_active: bool = True):
    """Create or change the unit's robot (sysadmin, unit in scope). Audited; the secret is never logged."""
    policy.require(actor, "notification.manage", unit)
    webhook_url = webhook_url.strip()
    _validate_webhook(webhook_url, flavour)
    with transaction.atomic():
        channel = UnitChannel.objects.select_for_update().filter(unit=unit).first()
        before = audit.snapshot(channel, CHANNEL_FIELDS) if channel else None
        if channel is None:
            channel = UnitChannel(unit=unit)
        channel.webhook_url, channel.flavour, channel.is_active = webhook_url, flavour, is_active
        if secret:
            channel.secret = secret.strip()
        channel.save()
        after = audit.snapshot(channel, CHANNEL_FIELDS)
        changes = audit.diff(before, after) if before else audit.created(after)
        if "secret" in changes:
            changes["secret"] = ["***", "***"]
        audit.record(
            actor=actor, action=AuditAction.UPDATE if before else AuditAction.CREATE, obj=channel, changes=changes
        )
    return channel


def channel_delete(*, actor, channel: UnitChannel) -> None:
    policy.require(actor, "notification.manage", channel.unit)
    with transaction.atomic():
        before = audit.snapshot(channel, ("webhook_url", "flavour", "is_active"))
        audit.record(actor=actor, action=AuditAction.DELETE, obj=channel, changes=audit.deleted(before))
        channel.delete()


def channel_test(*, actor, channel: UnitChannel) -> deliveries.SendResult:
    """Send a test message to the unit's robot now and say what the robot answered."""
    policy.require(actor, "notification.manage", channel.unit)
    result = deliveries.post_webhook(
        channel,
        title=_("推进平台测试消息"),
        text=_("这是一条测试消息，收到即表示“%(unit)s”的群机器人设置正确。") % {"unit": channel.unit.name},
        url="",
    )
    with transaction.atomic():  # the robot was called outside any transaction; only the record is written here
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=channel,
            note=("test message sent" if result.ok else f"test message failed: {result.error}")[:500],
        )
    return result

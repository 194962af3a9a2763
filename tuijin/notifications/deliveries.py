"""Sending inbox items outside the platform: email and unit group robots (DingTalk / WeCom).

Each `Delivery` is sent by the background worker (`send_delivery` task, enqueued on commit).
A failure is written on the row and retried after 1, 5 and 30 minutes; after that the row is
`failed` and keeps its last error. A robot takes at most 20 messages a minute
(`WEBHOOK_PER_MINUTE`): beyond that a delivery is put off, not sent and not counted as an
attempt. Retries are queued with `run_after` where the task backend can defer; `send_due`
(run by the daily timers and by `manage.py send_deliveries`) picks up whatever is due anyway,
e.g. after the worker was down.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import logging
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from django.core.mail import EmailMessage
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from tuijin.notifications import conf
from tuijin.notifications.models import Channel, Delivery, DeliveryStatus, Flavour, UnitChannel

logger = logging.getLogger(__name__)

BACKOFF = (dt.timedelta(minutes=1), dt.timedelta(minutes=5), dt.timedelta(minutes=30))
MAX_ATTEMPTS = len(BACKOFF) + 1
WEBHOOK_PER_MINUTE = 20
WINDOW = dt.timedelta(seconds=60)
TIMEOUT_SECONDS = 5


@dataclass(frozen=True)
class SendResult:
    ok: bool
    error: str = ""


# --- queueing ------------------------------------------------------------------------------


def enqueue(ids: list[int]) -> None:
    """Hand deliveries to the worker (called on commit; a queue failure leaves them for `send_due`)."""
    for pk in ids:
        try:
            send_delivery.enqueue(pk)
        except Exception:  # the worker's queue is down: the row stays pending and send_due sends it
            logger.exception("could not enqueue delivery %s", pk)


def _enqueue_later(pk: int, when: dt.datetime) -> None:
    if not send_delivery.get_backend().supports_defer:
        return  # send_due picks it up when it is due
    try:
        send_delivery.using(run_after=when).enqueue(pk)
    except Exception:
        logger.exception("could not enqueue the retry of delivery %s", pk)


@task
def send_delivery(delivery_id: int) -> str:
    return attempt(delivery_id)


@task
def send_due_task() -> int:
    """`send_due` in the worker (queued every minute by the scheduler, tuijin.notifications.scheduler)."""
    return send_due()


def send_due(now: dt.datetime | None = None) -> int:
    """Attempt every pending delivery that is due (never attempted, or its retry time has come)."""
    now = now or timezone.now()
    ids = list(
        Delivery.objects.filter(status=DeliveryStatus.PENDING)
        .exclude(next_attempt_at__gt=now)
        .order_by("id")
        .values_list("pk", flat=True)
    )
    return sum(attempt(pk, now=now) == DeliveryStatus.SENT for pk in ids)


# --- one attempt ---------------------------------------------------------------------------


def attempt(delivery_id: int, *, now: dt.datetime | None = None) -> str:
    """Try one delivery once if it is due; returns its status afterwards ("" when it is gone)."""
    now = now or timezone.now()
    claimed = _claim(delivery_id, now)
    if claimed is None:
        row = Delivery.objects.filter(pk=delivery_id).values_list("status", flat=True).first()
        return row or ""
    delivery, put_off = claimed
    if put_off is not None:
        logger.info("delivery %s put off to %s: robot rate limit", delivery.pk, put_off)
        _enqueue_later(delivery.pk, put_off)
        return DeliveryStatus.PENDING
    try:
        result = _send(delivery)
    except Exception as exc:  # a bug in a payload must not kill the worker either
        logger.exception("delivery %s raised", delivery.pk)
        result = SendResult(False, f"{type(exc).__name__}: {exc}")
    return _record(delivery, result, now)


def _claim(delivery_id: int, now: dt.datetime) -> tuple[Delivery, dt.datetime | None] | None:
    """Lock the row (and the robot, so two workers cannot both take the 20th slot) and book the try."""
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(of=("self",))
            .select_related("notification__recipient", "unit_channel__unit")
            .filter(pk=delivery_id, status=DeliveryStatus.PENDING)
            .exclude(next_attempt_at__gt=now)
            .first()
        )
        if delivery is None:
            return None
        if delivery.channel == Channel.WEBHOOK:
            if delivery.unit_channel_id:
                UnitChannel.objects.select_for_update().filter(pk=delivery.unit_channel_id).first()
            recent = Delivery.objects.filter(
                channel=Channel.WEBHOOK, target=delivery.target, last_attempt_at__gt=now - WINDOW
            ).exclude(pk=delivery.pk)
            if recent.count() >= WEBHOOK_PER_MINUTE:
                # The slot frees up a minute after the oldest send in the window.
                oldest = recent.order_by("last_attempt_at").values_list("last_attempt_at", flat=True)[
                    recent.count() - WEBHOOK_PER_MINUTE
                ]
                put_off = max(oldest + WINDOW, now + dt.timedelta(seconds=1))
                Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=put_off)
                return delivery, put_off
        Delivery.objects.filter(pk=delivery.pk).update(last_attempt_at=now, attempts=delivery.attempts + 1)
        delivery.attempts += 1
        delivery.last_attempt_at = now
    return delivery, None


def _record(delivery: Delivery, result: SendResult, now: dt.datetime) -> str:
    if result.ok:
        Delivery.objects.filter(pk=delivery.pk).update(
            status=DeliveryStatus.SENT, sent_at=timezone.now(), next_attempt_at=None, last_error=""
        )
        return DeliveryStatus.SENT
    error = result.error[:2000]
    if delivery.attempts >= MAX_ATTEMPTS:
        logger.error("delivery %s failed for good after %s attempts: %s", delivery.pk, delivery.attempts, error)
        Delivery.objects.filter(pk=delivery.pk).update(
            status=DeliveryStatus.FAILED, last_error=error, next_attempt_at=None
        )
        return DeliveryStatus.FAILED
    retry_at = now + BACKOFF[delivery.attempts - 1]
    logger.warning("delivery %s failed (attempt %s), retry at %s: %s", delivery.pk, delivery.attempts, retry_at, error)
    Delivery.objects.filter(pk=delivery.pk).update(last_error=error, next_attempt_at=retry_at)
    _enqueue_later(delivery.pk, retry_at)
    return DeliveryStatus.PENDING


# --- the channels --------------------------------------------------------------------------


def absolute_url(url: str) -> str:
    base = conf.SITE_URL.rstrip("/")
    if not url or url.startswith(("http://", "https://")) or not base:
        return url
    return f"{base}/{url.lstrip('/')}"


def _send(delivery: Delivery) -> SendResult:
    n = delivery.notification
    if delivery.channel == Channel.EMAIL:
        text = "\n\n".join(part for part in (n.body, absolute_url(n.url)) if part)
        EmailMessage(subject=f"[推进] {n.title}", body=text or n.title, to=[delivery.target]).send()
        return SendResult(True)
    channel = delivery.unit_channel
    if channel is None or not channel.is_active or channel.webhook_url != delivery.target:
        return SendResult(False, "单位群机器人已停用或地址已更改")
    text = n.body
    if delivery.mentions:
        text = f"{text}\n\n接收人：{delivery.mentions}" if text else f"接收人：{delivery.mentions}"
    return post_webhook(channel, title=n.title, text=text, url=absolute_url(n.url))


def payload(flavour: str, *, title: str, text: str, url: str) -> dict:
    """The robot's markdown message: a heading, the text, and a link to the item."""
    lines = [f"#### {title}"]
    if text:
        lines.append(text)
    if url:
        lines.append(f"[查看详情]({url})")
    markdown = "\n\n".join(lines)
    if flavour == Flavour.WECOM:
        return {"msgtype": "markdown", "markdown": {"content": markdown}}
    return {"msgtype": "markdown", "markdown": {"title": title, "text": markdown}}


def signed_url(url: str, secret: str, *, timestamp_ms: int | None = None) -> str:
    """DingTalk 加签: timestamp and HMAC-SHA256("timestamp\\nsecret") in the query string."""
    timestamp = str(timestamp_ms if timestamp_ms is not None else round(time.time() * 1000))
    digest = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    sign = urllib.parse.quote_plus(base64.b64encode(digest))
    return f"{url}{'&' if '?' in url else '?'}timestamp={timestamp}&sign={sign}"


def post_webhook(channel: UnitChannel, *, title: str, text: str, url: str) -> SendResult:
    target = channel.webhook_url
    if channel.flavour == Flavour.DINGTALK and channel.secret:
        target = signed_url(target, channel.secret)
    data = json.dumps(payload(channel.flavour, title=title, text=text, url=url), ensure_ascii=False).encode()
    request = urllib.request.Request(  # noqa: S310 (the address is an administrator's https robot URL)
        target, data=data, method="POST", headers={"Content-Type": "application/json; charset=utf-8"}
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            body = response.read(4096)
    except urllib.error.HTTPError as exc:
        return SendResult(False, f"HTTP {exc.code} {exc.reason}")
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        return SendResult(False, f"{type(exc).__name__}: {getattr(exc, 'reason', exc)}")
    # Both robots answer 200 with {"errcode": 0, "errmsg": "ok"}; anything else is a refusal.
    try:
        answer = json.loads(body or b"{}")
    except ValueError:
        return SendResult(False, f"unexpected answer: {body[:200]!r}")
    errcode = answer.get("errcode", 0) if isinstance(answer, dict) else 0
    if errcode:
        return SendResult(False, f"errcode {errcode}: {answer.get('errmsg', '')}")
    return SendResult(True)


__all__ = [
    "BACKOFF",
    "MAX_ATTEMPTS",
    "WEBHOOK_PER_MINUTE",
    "attempt",
    "enqueue",
    "send_delivery",
    "send_due",
    "send_due_task",
]

"""Every write to a bulletin: draft, edit a paragraph, publish, new version, record a reading.

Each function checks the policy (a supervisor whose view covers the bulletin's scope), validates,
writes under `transaction.atomic` and records its audit event. Publishing freezes: the snapshot,
the .docx and the .pdf (with their SHA-256) are written once and never again; nothing here
changes a published bulletin's content afterwards.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tuijin.audit.services import AuditAction, record
from tuijin.bulletins import conf, document, drafting, queries, rendering
from tuijin.bulletins.models import Block, Bulletin, BulletinRead, Chart, PeriodType, Status
from tuijin.core.concurrency import lock_current
from tuijin.orgs import policy
from tuijin.orgs.models import Unit, User

MAX_TEXT = 4000
EXISTS = gettext_lazy("该期间和范围的通报已存在；更正请在已发布的通报上生成新版本。")
DRAFT_EXISTS = gettext_lazy("该期间和范围已有未发布的通报草稿，请打开草稿修改后发布。")
PUBLISHED_EXISTS = gettext_lazy("该期间和范围的通报已发布；更正请在已发布的通报上生成新版本。")


class BulletinExists(ValidationError):
    """The period and scope have a bulletin already: `existing` is its latest version (a draft to
    finish, or the published one to correct), for the page to link to."""

    def __init__(self, existing: Bulletin | None):
        self.existing = existing
        message = EXISTS if existing is None else DRAFT_EXISTS if existing.is_draft else PUBLISHED_EXISTS
        super().__init__(message, code="exists")


def _existing(period_type: str, year: int, period: int, scope_unit: Unit | None) -> Bulletin | None:
    first = Bulletin.objects.filter(period_type=period_type, year=year, period=period, scope_unit=scope_unit,
                                    number=1).first()  # fmt: skip
    if first is None:
        return None
    return Bulletin.objects.filter(series=first.series).order_by("-number").first()


NOTIFY_KIND = "bulletin.published"


def _require_manage(actor: User, scope_unit: Unit | None) -> None:
    if not queries.may_manage(actor, scope_unit):
        raise PermissionDenied(_("您没有管理该范围通报的权限。"))


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def validate_period(period_type: str, year: int, period: int) -> drafting.Period:
    if period_type not in PeriodType.values:
        raise ValidationError({"period_type": _("期间类型须为月度或季度。")})
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": _("年度超出范围。")})
    top = 12 if period_type == PeriodType.MONTH else 4
    if not 1 <= period <= top:
        raise ValidationError({"period": _("月份须在 1 到 12 之间。") if top == 12 else _("季度须在 1 到 4 之间。")})
    return drafting.Period(year, period_type, period)


def _write_draft(bulletin: Bulletin, doc: document.Document) -> None:
    Block.objects.bulk_create([Block(bulletin=bulletin, key=k, generated=t, text=t) for k, t in doc.blocks.items()])
    Chart.objects.bulk_create([Chart(bulletin=bulletin, key=k, png=png, sha256=sha256(png))
                               for k, png in doc.charts.items()])  # fmt: skip


def _subtitle(period: drafting.Period, scope_unit: Unit | None) -> str:
    return f"（{period.label}，{drafting.subject(scope_unit)}）"


def validate_selection(indicators=(), groups=()) -> dict:
    """Codes of existing indicators and ranking groups (empty: all of them)."""
    from tuijin.indicators.models import Indicator
    from tuijin.orgs.models import RankingGroup

    selection = {"indicators": sorted(set(indicators or ())), "groups": sorted(set(groups or ()))}
    for name, model in (("indicators", Indicator), ("groups", RankingGroup)):
        known = set(model.objects.filter(code__in=selection[name]).values_list("code", flat=True))
        if unknown := [c for c in selection[name] if c not in known]:
            raise ValidationError({name: _("编码不存在：%(codes)s") % {"codes": "、".join(unknown)}})
    return {k: v for k, v in selection.items() if v}


def bulletin_create(
    *, actor: User, period_type: str, year: int, period: int, scope_unit: Unit | None = None,
    indicators=(), groups=(), today=None,
) -> Bulletin:  # fmt: skip
    """Draft the bulletin of a period and scope from the data as it is now (all indicators and
    ranking groups of the scope, or those named)."""
    _require_manage(actor, scope_unit)
    p = validate_period(period_type, year, period)
    selection = validate_selection(indicators, groups)
    if existing := _existing(period_type, year, period, scope_unit):
        raise BulletinExists(existing)
    doc = drafting.draft(period=p, scope_unit=scope_unit, selection=selection, today=today)
    with transaction.atomic():
        try:
            with transaction.atomic():  # two drafts at once: the second meets the unique constraint
                bulletin = Bulletin.objects.create(
                    title=drafting.title(p, scope_unit), period_type=period_type, year=year, period=period,
                    scope_unit=scope_unit, selection=selection,
                    content=doc.as_content(subtitle=_subtitle(p, scope_unit)), created_by=actor,
                )  # fmt: skip
        except IntegrityError:
            raise BulletinExists(_existing(period_type, year, period, scope_unit)) from None
        _write_draft(bulletin, doc)
        record(actor=actor, action=AuditAction.CREATE, obj=bulletin,
               changes={"period": [None, p.label], "scope": [None, drafting.subject(scope_unit)]})  # fmt: skip
    return bulletin


def bulletin_new_version(*, actor: User, previous: Bulletin, today=None) -> Bulletin:
    """A correction: the next version of a published bulletin, drafted again from current data;
    its `changes` list what differs from the previous version's snapshot (figures and texts)."""
    _require_manage(actor, previous.scope_unit)
    if previous.status != Status.PUBLISHED:
        raise ValidationError(_("只有已发布的通报才能生成新版本。"))
    if Bulletin.objects.filter(series=previous.series, number__gt=previous.number).exists():
        raise ValidationError(_("该通报已有更新的版本。"))
    p = drafting.Period(previous.year, previous.period_type, previous.period)
    doc = drafting.draft(period=p, scope_unit=previous.scope_unit, selection=previous.selection, today=today)
    with transaction.atomic():
        # Locked, and asked again: two corrections at once must not both become the next number.
        Bulletin.objects.select_for_update().get(pk=previous.pk)
        if Bulletin.objects.filter(series=previous.series, number__gt=previous.number).exists():
            raise ValidationError(_("该通报已有更新的版本。"))
        bulletin = Bulletin.objects.create(
            series=previous.series, number=previous.number + 1, previous=previous, title=previous.title,
            period_type=previous.period_type, year=previous.year, period=previous.period,
            scope_unit=previous.scope_unit, selection=previous.selection,
            content=doc.as_content(subtitle=previous.content.get("subtitle", "")),
            changes=document.changes(previous.snapshot.get("items", []), doc.items), created_by=actor,
        )  # fmt: skip
        _write_draft(bulletin, doc)
        record(actor=actor, action=AuditAction.CREATE, obj=bulletin,
               changes={"version": [previous.number, bulletin.number]}, note=_("更正：生成新版本"))  # fmt: skip
    return bulletin


def block_edit(*, actor: User, block: Block, text: str, expected_version: int | None) -> Block:
    """Edit one paragraph of a draft (optimistic locking on the block)."""
    bulletin = block.bulletin
    _require_manage(actor, bulletin.scope_unit)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("段落不能为空。")})
    if len(text) > MAX_TEXT:
        raise ValidationError({"text": _("段落不能超过 %(n)d 字。") % {"n": MAX_TEXT}})
    if any(ord(ch) < 32 and ch not in "\t\n\r" for ch in text):  # Word and PDF cannot hold them
        raise ValidationError({"text": _("段落含有不可显示的控制字符，请删除后再保存。")})
    with transaction.atomic():
        locked_bulletin = Bulletin.objects.select_for_update().get(pk=bulletin.pk)
        if locked_bulletin.status != Status.DRAFT:
            raise ValidationError(_("通报已发布，不能再修改；更正请生成新版本。"))
        fresh = lock_current(block, expected_version)
        before = fresh.text
        if before == text:
            return fresh
        fresh.text, fresh.version = text, fresh.version + 1
        fresh.edited_by, fresh.edited_at = actor, timezone.now()
        fresh.save(update_fields=["text", "version", "edited_by", "edited_at"])
        Bulletin.objects.filter(pk=bulletin.pk).update(version=F("version") + 1)
        record(actor=actor, action=AuditAction.UPDATE, obj=locked_bulletin,
               changes={f"block:{fresh.key}": [before, text]})  # fmt: skip
    return fresh


def resolved(bulletin: Bulletin) -> dict:
    """The document to show or render: the snapshot once published; for a draft, the content
    with the current text of every paragraph and the changes against the previous version."""
    if bulletin.status == Status.PUBLISHED:
        return bulletin.snapshot
    texts = dict(bulletin.blocks.values_list("key", "text"))
    items = [{**item, "text": texts.get(item["key"], item["text"])} if item["type"] == "p" else item
             for item in bulletin.content.get("items", [])]  # fmt: skip
    doc = {"title": bulletin.title, "subtitle": bulletin.content.get("subtitle", ""), "date": "", "items": items,
           "official": official(None), "draft": True}  # fmt: skip
    if bulletin.previous_id:
        doc["changes"] = document.changes(bulletin.previous.snapshot.get("items", []), items)
    return doc


def doc_number(year: int | None, seq: int | None) -> str:
    """示督通〔2026〕12号; a draft's number is left blank (示督通〔2026〕  号) until it is published."""
    year = year or timezone.localdate().year
    return f"{conf.number_prefix()}〔{year}〕{seq if seq else '\u3000\u3000'}号"


def official(number: str | None) -> dict:
    """The parts of the official form (GB/T 9704) the files print around the text: the 版头's organ
    mark and 文号, 主送, the signing organ and the 版记's 抄送 (frozen in the snapshot at publishing)."""
    return {"mark": conf.organ_mark(), "number": number or doc_number(None, None), "organ": conf.organ(),
            "recipients": conf.main_recipients(), "copy_to": conf.copy_to()}  # fmt: skip


def _next_doc_seq(year: int) -> int:
    """The next 发文序号 of `year`, with the year's numbered bulletins locked (in pk order), so two
    publications never take one number; the unique constraint is the backstop."""
    numbered = Bulletin.objects.select_for_update().filter(doc_year=year).order_by("pk")
    last = max((b.doc_seq or 0 for b in numbered.only("pk", "doc_seq")), default=0)
    return last + 1


def chart_pngs(bulletin: Bulletin) -> dict[str, bytes]:
    return {key: bytes(png) for key, png in bulletin.charts.values_list("key", "png")}


def chinese_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def bulletin_publish(*, actor: User, bulletin: Bulletin, expected_version: int | None) -> Bulletin:
    """Freeze the draft: snapshot, .docx and .pdf with their SHA-256; notify every unit in scope."""
    _require_manage(actor, bulletin.scope_unit)
    with transaction.atomic():
        fresh = lock_current(bulletin, expected_version)
        if fresh.status != Status.DRAFT:
            raise ValidationError(_("该通报已发布。"))
        if fresh.previous_id and fresh.previous.status != Status.PUBLISHED:
            raise ValidationError(_("上一版本尚未发布。"))
        now = timezone.now()
        fresh.doc_year = timezone.localdate(now).year
        fresh.doc_seq = _next_doc_seq(fresh.doc_year)
        fresh.doc_number = doc_number(fresh.doc_year, fresh.doc_seq)
        snapshot = {**resolved(fresh), "date": chinese_date(timezone.localdate(now)), "draft": False,
                    "official": official(fresh.doc_number)}  # fmt: skip
        charts = chart_pngs(fresh)
        snapshot["charts"] = {key: sha256(png) for key, png in charts.items()}
        fresh.changes = snapshot.get("changes", [])
        docx_bytes, pdf_bytes = rendering.docx(snapshot, charts), rendering.pdf(snapshot, charts)
        fresh.snapshot, fresh.status, fresh.published_by, fresh.published_at = snapshot, Status.PUBLISHED, actor, now
        fresh.docx.save("bulletin.docx", ContentFile(docx_bytes), save=False)
        fresh.pdf.save("bulletin.pdf", ContentFile(pdf_bytes), save=False)
        fresh.docx_sha256, fresh.pdf_sha256 = sha256(docx_bytes), sha256(pdf_bytes)
        fresh.version += 1
        fresh.save()
        record(actor=actor, action=AuditAction.TRANSITION, obj=fresh,
               changes={"status": [Status.DRAFT, Status.PUBLISHED], "doc_number": [None, fresh.doc_number],
                        "docx_sha256": [None, fresh.docx_sha256],
                        "pdf_sha256": [None, fresh.pdf_sha256]})  # fmt: skip
        _notify(fresh)
    return fresh


def _notify(bulletin: Bulletin) -> None:
    from tuijin.notifications.services import notify

    verb = _("发布") if bulletin.number == 1 else _("更正（第%(n)d版）") % {"n": bulletin.number}
    notify(
        recipients=queries.recipients(bulletin.scope_unit), kind=NOTIFY_KIND,
        title=_("%(title)s已%(verb)s") % {"title": bulletin.title, "verb": verb},
        url=reverse("bulletins:detail", args=[bulletin.pk]), obj=bulletin,
        dedupe_key=f"bulletin:{bulletin.pk}:published",
    )  # fmt: skip


def bulletin_record_read(*, user: User, bulletin: Bulletin) -> BulletinRead | None:
    """Record that `user` opened a published bulletin (first and last time, how often)."""
    if bulletin.status != Status.PUBLISHED or not policy.is_active_user(user):
        return None
    now = timezone.now()
    read, created = BulletinRead.objects.get_or_create(
        bulletin=bulletin, user=user, defaults={"first_opened_at": now, "last_opened_at": now}
    )
    if not created:
        BulletinRead.objects.filter(pk=read.pk).update(last_opened_at=now, times=F("times") + 1)
        read.refresh_from_db()
    return read

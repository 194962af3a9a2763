"""Monthly project progress: the reporter's month, its photos, problems.

The project's unit reports (`project.report`, the reporter's own unit only, like the indicator
form) for a period that has begun and is not locked (`indicators.periods`, the same calendar as
the monthly reports). After the lock a month's investment changes only through a correction
the supervisor approves (`progress_corrections`); the superseded figure stays in `ProgressRevision`.

Every write checks the policy, validates, writes and audits in one transaction, and after the
commit asks for the projects-fed indicator values (最多报一次) of the month and the later months
of the year to be summed again, because the year-to-date figures move with it.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tuijin.audit.models import AuditAction
from tuijin.audit.services import created, deleted, diff, record, snapshot
from tuijin.core.concurrency import StaleEditError, lock_current
from tuijin.indicators import periods
from tuijin.orgs import policy
from tuijin.orgs.models import Unit, User
from tuijin.projects import photos as photo_checks
from tuijin.projects import tasks
from tuijin.projects.models import (
    ProgressPhoto,
    Project,
    ProjectProblem,
    ProjectProgress,
)

PROGRESS_FIELDS = ("investment", "image_progress", "problems")
MAX_TEXT = 2000
MAX_DECIMALS = 4
MAX_INVESTMENT = Decimal(10) ** 12  # MONEY: 16 digits, 4 of them decimals
QUANTUM = Decimal("0.0001")


class RevisionKind:
    CORRECTION = "correction"
    API = "api"


# --- guards --------------------------------------------------------------------------------------


def require_reporter_of(actor: User, project: Project) -> None:
    """A reporter writes the progress of their own unit's projects only (not a unit above or below)."""
    policy.require(actor, "project.report", project.unit)
    if actor.unit_id != project.unit_id:
        raise PermissionDenied(_("只能填报本单位项目的进展。"))


def may_report(user: User, project: Project) -> bool:
    return policy.allows(user, "project.report", project.unit) and user.unit_id == project.unit_id


def may_supervise(user: User, project: Project) -> bool:
    return policy.allows(user, "project.manage", project.unit)


def check_period(year: int, month: int, *, field: str = "__all__") -> None:
    """A real period that has begun (the current month may be reported, a later one not)."""
    try:
        periods.validate_period(year, month)
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from None
    today = timezone.localdate()
    if (year, month) > (today.year, today.month):
        raise ValidationError({field: [_("%(y)d年%(m)d月尚未开始，不能填报。") % {"y": year, "m": month}]})


def require_open(year: int, month: int) -> None:
    if periods.is_locked(year, month):
        raise ValidationError(
            {"__all__": [
                _("%(y)d年%(m)d月已过截止日（%(d)s）并锁定，不能再修改；如需更正投资额，请提出更正申请。")
                % {"y": year, "m": month, "d": periods.deadline(year, month).isoformat()}
            ]}
        )  # fmt: skip


def clean_investment(value: Decimal | None, field: str = "investment") -> Decimal:
    """This month's investment in 亿元: present, not negative, at most 4 decimals."""
    if value is None:
        raise ValidationError({field: [_("请填写本月完成投资。")]})
    if not value.is_finite():
        raise ValidationError({field: [_("请输入数字。")]})
    if value < 0:
        raise ValidationError({field: [_("本月完成投资不能为负数。")]})
    if value >= MAX_INVESTMENT:
        raise ValidationError({field: [_("数值过大，请检查计量单位（亿元）。")]})
    if -value.normalize().as_tuple().exponent > MAX_DECIMALS:
        raise ValidationError({field: [_("最多保留 %(n)d 位小数（1 万元 = 0.0001 亿元）。") % {"n": MAX_DECIMALS}]})
    return value.quantize(QUANTUM)  # as stored, so that an unchanged figure compares equal


def clean_text(value: str | None, field: str) -> str:
    text = (value or "").strip()
    if len(text) > MAX_TEXT:
        raise ValidationError({field: [_("不能超过 %(n)d 字。") % {"n": MAX_TEXT}]})
    return text


# --- the month's progress --------------------------------------------------------------------------


@transaction.atomic
def progress_save(
    *,
    actor: User,
    project: Project,
    year: int,
    month: int,
    investment: Decimal | None,
    image_progress: str = "",
    problems: str = "",
    expected_version: int | None = None,
    photos: Sequence = (),
) -> ProjectProgress:
    """Create or update the project's month (and add `photos`, uploaded files); all or nothing.

    `expected_version` is the version the caller's form was built from (0: no row existed then;
    None skips the check). Saving what is stored changes nothing and bumps no version.
    """
    require_reporter_of(actor, project)
    check_period(year, month)
    require_open(year, month)
    new = {
        "investment": clean_investment(investment),
        "image_progress": clean_text(image_progress, "image_progress"),
        "problems": clean_text(problems, "problems"),
    }
    checked = check_photos(photos, already=0)
    existing = ProjectProgress.objects.filter(project=project, year=year, month=month).first()
    if existing is None:
        progress = _progress_create(actor, project, year, month, new, expected_version)
        changed = created(snapshot(progress, PROGRESS_FIELDS))
        record(actor=actor, action=AuditAction.CREATE, obj=progress, changes=changed)
    else:
        progress = lock_current(existing, expected_version)
        before = snapshot(progress, PROGRESS_FIELDS)
        for name, value in new.items():
            setattr(progress, name, value)
        changed = diff(before, snapshot(progress, PROGRESS_FIELDS))
        if changed:
            progress.version += 1
            progress.save()
            record(actor=actor, action=AuditAction.UPDATE, obj=progress, changes=changed)
    if new["problems"] and "problems" in changed:
        open_problem(actor=actor, project=project, description=new["problems"])
    if "investment" in changed:
        enqueue_feed(actor=actor, year=year, month=month, units=[project.unit])
    if checked:
        _store_photos(actor, progress, checked)
    return progress


def _progress_create(actor, project, year, month, values, expected_version) -> ProjectProgress:
    # A form built when no row existed carries version 0; any other version is stale.
    if expected_version not in (None, 0):
        raise StaleEditError()
    progress = ProjectProgress(project=project, year=year, month=month, reported_by=actor, version=1, **values)
    try:
        with transaction.atomic():
            progress.save()
    except IntegrityError:
        raise StaleEditError() from None  # created meanwhile by another save
    return progress


# --- problems --------------------------------------------------------------------------------------


def open_problem(*, actor: User, project: Project, description: str) -> ProjectProblem | None:
    """Open a problem raised with a month's progress, unless the same text is already open.
    Call inside the caller's transaction (it has checked the policy)."""
    if ProjectProblem.objects.filter(project=project, resolved_on=None, description=description).exists():
        return None
    problem = ProjectProblem.objects.create(
        project=project, description=description, raised_on=timezone.localdate(), raised_by=actor
    )
    record(actor=actor, action=AuditAction.CREATE, obj=problem, changes=created({"description": description}))
    return problem


@transaction.atomic
def problem_resolve(*, actor: User, problem: ProjectProblem, resolution: str) -> ProjectProblem:
    """The project unit's reporter or a supervisor in scope closes a problem with what was done."""
    project = problem.project
    if not (may_report(actor, project) or may_supervise(actor, project)):
        raise PermissionDenied(_("只有项目所在单位的填报员或督查员可以办结问题。"))
    problem = ProjectProblem.objects.select_for_update().get(pk=problem.pk)
    if problem.resolved_on is not None:
        raise ValidationError(_("该问题已办结。"))
    resolution = clean_text(resolution, "resolution")
    if not resolution:
        raise ValidationError({"resolution": [_("请填写解决情况。")]})
    problem.resolved_on, problem.resolution = timezone.localdate(), resolution
    problem.save()
    record(
        actor=actor, action=AuditAction.TRANSITION, obj=problem, note=resolution,
        changes={"resolved_on": [None, problem.resolved_on.isoformat()], "resolution": ["", resolution]},
    )  # fmt: skip
    return problem


# --- photos ----------------------------------------------------------------------------------------


def check_photos(uploads: Sequence, *, already: int) -> list[photo_checks.CheckedPhoto]:
    """Check every upload (content, size, the month's count) before anything is written."""
    if not uploads:
        return []
    limit = photo_checks.per_month()
    if already + len(uploads) > limit:
        raise ValidationError({"photos": [_("每个项目每月最多上传 %(n)d 张照片。") % {"n": limit}]})
    checked = []
    for upload in uploads:
        try:
            checked.append(photo_checks.inspect(photo_checks.read_upload(upload)))
        except ValidationError as exc:
            name = getattr(upload, "name", "") or ""
            raise ValidationError(
                {"photos": [f"{name[:80]}：{exc.messages[0]}" if name else exc.messages[0]]}
            ) from None
    return checked


@transaction.atomic
def photos_add(*, actor: User, progress: ProjectProgress, uploads: Sequence) -> list[ProgressPhoto]:
    """Add photos to a month already reported (while its period is open)."""
    progress = ProjectProgress.objects.select_related("project__unit").select_for_update().get(pk=progress.pk)
    require_reporter_of(actor, progress.project)
    require_open(progress.year, progress.month)
    checked = check_photos(uploads, already=progress.photos.count())
    return _store_photos(actor, progress, checked)


def _store_photos(actor: User, progress: ProjectProgress, checked: list) -> list[ProgressPhoto]:
    if progress.photos.count() + len(checked) > photo_checks.per_month():
        raise ValidationError({"photos": [_("每个项目每月最多上传 %(n)d 张照片。") % {"n": photo_checks.per_month()}]})
    stored: list[ProgressPhoto] = []
    try:
        for item in checked:
            stored.append(_store_photo(actor, progress, item))
    except Exception:
        _delete_files(stored)  # the transaction rolls the rows back; the files go with them
        raise
    return stored


def _store_photo(actor: User, progress: ProjectProgress, item: photo_checks.CheckedPhoto) -> ProgressPhoto:
    # The user's file name is never used: a generated name with the extension the content decided.
    name = uuid.uuid4().hex
    photo = ProgressPhoto(
        progress=progress, content_type=item.kind.content_type, size=item.size, width=item.width,
        height=item.height, taken_at=item.taken_at, uploaded_by=actor,
    )  # fmt: skip
    photo.image.save(f"{name}.{item.kind.extension}", ContentFile(item.data), save=False)
    photo.thumbnail.save(f"{name}_thumb.jpg", ContentFile(item.thumbnail), save=False)
    photo.save()
    record(
        actor=actor, action=AuditAction.CREATE, obj=photo,
        changes=created({"progress": progress.pk, "content_type": photo.content_type, "size": photo.size,
                         "taken_at": photo.taken_at.isoformat() if photo.taken_at else None}),
    )  # fmt: skip
    return photo


@transaction.atomic
def photo_delete(*, actor: User, photo: ProgressPhoto) -> None:
    """The reporter removes a photo of an open month; its files go once the deletion is committed."""
    photo = ProgressPhoto.objects.select_related("progress__project__unit").get(pk=photo.pk)
    require_reporter_of(actor, photo.progress.project)
    require_open(photo.progress.year, photo.progress.month)
    record(
        actor=actor, action=AuditAction.DELETE, obj=photo,
        changes=deleted({"progress": photo.progress_id, "image": photo.image.name, "size": photo.size}),
    )  # fmt: skip
    photo.delete()
    transaction.on_commit(lambda: _delete_files([photo]))


def _delete_files(photos: Iterable[ProgressPhoto]) -> None:
    for photo in photos:
        for file in (photo.image, photo.thumbnail):
            if file and file.name:
                file.storage.delete(file.name)


# --- 最多报一次: after a write, the fed indicator values follow ------------------------------------------


def feed_months(year: int, month: int) -> list[int]:
    """The month and the later months of the year that have begun: their YTD figures include it."""
    today = timezone.localdate()
    last = 12 if year < today.year else today.month if year == today.year else 0
    return list(range(month, last + 1))


def ancestor_ids(units: Iterable[Unit]) -> list[int]:
    """Ids of the units and every unit above them (a unit's value sums the projects below it)."""
    paths = set()
    for unit in units:
        parts = [p for p in unit.path.split("/") if p]
        paths.update("/" + "/".join(parts[:n]) + "/" for n in range(1, len(parts) + 1))
    return sorted(Unit.objects.filter(path__in=paths).values_list("pk", flat=True))


def enqueue_feed(*, actor: User, year: int, month: int, units: Iterable[Unit]) -> None:
    """After the commit, sum the projects-fed indicator values again for the affected units: the
    month and the later months of its year, and the same months of the next year (whose
    same-period-last-year figures include it)."""
    unit_ids = ancestor_ids(units)
    for feed_year in (year, year + 1):
        months = feed_months(feed_year, month)
        if months and unit_ids:
            transaction.on_commit(
                lambda y=feed_year, m=months: tasks.feed_indicators.enqueue(
                    year=y, months=m, unit_ids=unit_ids, actor_id=actor.pk
                )
            )

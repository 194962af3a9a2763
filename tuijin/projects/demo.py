"""The demo city's major projects: 200 projects in 3 batches over its units.

Laid out on the indicators' timeline (the year of the latest locked month L, progress up to
L, the open month begun). Written through the library, stage and progress services (as the
demo supervisor, and the demo reporter for the open month's photos), with a realistic spread: most new projects started
near their planned month, some late (迟迟不开工, with the unit's reason), a few started but
idle (开而未建), completions on and behind plan. Photos are drawn on the fly. Deterministic.
"""

from __future__ import annotations

import datetime as dt
import io
import random
from decimal import ROUND_HALF_UP, Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Q
from PIL import Image, ImageDraw

from tuijin.indicators.demo import Timeline, timeline
from tuijin.orgs.models import Unit, UnitType, User
from tuijin.projects.models import CheckpointKey, PlanKind, Project, Stage
from tuijin.projects.services import batches, feed, library, milestones, plans, progress, progress_bulk

REASON = "示例数据初始化（历史进展导入）"
DESIGNATIONS = [("PROV", "省重点"), ("CITY", "市重点"), ("MAYOR", "市县长工程"), ("PREP", "前期攻坚"),
                ("TECH", "技改"), ("SIGNED", "招商引资签约")]  # fmt: skip
BATCHES = [(1, (3, 18), (6, 30)), (2, (6, 16), (9, 30)), (3, (9, 22), (12, 31))]  # (number, launch, start deadline)
NODES = [("立项", CheckpointKey.APPROVAL, -180), ("用地", CheckpointKey.LAND, -150), ("规划许可", "other", -120),
         ("环评", CheckpointKey.EIA, -90), ("能评", "other", -80), ("施工图审查", "other", -60),
         ("施工许可", CheckpointKey.PERMIT, -20), ("开工", CheckpointKey.START, 0), ("主体结顶", "other", 300),
         ("设备安装", "other", 420), ("竣工验收", CheckpointKey.COMPLETION, 540)]  # fmt: skip
INDUSTRIES = [
    "高端装备",
    "新材料",
    "数字经济",
    "生物医药",
    "现代物流",
    "新能源",
    "城市更新",
    "交通设施",
    "水利",
    "文旅",
]
NAMES = ["年产{n}万台智能装备项目", "{n}万吨新材料产业化项目", "数字产业园{n}期", "生物医药创新中心{n}号楼",
         "智慧物流园{n}期工程", "{n}MW光伏储能项目", "老旧小区改造{n}片区", "快速路{n}标段", "水系综合治理{n}期",
         "文旅综合体{n}期"]  # fmt: skip
KINDS = [PlanKind.NEW] * 80 + [PlanKind.CONTINUING] * 70 + [PlanKind.COMPLETING] * 30 + [PlanKind.PREPARATORY] * 20


def load(people: dict[str, User]) -> None:
    supervisor = people["demo-supervisor"]
    if Project.objects.exists():
        return
    rng = random.Random(20260318)  # noqa: S311 (demo figures, not secrets)
    t = timeline()
    tags = {code: batches.designation_create(actor=supervisor, code=code, name=name) for code, name in DESIGNATIONS}
    items = [milestones.NodeItem(name=n, key=k, offset_days=o) for n, k, o in NODES]
    template = milestones.node_template_create(actor=supervisor, code="IND11", name="产业项目 11 节点", items=items)
    units = list(Unit.objects.filter(type__in=[UnitType.COUNTY, UnitType.ZONE, UnitType.TOWN]).order_by("path"))
    projects = [_project(supervisor, people, n, kind, units, tags, template, t, rng) for n, kind in enumerate(KINDS, 1)]
    _batches(supervisor, projects, t)
    _progress(supervisor, projects, t, rng)
    _open_month_photos(people, projects, t)
    feed.feed_indicator_values(year=t.year, month=t.last, actor=supervisor)


def _project(supervisor, people, n, kind, units, tags, template, t: Timeline, rng) -> Project:
    # Every ninth project is 东湖区's own, so the demo reporter has projects to report on.
    unit = people["demo-reporter"].unit if n % 9 == 0 else rng.choice(units)
    total = _money(rng.uniform(3, 60))
    start_month = rng.randint(1, 12) if kind == PlanKind.NEW else None
    planned_start = dt.date(t.year, start_month, rng.randint(1, 28)) if start_month else None
    designations = [tags[c] for c in rng.sample(list(tags), k=rng.randint(1, 2))]
    leader = people["demo-leader"] if n % 7 == 0 else None
    project = library.project_create(
        actor=supervisor, code=f"SL{t.year}{n:03d}", name=NAMES[n % len(NAMES)].format(n=n), unit=unit,
        total_investment=total, designations=designations, stage=Stage.PREPARATION,
        industry=INDUSTRIES[n % len(INDUSTRIES)], address=f"{unit.name}{rng.choice('东西南北')}部产业区",
        owner_company=f"示例{INDUSTRIES[n % len(INDUSTRIES)]}有限公司", planned_start_on=planned_start,
        node_template=template if planned_start else None, lead_leader=leader,
        commissioner=people["demo-handler"] if n % 11 == 0 else None,
    )  # fmt: skip
    completion_month = rng.randint(3, 12) if kind == PlanKind.COMPLETING else None
    planned = _money(min(float(total), rng.uniform(1, 12)))
    plans.plan_set(
        actor=supervisor, project=project, year=t.year, kind=kind, planned_investment=planned,
        planned_start_month=start_month, planned_completion_month=completion_month,
    )  # fmt: skip
    _stage(supervisor, project, kind, start_month, completion_month, t, rng)
    project.refresh_from_db()
    if t.open[0] != t.year and project.stage == Stage.STARTED:  # January is open: next year's plan is set
        plans.plan_set(
            actor=supervisor, project=project, year=t.open[0], kind=PlanKind.CONTINUING,
            planned_investment=_money(min(float(total), rng.uniform(1, 12))),
        )  # fmt: skip
    return project


def _stage(supervisor, project, kind, start_month, completion_month, t: Timeline, rng) -> None:
    today = t.today
    last = t.last
    if kind == PlanKind.PREPARATORY:
        return
    if kind == PlanKind.NEW:
        if start_month > last or rng.random() < 0.22:
            if start_month <= last - 2:
                library.project_set_delay_reason(
                    actor=supervisor, project=project, delay_reason=rng.choice(DELAYS), expected_version=None
                )
            return
        started = min(dt.date(t.year, start_month, 1) + dt.timedelta(days=rng.randint(0, 40)), today)
    else:
        started = dt.date(t.year - rng.randint(1, 2), rng.randint(1, 12), rng.randint(1, 28))
    _checkpoints_done(supervisor, project, started, rng)
    project.refresh_from_db()
    library.project_change_stage(
        actor=supervisor, project=project, to_stage=Stage.STARTED, on_date=started,
        evidence="施工许可证及开工现场照片", expected_version=None,
    )  # fmt: skip
    if completion_month and completion_month <= last and rng.random() < 0.7:
        project.refresh_from_db()
        done = dt.date(t.year, completion_month, rng.randint(1, 28))
        library.project_change_stage(
            actor=supervisor, project=project, to_stage=Stage.COMPLETED, on_date=min(done, today),
            evidence="竣工验收备案表", expected_version=None,
        )  # fmt: skip


DELAYS = ["用地报批尚未完成", "环评批复待省厅审批", "企业融资未到位", "政策处理（征迁）未完成", "施工图设计调整"]


def _checkpoints_done(supervisor, project, started: dt.date, rng) -> None:
    # The admission checkpoints (EIA, land) are always done before the start; the other nodes
    # planned before it mostly are too, a few weeks late at worst, and about one project in
    # eight still owes one (the overdue-milestone list has something real to show).
    owes_one = rng.random() < 0.12
    checkpoints = Q(key__in=[CheckpointKey.EIA, CheckpointKey.LAND])
    for milestone in project.milestones.filter(Q(planned_on__lte=started) | checkpoints).order_by("order"):
        checkpoint = milestone.key in (CheckpointKey.EIA, CheckpointKey.LAND)
        if not checkpoint and owes_one:
            owes_one = False
            continue
        planned = milestone.planned_on or started
        when = min(planned + dt.timedelta(days=rng.randint(0, 20)), started)
        milestones.milestone_update(actor=supervisor, milestone=milestone, expected_version=None, actual_on=when)
    if not project.milestones.exists():
        # Continuing projects predate the template: record their two checkpoints as nodes.
        for name, key in [("用地", CheckpointKey.LAND), ("环评", CheckpointKey.EIA)]:
            milestones.milestone_create(
                actor=supervisor, project=project, name=name, key=key,
                planned_on=started - dt.timedelta(days=60), actual_on=started - dt.timedelta(days=30),
            )  # fmt: skip


def _batches(supervisor, projects, t: Timeline) -> None:
    for i, (number, launch, deadline) in enumerate(BATCHES):
        months = range(3 * i + 1, 3 * i + 4)
        members = [
            p for p in projects if p.plans.filter(year=t.year, kind=PlanKind.NEW, planned_start_month__in=months)
        ]
        batches.batch_create(
            actor=supervisor, projects=members, code=f"B{t.year}-{number}", name=f"{t.year}年第{number}批集中开工",
            launch_date=dt.date(t.year, *launch), start_deadline=dt.date(t.year, *deadline),
        )  # fmt: skip


def _progress(supervisor, projects, t: Timeline, rng) -> None:
    rows = []
    for project in Project.objects.filter(pk__in=[p.pk for p in projects]).prefetch_related("plans"):
        if project.started_on is None:
            continue
        plan = next(p for p in project.plans.all() if p.year == t.year)
        first = 1 if project.started_on.year < t.year else project.started_on.month
        idle = rng.random() < 0.08  # 开而未建: nothing in the latest two months
        for month in range(first, t.last + 1):
            if idle and month >= t.last - 1:
                continue
            share = float(plan.planned_investment) / 12 * rng.uniform(0.6, 1.4)
            rows.append({"project": project.code, "year": t.year, "month": month, "investment": str(_money(share)),
                         "image_progress": rng.choice(PROGRESS_TEXTS)})  # fmt: skip
    progress_bulk.progress_bulk(actor=supervisor, rows=rows, reason=REASON)


PROGRESS_TEXTS = ["主体结构施工中", "桩基工程完成 80%", "厂房钢结构吊装", "设备进场调试", "室外配套施工", "土方开挖"]


def _open_month_photos(people, projects, t: Timeline) -> None:
    """The demo reporter has started the open month for two of 东湖区's projects, with photos."""
    reporter = people["demo-reporter"]
    year, month = t.open
    own = [p for p in projects if p.unit_id == reporter.unit_id and p.started_on and p.plans.filter(year=year)][:2]
    for i, project in enumerate(own):
        photos = [_photo(f"{project.code}-{k}", (60 + 40 * i, 110, 160 - 30 * k)) for k in range(2)]
        progress.progress_save(
            actor=reporter, project=project, year=year, month=month, investment=Decimal("0.8"),
            image_progress=f"{month} 月：主体施工，塔吊 2 台", photos=photos,
        )  # fmt: skip


def _photo(name: str, colour: tuple[int, int, int]) -> SimpleUploadedFile:
    image = Image.new("RGB", (640, 480), colour)
    draw = ImageDraw.Draw(image)
    draw.rectangle((80, 200, 560, 420), fill=(200, 200, 200))
    draw.polygon([(80, 200), (320, 80), (560, 200)], fill=(150, 60, 40))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return SimpleUploadedFile(f"{name}.jpg", buffer.getvalue(), content_type="image/jpeg")


def _money(value: float) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

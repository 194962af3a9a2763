"""Assignments on top of the shared cast: a maker that assigns through the service."""

import datetime as dt

import pytest
from django.utils import timezone

from tuijin.supervision import services
from tuijin.supervision.models import Cycle, SourceKind


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def make_assignment(cast, today):
    """make_assignment(**overrides) -> an open assignment of 甲县 (C-A) with the city leader."""

    def make(**overrides):
        values = {
            "actor": cast.supervisor, "title": "推进东湖片区征迁扫尾", "content": "6月底前完成剩余 12 户征迁。",
            "source_kind": SourceKind.INSTRUCTION, "source_label": "李市长批示", "owner_unit": cast.county_a,
            "leader": cast.leader, "deadline": today + dt.timedelta(days=30), "cycle": Cycle.MONTHLY,
        }  # fmt: skip
        values.update(overrides)
        return services.assignment_create(**values)

    return make


@pytest.fixture
def escalated_sheet(cast):
    """A contact sheet of 甲县 to 市资规局, sent on 2026-03-10, unanswered and escalated on 03-18."""
    from decimal import Decimal

    import time_machine

    from tuijin.liaison import services as liaison
    from tuijin.liaison import timers
    from tuijin.projects.models import Project, Stage

    with time_machine.travel(dt.datetime(2026, 3, 10, 2, 0, tzinfo=dt.UTC), tick=False):
        project = Project.objects.create(
            code="P-A1", name="甲县物流园", unit=cast.county_a, total_investment=Decimal(20),
            stage=Stage.PREPARATION, lead_leader=cast.leader,
        )  # fmt: skip
        sheet = liaison.sheet_create(
            actor=cast.reporter_a, title="用地指标协调", problem="项目用地指标尚未落实。",
            request="请协调落实用地指标。", departments=[cast.department], project=project,
        )  # fmt: skip
        sheet = liaison.sheet_send(actor=cast.reporter_a, sheet=sheet)
    timers.escalate_overdue(dt.date(2026, 3, 18))
    sheet.refresh_from_db()
    assert sheet.escalated_at is not None
    return sheet


@pytest.fixture
def published_bulletin(cast, settings, tmp_path):
    """The city's bulletin of June 2026, drafted from no figures and published."""
    from tuijin.bulletins import services as bulletins

    settings.MEDIA_ROOT = tmp_path / "media"
    draft = bulletins.bulletin_create(actor=cast.supervisor, period_type="month", year=2026, period=6)
    return bulletins.bulletin_publish(actor=cast.supervisor, bulletin=draft, expected_version=draft.version)

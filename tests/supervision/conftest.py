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

"""Meetings on top of the shared cast, on a fixed day: a 观摩 of both counties held on
2026-09-20 (乙县 visited first), reviewed for both; the clock stands at 2026-11-20."""

import datetime as dt

import pytest
import time_machine

from tuijin.meetings import services
from tuijin.meetings.models import MeetingType

TODAY = dt.date(2026, 11, 20)
HELD = dt.date(2026, 9, 20)


@pytest.fixture(autouse=True)
def _frozen_clock():
    with time_machine.travel(dt.datetime(2026, 11, 20, 2, 0, tzinfo=dt.UTC), tick=False):  # 10:00 in Shanghai
        yield


@pytest.fixture
def meeting(cast):
    return services.meeting_create(
        actor=cast.supervisor, type=MeetingType.OBSERVATION, title="三季度项目观摩会", date=HELD,
        place="甲县产业园", chair=cast.leader, attending_units=[cast.county_a, cast.county_b],
        attendees=[cast.leader, cast.head_a], visits=[(cast.county_b, "乙县光伏产业园"), cast.county_a],
        agenda="现场观摩、逐一点评",
    )  # fmt: skip


@pytest.fixture
def reviews(cast, meeting):
    a = services.review_save(actor=cast.supervisor, meeting=meeting, unit=cast.county_a, highlights="开工率全市第一",
                             problems="用地报批滞后\n投资完成率偏低", measures="十月底前完成报批")  # fmt: skip
    b = services.review_save(actor=cast.supervisor, meeting=meeting, unit=cast.county_b, highlights="招商成效明显",
                             problems=["签约项目落地慢"], measures="建立周调度")  # fmt: skip
    return a, b

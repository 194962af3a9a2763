"""The demo city's bulletins: the month before the latest locked one published, the latest
drafted (in January, when only January is locked, January is published and nothing drafted).

Written through the services as the demo supervisor, from the demo indicators and projects:
the published bulletin with one sentence edited before publishing (as a supervisor would),
then published (which notifies every unit); the draft stays to edit and publish. Idempotent.
"""

from __future__ import annotations

from tuijin.bulletins import services
from tuijin.bulletins.models import Bulletin, PeriodType
from tuijin.indicators.demo import timeline
from tuijin.orgs.models import User

EDITED_KEY = "projects.flags"
EDIT_SUFFIX = "各地要对照清单逐个分析原因，明确开工时间，下月通报整改情况。"


def load(people: dict[str, User]) -> None:
    supervisor = people["demo-supervisor"]
    t = timeline()
    published, draft = (t.last - 1, t.last) if t.last > 1 else (t.last, None)
    if Bulletin.objects.filter(year=t.year, period_type=PeriodType.MONTH, period=published).exists():
        return
    published_bulletin = services.bulletin_create(
        actor=supervisor, period_type=PeriodType.MONTH, year=t.year, period=published
    )
    block = published_bulletin.blocks.filter(key=EDITED_KEY).first()
    if block is not None:
        services.block_edit(actor=supervisor, block=block, text=f"{block.text}{EDIT_SUFFIX}",
                            expected_version=block.version)  # fmt: skip
        published_bulletin.refresh_from_db()
    published_bulletin = services.bulletin_publish(
        actor=supervisor, bulletin=published_bulletin, expected_version=published_bulletin.version
    )
    reader = people.get("demo-reporter")
    if reader is not None:
        services.bulletin_record_read(user=reader, bulletin=published_bulletin)
    if draft is not None:
        services.bulletin_create(actor=supervisor, period_type=PeriodType.MONTH, year=t.year, period=draft)

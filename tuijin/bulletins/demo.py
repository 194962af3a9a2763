"""The demo city's bulletins: September 2026 published, October 2026 drafted (idempotent).

Written through the services as the demo supervisor, from the demo indicators and projects:
the September bulletin with one sentence edited before publishing (as a supervisor would),
then published (which notifies every unit); October stays a draft to edit and publish.
"""

from __future__ import annotations

from tuijin.bulletins import services
from tuijin.bulletins.models import Bulletin, PeriodType
from tuijin.orgs.models import User

YEAR = 2026
PUBLISHED_MONTH, DRAFT_MONTH = 9, 10
EDITED_KEY = "projects.flags"
EDIT_SUFFIX = "各地要对照清单逐个分析原因，明确开工时间，下月通报整改情况。"


def load(people: dict[str, User]) -> None:
    supervisor = people["demo-supervisor"]
    if Bulletin.objects.filter(year=YEAR, period_type=PeriodType.MONTH, period=PUBLISHED_MONTH).exists():
        return
    september = services.bulletin_create(
        actor=supervisor, period_type=PeriodType.MONTH, year=YEAR, period=PUBLISHED_MONTH
    )
    block = september.blocks.filter(key=EDITED_KEY).first()
    if block is not None:
        services.block_edit(actor=supervisor, block=block, text=f"{block.text}{EDIT_SUFFIX}",
                            expected_version=block.version)  # fmt: skip
        september.refresh_from_db()
    september = services.bulletin_publish(actor=supervisor, bulletin=september, expected_version=september.version)
    reader = people.get("demo-reporter")
    if reader is not None:
        services.bulletin_record_read(user=reader, bulletin=september)
    services.bulletin_create(actor=supervisor, period_type=PeriodType.MONTH, year=YEAR, period=DRAFT_MONTH)

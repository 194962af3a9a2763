"""The bulletin's selection of indicators and groups, its todo items, and the demo loader."""

import pytest
import time_machine
from django.core.exceptions import ValidationError

from tests.bulletins.support import YEAR, june, report, target
from tuijin.bulletins import services, todos

pytestmark = pytest.mark.django_db


def test_a_bulletin_may_cover_chosen_indicators_and_groups(cast, catalogue):
    june(cast, catalogue)
    target(cast.county_a, catalogue.fdi, 1000)
    report(cast.county_a, catalogue.fdi, 6, 500)
    bulletin = services.bulletin_create(
        actor=cast.supervisor, period_type="month", year=YEAR, period=6, indicators=["FAI"], groups=["G-CTY"]
    )
    keys = {i.get("key") for i in bulletin.content["items"] if i["type"] == "table"}
    assert "rank.FAI.G-CTY" in keys
    assert not {"rank.FAI.G-ZN", "rank.FDI.G-CTY"} & keys
    # The headline sums the chosen group's members only, and says how many they are.
    overview = next(i for i in bulletin.content["items"] if i.get("key") == "overview.table")
    assert overview["title"] == "全市主要指标完成情况（2026年1—6月，2 个排名单位）"
    assert bulletin.blocks.get(key="overview.FAI").text.startswith("全市累计完成固定资产投资 490.0 亿元")
    assert bulletin.selection == {"groups": ["G-CTY"], "indicators": ["FAI"]}


def test_unknown_codes_are_refused(cast, catalogue):
    with pytest.raises(ValidationError) as caught:
        services.bulletin_create(actor=cast.supervisor, period_type="month", year=YEAR, period=6, indicators=["NOPE"])
    assert "NOPE" in str(caught.value)


def test_todos_name_drafts_to_supervisors_and_unread_bulletins_to_readers(cast, catalogue):
    june(cast, catalogue)
    draft = services.bulletin_create(actor=cast.supervisor, period_type="month", year=YEAR, period=6)
    assert [t.title for t in todos.for_user(cast.supervisor)] == ["待发布的通报草稿"]
    assert todos.for_user(cast.reporter_a) == []  # a draft is not theirs to see
    bulletin = services.bulletin_publish(actor=cast.supervisor, bulletin=draft, expected_version=draft.version)
    assert [t.title for t in todos.for_user(cast.reporter_a)] == ["未读的通报"]
    services.bulletin_record_read(user=cast.reporter_a, bulletin=bulletin)
    assert todos.for_user(cast.reporter_a) == []


# The demo is laid out around the day it is loaded: on 20 November, October is the latest
# locked month (tests/shell/test_demo_dates.py covers the other days of the year).
@time_machine.travel("2026-11-20 10:00 +0800", tick=False)
def test_the_demo_has_september_published_and_october_drafted(db, settings, tmp_path):
    from tests.conftest import PASSWORD
    from tuijin.bulletins import demo
    from tuijin.bulletins.models import Bulletin, BulletinRead, Status
    from tuijin.indicators import demo as indicators_demo
    from tuijin.notifications.models import Notification
    from tuijin.orgs import demo as orgs_demo
    from tuijin.projects import demo as projects_demo

    settings.MEDIA_ROOT = tmp_path
    people = orgs_demo.load(PASSWORD)
    indicators_demo.load(people)
    projects_demo.load(people)
    demo.load(people)
    september, october = Bulletin.objects.order_by("period")
    assert (september.period, september.status, october.period, october.status) == (
        9, Status.PUBLISHED, 10, Status.DRAFT,
    )  # fmt: skip
    assert september.title == "2026年9月重点工作和重大项目推进情况通报"
    edited = next(i for i in september.snapshot["items"] if i.get("key") == demo.EDITED_KEY)
    assert edited["text"].endswith(demo.EDIT_SUFFIX)  # the supervisor's edit went out with it
    assert any(i["type"] == "table" and i["key"].startswith("rank.") for i in september.snapshot["items"])
    assert september.docx.read(2) == b"PK"
    assert september.pdf.read(5) == b"%PDF-"
    assert Notification.objects.about(september).filter(kind=services.NOTIFY_KIND).count() > 1
    assert BulletinRead.objects.filter(bulletin=september, user=people["demo-reporter"]).exists()
    assert october.blocks.filter(key="overview.FAI").exists()
    demo.load(people)  # idempotent
    assert Bulletin.objects.count() == 2

"""The demo city: what it holds, one login per role, and that loading twice changes nothing.

Loading the whole demo takes seconds, so one test loads it and checks every part, then
loads it again and checks that nothing changed.
"""

import io
from decimal import Decimal

import time_machine
from django.core.management import call_command
from django.db.models import Count

from tuijin.audit.models import AuditEvent
from tuijin.indicators import analytics
from tuijin.indicators.models import CorrectionRequest, Indicator, Report, ReportRevision, Submission
from tuijin.orgs.models import RankingGroup, Role, Unit, UnitType, User
from tuijin.projects.models import Batch, ProgressPhoto, Project, ProjectProgress

LOGINS = {
    "demo-sysadmin": Role.SYSADMIN,
    "demo-secadmin": Role.SECADMIN,
    "demo-auditor": Role.AUDITOR,
    "demo-supervisor": Role.SUPERVISOR,
    "demo-leader": Role.LEADER,
    "demo-head": Role.UNIT_HEAD,
    "demo-reporter": Role.REPORTER,
    "demo-reporter2": Role.REPORTER,
    "demo-handler": Role.HANDLER,
}


def load_demo(*args) -> str:
    out = io.StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def counts():
    return tuple(m.objects.count() for m in (Unit, User, Report, Project, ProjectProgress, AuditEvent))


# The demo is laid out around the day it is loaded: on 20 November, October is the latest
# locked month (tests/shell/test_demo_dates.py covers the other days of the year).
@time_machine.travel("2026-11-20 10:00 +0800", tick=False)
def test_the_demo_city_loads_completely_and_only_once(db, monkeypatch, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setenv("TUIJIN_DEMO_PASSWORD", "Demo-Password-2026")
    output = load_demo()
    check_units_and_logins(output)
    check_indicators()
    check_projects()
    before = counts()
    load_demo()
    assert counts() == before


def check_units_and_logins(output: str) -> None:
    by_type = {t: Unit.objects.filter(type=t).count() for t in UnitType.values}
    assert by_type == {"city": 1, "county": 7, "zone": 2, "town": 15, "department": 6}
    assert set(RankingGroup.objects.values_list("code", flat=True)) == {"G-COUNTY", "G-ZONE"}
    for username, role in LOGINS.items():
        user = User.objects.get(username=username)
        assert user.roles == frozenset({role}), username
        assert user.check_password("Demo-Password-2026")
        assert not user.must_change_password
        assert username in output
    assert User.objects.get(username="demo-reporter").unit.code == "SL-DH"
    assert User.objects.get(username="demo-reporter2").unit.code == "SL-XS"


def check_indicators() -> None:
    assert Indicator.objects.count() == 11
    october_yx = Report.objects.filter(year=2026, month=10, unit__code="SL-YX")
    assert not october_yx.exclude(submission__status="draft").exists()  # 未报 (only the projects' sum waits)
    statuses = set(Submission.objects.filter(year=2026, month=10).values_list("status", flat=True))
    assert {"accepted", "submitted", "approved"} <= statuses
    assert set(CorrectionRequest.objects.values_list("status", flat=True)) == {"approved", "pending"}
    assert ReportRevision.objects.filter(kind="correction").count() == 1
    # DESIGN.md's worked example is in the demo: 示例高新区's contracted foreign capital after July.
    zones = RankingGroup.objects.get(code="G-ZONE")
    ranking = analytics.indicator_ranking(Indicator.objects.get(code="FDI_C"), 2026, 7, zones)
    row = next(r for r in ranking.rows if r.unit.code == "SL-GX")
    assert (round(row.completion * 100, 1), round(row.time_progress * 100, 1)) == (Decimal("58.2"), Decimal("58.3"))
    assert round(row.pace_gap, 1) == Decimal("-0.1")
    counties = RankingGroup.objects.get(code="G-COUNTY")
    county = analytics.indicator_ranking(Indicator.objects.get(code="FAI"), 2026, 10, counties)
    assert len({r.band for r in county.rows}) >= 2  # some ahead, some behind
    assert [u.code for u in county.missing] == ["SL-YX"]


def check_projects() -> None:
    assert Project.objects.count() == 200
    assert Batch.objects.annotate(n=Count("projects")).filter(n__gt=0).count() == 3
    stages = set(Project.objects.values_list("stage", flat=True))
    assert {"preparation", "started", "completed"} <= stages
    assert ProgressPhoto.objects.count() >= 2
    assert Project.objects.exclude(delay_reason="").exists()  # 迟迟不开工 with the unit's reason
    # 最多报一次: the projects-fed indicator's October value is the sum of the county's projects.
    fed = Report.objects.get(indicator__code="PRJ_INV", unit__code="SL-DH", year=2026, month=10)
    county = Unit.objects.get(code="SL-DH")
    ytd = sum(
        p.investment
        for p in ProjectProgress.objects.filter(project__unit__path__startswith=county.path, year=2026, month__lte=10)
    )
    assert fed.value == ytd


def test_demo_is_not_loaded_into_a_real_installation(cast):
    assert "not loaded" in load_demo("--only-if-empty")
    assert not Unit.objects.filter(code="SL").exists()

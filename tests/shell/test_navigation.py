"""The menu leads only to pages with content for the user's unit, and an empty page says why.

Every role of the shared cast walks its whole menu, on the bare city and on one with an
indicator catalogue and a published assessment scheme: every entry answers 200, none 404,
and no page offers "try other filters" when no filter was set.
"""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.indicators.conftest import YEAR, build_catalogue
from tests.twofactor import verify_session
from tuijin.assessment import services as assessment_services
from tuijin.assessment.models import RuleKind
from tuijin.orgs import policy
from tuijin.shell import navigation

NOW = dt.datetime(2026, 11, 3, 10, 0, tzinfo=dt.UTC)
ROLES = (
    "sysadmin", "secadmin", "auditor", "supervisor", "leader", "head_a", "reporter_a", "reporter_b",
    "reporter_town_a1", "handler", "county_supervisor",
)  # fmt: skip
FILTER_HINTS = ("换个筛选条件再试试", "换个期别或状态再试试", "换个关键词或类型再试试")


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def menu(user) -> dict[str, str]:
    """label -> URL of every entry the user is offered."""
    return {item["label"]: item["url"] for group in navigation.groups_for(user) for item in group["items"]}


def publish_scheme(cast, catalogue):
    scheme = assessment_services.scheme_create(actor=cast.supervisor, year=YEAR, group=cast.counties, name="年度考核")
    assessment_services.item_create(
        actor=cast.supervisor, scheme=scheme, order=1, name="完成率", kind=RuleKind.COMPLETION,
        indicator=catalogue.fai, weight=Decimal(100),
    )  # fmt: skip
    scheme.refresh_from_db()
    return assessment_services.scheme_publish(actor=cast.supervisor, scheme=scheme)


def walk(cast, client):
    for role in ROLES:
        user = getattr(cast, role)
        client.force_login(user)
        verify_session(client, user)
        for label, url in menu(user).items():
            response = client.get(url)
            assert response.status_code == 200, (role, str(label), url, response.status_code)
            text = response.content.decode()
            assert not any(hint in text for hint in FILTER_HINTS), (role, str(label), url)


def test_every_menu_entry_of_every_role_opens_a_page_on_the_bare_city(cast, client):
    walk(cast, client)


def test_every_menu_entry_of_every_role_opens_a_page_with_indicators_and_a_scheme(cast, client):
    publish_scheme(cast, build_catalogue(cast))
    walk(cast, client)


def test_a_department_handler_is_not_offered_rankings_reports_or_the_assessment(cast):
    publish_scheme(cast, build_catalogue(cast))
    entries = menu(cast.handler)
    for label in ("完成矩阵", "单项排名", "进度预警", "月报情况", "考核方案"):
        assert label not in entries, label
    assert "本部门承办" in entries
    assert {"完成矩阵", "单项排名", "月报情况", "考核方案"} <= set(menu(cast.reporter_a))


def test_a_county_head_is_not_offered_the_department_inbox(cast):
    assert "本部门承办" not in menu(cast.head_a)
    assert "本单位发起" in menu(cast.head_a)


def test_a_town_outside_every_ranking_group_is_not_asked_to_fill_monthly_reports(cast):
    assert "本月填报" not in menu(cast.reporter_town_a1)
    assert "本月填报" in menu(cast.reporter_a)


def test_the_assessment_entry_waits_for_a_published_scheme_except_for_the_supervisor(cast):
    catalogue = build_catalogue(cast)
    assert "考核方案" not in menu(cast.reporter_a)
    assert "考核方案" in menu(cast.supervisor)  # drafts the first scheme from the empty list
    publish_scheme(cast, catalogue)
    assert "考核方案" in menu(cast.reporter_a)


def test_a_unit_outside_the_rankings_opening_the_matrix_reads_why_it_is_empty(cast, client_for):
    client = client_for(cast.handler)
    for name in ("matrix", "ranking"):
        response = client.get(f"/indicators/analytics/{name}/")
        assert response.status_code == 200
        assert "本单位不参加分类排名，暂无排名" in response.content.decode()


def test_a_group_without_indicators_shows_an_empty_ranking_not_a_404(cast, client_for):
    response = client_for(cast.reporter_a).get("/indicators/analytics/ranking/")
    assert response.status_code == 200
    assert "县组还没有排名指标" in response.content.decode()


def test_the_menu_costs_at_most_one_query(cast):
    for role in ROLES:
        user = getattr(cast, role)
        policy.sees_all(user)  # the user's unit and roles are loaded with the request's user
        with CaptureQueriesContext(connection) as queries:
            navigation.groups_for(user)
        assert len(queries) <= 1, (role, [q["sql"] for q in queries])


def test_a_fragment_draws_no_menu_and_asks_nothing_for_it(cast, client_for):
    client = client_for(cast.reporter_a)
    with CaptureQueriesContext(connection) as queries:
        full = client.get("/projects/list/")
    assert 'data-testid="main-nav"' in full.content.decode()
    assert len([q for q in queries if "has_groups" in q["sql"]]) == 1  # once per page
    with CaptureQueriesContext(connection) as queries:
        fragment = client.get("/projects/list/", headers={"HX-Request": "true"})
    assert "main-nav" not in fragment.content.decode()
    assert not [q for q in queries if "has_groups" in q["sql"]]


def test_an_empty_list_says_try_other_filters_only_when_filters_are_set(cast, client_for):
    client = client_for(cast.supervisor)
    plain = client.get("/projects/list/").content.decode()
    assert "您的范围内还没有项目" in plain
    assert "换个筛选条件再试试" not in plain
    filtered = client.get("/projects/list/", {"q": "不存在的项目"}).content.decode()
    assert "换个筛选条件再试试" in filtered
    sheets = client.get("/liaison/all/").content.decode()
    assert "这里还没有联系单" in sheets
    assert "换个筛选条件再试试" not in sheets
    assert "换个筛选条件再试试" in client.get("/liaison/all/", {"status": "sent"}).content.decode()

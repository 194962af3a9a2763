"""Overdue levels and colours on the exact days as the list, the API and the counts show them,
and the printable 督办 notice: only at 督办 or 挂牌督办, dated the day the level was reached,
with a reply date on the working calendar."""

import datetime as dt

import pytest
import time_machine
from rest_framework.test import APIClient

from tuijin.supervision import services

DEADLINE = dt.date(2026, 6, 3)  # a Wednesday


def on(day: dt.date):
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, 2, 0, tzinfo=dt.UTC), tick=False)


@pytest.fixture
def item(cast, make_assignment):
    with on(dt.date(2026, 5, 4)):
        return make_assignment(deadline=DEADLINE, title="征迁扫尾")


def api_row(user, pk) -> dict:
    client = APIClient()
    client.force_authenticate(user)
    return client.get(f"/api/v1/assignments/{pk}/").json()


@pytest.mark.parametrize(
    ("offset", "colour", "level"),
    [(-4, "green", ""), (-3, "yellow", ""), (-1, "yellow", ""), (0, "yellow", "remind"), (1, "red", "remind"),
     (6, "red", "remind"), (7, "red", "supervise"), (29, "red", "supervise"), (30, "red", "listed")],
)  # fmt: skip
def test_the_api_row_carries_the_colour_and_level_of_the_exact_day(cast, item, offset, colour, level):
    with on(DEADLINE + dt.timedelta(days=offset)):
        row = api_row(cast.supervisor, item.pk)
    assert (row["colour"], row["overdue_level"], row["days_overdue"]) == (colour, level, offset)


def test_the_list_filters_by_the_level_of_the_day(cast, item, client_for):
    with on(DEADLINE + dt.timedelta(days=6)):
        page = client_for(cast.supervisor).get("/supervision/", {"level": "supervise"}).content.decode()
        assert item.title not in page
    with on(DEADLINE + dt.timedelta(days=7)):  # a new login: the session of a month ago has expired
        page = client_for(cast.supervisor).get("/supervision/", {"level": "supervise"}).content.decode()
        assert item.title in page


def test_levels_follow_the_settings(cast, item, settings):
    settings.TUIJIN_ASSIGNMENT_SUPERVISE_DAYS = 3
    settings.TUIJIN_ASSIGNMENT_YELLOW_DAYS = 5
    with on(DEADLINE + dt.timedelta(days=3)):
        assert api_row(cast.supervisor, item.pk)["overdue_level"] == "supervise"
    with on(DEADLINE - dt.timedelta(days=5)):
        assert api_row(cast.supervisor, item.pk)["colour"] == "yellow"


def test_no_notice_before_the_supervise_level(cast, item, client_for):
    with on(DEADLINE + dt.timedelta(days=6)):
        client = client_for(cast.leader)
        assert client.get(f"/supervision/{item.pk}/notice/").status_code == 404
        assert 'data-testid="notice-link"' not in client.get(f"/supervision/{item.pk}/").content.decode()


def test_the_supervise_notice_is_dated_the_day_the_level_was_reached(cast, item, client_for):
    with on(DEADLINE + dt.timedelta(days=12)):
        client = client_for(cast.leader)
        assert 'data-testid="notice-link"' in client.get(f"/supervision/{item.pk}/").content.decode()
        page = client.get(f"/supervision/{item.pk}/notice/").content.decode()
    assert '<h1 class="tj-print-title">督办通知书</h1>' in page
    assert "截至2026年6月10日已逾期 7 天" in page
    # Three days after Wednesday 10 June is a Saturday: the reply is due on Monday 15 June.
    assert "于2026年6月15日前将办理情况" in page
    assert '<p class="tj-sign" data-testid="notice-date">2026年6月10日</p>' in page
    assert "甲县" in page
    assert "print.css" in page


def test_a_listed_item_gets_the_listed_notice(cast, item, client_for):
    with on(DEADLINE + dt.timedelta(days=30)):
        page = client_for(cast.supervisor).get(f"/supervision/{item.pk}/notice/").content.decode()
    assert "挂牌督办通知书" in page
    assert "截至2026年7月3日已逾期 30 天" in page


def test_a_year_the_calendar_does_not_know_is_said_not_guessed(cast, make_assignment, client_for):
    with on(dt.date(2031, 1, 2)):
        far = make_assignment(deadline=dt.date(2031, 1, 5), assigned_on=dt.date(2031, 1, 2))
    with on(dt.date(2031, 1, 20)):
        page = client_for(cast.supervisor).get(f"/supervision/{far.pk}/notice/").content.decode()
    assert 'data-testid="calendar-error"' in page
    assert "2031" in page
    assert "尽快将办理情况" in page


def test_no_notice_once_the_owner_asked_for_close_out_or_for_another_unit(cast, item, client_for):
    with on(DEADLINE + dt.timedelta(days=10)):
        assert client_for(cast.reporter_b).get(f"/supervision/{item.pk}/notice/").status_code == 404
        services.closeout_request(actor=cast.reporter_a, assignment=item, evidence="完成", expected_version=1)
        assert client_for(cast.supervisor).get(f"/supervision/{item.pk}/notice/").status_code == 404

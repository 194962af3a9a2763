"""GET /api/v1/calendar/deadline/ — the statutory rule and working days, with clear refusals."""

import pytest

pytestmark = pytest.mark.django_db
URL = "/api/v1/calendar/deadline/"


@pytest.mark.parametrize(
    ("start", "days", "mode", "due"),
    [
        ("2026-09-24", 7, "natural", "2026-10-08"),  # Oct 1 falls in National Day: next working day
        ("2026-09-30", 1, "working", "2026-10-08"),
        ("2026-10-09", 1, "working", "2026-10-10"),  # the make-up Saturday counts
        ("2026-10-09", 0, "natural", "2026-10-09"),
    ],
)
def test_due_dates(cast, client_for, start, days, mode, due):
    response = client_for(cast.reporter_a).get(URL, {"start": start, "days": days, "mode": mode})
    assert response.status_code == 200
    assert response.json() == {"start": start, "days": days, "mode": mode, "due": due}


def test_mode_defaults_to_natural(cast, client_for):
    assert client_for(cast.handler).get(URL, {"start": "2026-09-24", "days": 7}).json()["mode"] == "natural"


def test_a_year_nobody_entered_is_refused_naming_it(cast, client_for):
    response = client_for(cast.reporter_a).get(URL, {"start": "2031-03-01", "days": 7})
    assert response.status_code == 400
    assert "2031" in response.json()["detail"]
    assert response.json()["year"] == 2031


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"days": 7}, "请指定起算日期"),
        ({"start": "2026/10/09", "days": 7}, "YYYY-MM-DD"),
        ({"start": "2026-10-09"}, "请指定天数"),
        ({"start": "2026-10-09", "days": "x"}, "天数须为整数"),
        ({"start": "2026-10-09", "days": 400}, "0 到 366"),
        ({"start": "2026-10-09", "days": 7, "mode": "lunar"}, "natural"),
    ],
)
def test_bad_parameters(cast, client_for, params, message):
    response = client_for(cast.reporter_a).get(URL, params)
    assert response.status_code == 400
    assert message in str(response.json())


def test_anonymous_and_token(cast, client):
    assert client.get(URL, {"start": "2026-10-09", "days": 7}).status_code in (401, 403)
    from tuijin.orgs import tokens

    _token, key = tokens.token_issue(user=cast.sysadmin, name="test", verified=True)
    response = client.get(URL, {"start": "2026-10-09", "days": 7}, headers={"Authorization": f"Token {key}"})
    assert response.status_code == 200


def test_only_get(cast, client_for):
    assert client_for(cast.sysadmin).post(URL, {"start": "2026-10-09", "days": 7}).status_code in (403, 405)

"""Working-day calendar administration and the deadline API: declaring 2027 and its days makes
deadlines in 2027 computable; a year nobody entered is refused naming the year."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from tuijin.audit.models import AuditEvent
from tuijin.workdays import services
from tuijin.workdays.models import CalendarDay, CalendarYear

pytestmark = pytest.mark.django_db
DEADLINE = "/api/v1/calendar/deadline/"


@time_machine.travel(dt.datetime(2026, 11, 25, 10, tzinfo=dt.UTC), tick=False)
def test_the_year_list_shows_package_and_declared_years(cast, client_for, django_assert_max_num_queries):
    services.declare_year(actor=cast.sysadmin, year=2030, source="通知")
    services.add_day(actor=cast.sysadmin, date=dt.date(2030, 1, 1), is_working_day=False, name="元旦")
    client = client_for(cast.sysadmin)
    with django_assert_max_num_queries(10):  # includes the navigation's unread-messages count, OTP device
        response = client.get(reverse("notifications:calendar"))
    assert response.status_code == 200
    years = {y["year"]: y for y in response.context["years"]}
    assert years[2026]["package"]
    assert years[2026]["usable"]
    assert not years[2026]["declared"]
    assert not years[2027]["usable"]  # next year is listed, waiting to be entered
    assert years[2030]["declared"].source == "通知"
    assert years[2030]["usable"]
    assert years[2030]["holidays"] == 1
    assert 2004 in years
    assert years[2004]["package"]


def test_declare_2027_add_its_days_then_the_api_answers(cast, client_for):
    client = client_for(cast.sysadmin)
    assert client.get(DEADLINE, {"start": "2027-01-28", "days": 7}).status_code == 400

    response = client.post(
        reverse("notifications:calendar"), {"year": 2027, "source": "国务院办公厅关于2027年部分节假日安排的通知"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("notifications:calendar_year", args=[2027])
    year_url = reverse("notifications:calendar_year", args=[2027])
    # Spring Festival 2027: Feb 5–11 off (Fri–Thu), make-up working Sunday Feb 14 (a plausible arrangement).
    for day in range(5, 12):
        response = client.post(
            year_url, {"form": "day", "date": f"2027-02-{day:02d}", "is_working_day": "0", "name": "春节"}
        )
        assert response.status_code == 302
    client.post(year_url, {"form": "day", "date": "2027-02-14", "is_working_day": "1", "name": "春节调休上班"})
    assert CalendarDay.objects.filter(date__year=2027).count() == 8
    assert AuditEvent.objects.filter(object_type="core.calendarday", action="create").count() == 8
    assert AuditEvent.objects.filter(object_type="core.calendaryear", action="create").count() == 1

    page = client.get(year_url).content.decode()
    assert "春节调休上班" in page
    assert "国务院办公厅关于2027年部分节假日安排的通知" in page

    # 7 natural days after Jan 31 is Sunday Feb 7, in the holiday: moves to Friday Feb 12.
    response = client.get(DEADLINE, {"start": "2027-01-31", "days": 7, "mode": "natural"})
    assert response.status_code == 200
    assert response.json() == {"start": "2027-01-31", "days": 7, "mode": "natural", "due": "2027-02-12"}
    # 3 working days after Thursday Feb 4: Fri Feb 12, Sun Feb 14 (make-up), Mon Feb 15.
    response = client.get(DEADLINE, {"start": "2027-02-04", "days": 3, "mode": "working"})
    assert response.json()["due"] == "2027-02-15"


def test_a_day_in_the_wrong_year_or_twice_or_in_an_undeclared_year_is_refused(cast, client_for):
    client = client_for(cast.sysadmin)
    services.declare_year(actor=cast.sysadmin, year=2027, source="通知")
    url = reverse("notifications:calendar_year", args=[2027])
    response = client.post(url, {"form": "day", "date": "2028-01-01", "is_working_day": "0", "name": "元旦"})
    assert response.status_code == 200
    assert "日期须在 2027 年内" in response.content.decode()
    client.post(url, {"form": "day", "date": "2027-01-01", "is_working_day": "0", "name": "元旦"})
    response = client.post(url, {"form": "day", "date": "2027-01-01", "is_working_day": "0", "name": "元旦"})
    assert "2027-01-01 已有设置" in response.content.decode()
    url = reverse("notifications:calendar_year", args=[2029])
    response = client.post(url, {"form": "day", "date": "2029-01-01", "is_working_day": "0", "name": "元旦"})
    assert response.status_code == 200
    assert "请先录入 2029 年度" in response.content.decode()
    assert CalendarDay.objects.count() == 1


def test_declaring_a_year_twice_is_refused(cast, client_for):
    client = client_for(cast.sysadmin)
    client.post(reverse("notifications:calendar"), {"year": 2027, "source": "通知"})
    response = client.post(reverse("notifications:calendar"), {"year": 2027, "source": "另一个"})
    assert response.status_code == 200
    assert "2027 年已录入" in response.content.decode()
    assert CalendarYear.objects.get().source == "通知"


def test_change_the_source_and_remove_a_day(cast, client_for):
    client = client_for(cast.sysadmin)
    declared = services.declare_year(actor=cast.sysadmin, year=2027, source="草稿")
    day = services.add_day(actor=cast.sysadmin, date=dt.date(2027, 10, 1), is_working_day=False, name="国庆节")
    url = reverse("notifications:calendar_year", args=[2027])
    client.post(url, {"form": "source", "year": 2027, "source": "国办发明电〔2026〕1号"})
    declared.refresh_from_db()
    assert declared.source == "国办发明电〔2026〕1号"
    response = client.post(reverse("notifications:calendar_day_delete", args=[day.pk]))
    assert response.status_code == 302
    assert not CalendarDay.objects.exists()
    assert AuditEvent.objects.filter(object_type="core.calendarday", action="delete").exists()


def test_an_override_in_a_package_year_is_allowed(cast):
    day = services.add_day(actor=cast.sysadmin, date=dt.date(2026, 9, 16), is_working_day=False, name="台风停工")
    from tuijin.workdays.workcalendar import is_working_day

    assert day.pk
    assert is_working_day(dt.date(2026, 9, 16)) is False


@pytest.mark.parametrize("who", ["supervisor", "head_a", "reporter_a", "handler", "secadmin", "auditor", "leader"])
def test_calendar_pages_are_for_the_sysadmin_only(cast, client_for, who):
    declared = services.declare_year(actor=cast.sysadmin, year=2027, source="通知")
    day = services.add_day(actor=cast.sysadmin, date=dt.date(2027, 1, 1), is_working_day=False, name="元旦")
    client = client_for(getattr(cast, who))
    assert client.get(reverse("notifications:calendar")).status_code == 403
    assert client.post(reverse("notifications:calendar"), {"year": 2028, "source": "x"}).status_code == 403
    url = reverse("notifications:calendar_year", args=[2027])
    assert client.get(url).status_code == 403
    assert (
        client.post(url, {"form": "day", "date": "2027-01-02", "is_working_day": "0", "name": "x"}).status_code == 403
    )
    assert client.post(url, {"form": "source", "year": 2027, "source": "改"}).status_code == 403
    assert client.post(reverse("notifications:calendar_day_delete", args=[day.pk])).status_code == 403
    assert list(CalendarDay.objects.values_list("pk", flat=True)) == [day.pk]
    assert CalendarYear.objects.get().source == declared.source
    assert not CalendarYear.objects.filter(year=2028).exists()


def test_services_refuse_non_admins(cast):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.declare_year(actor=cast.supervisor, year=2027, source="x")
    with pytest.raises(PermissionDenied):
        services.add_day(actor=cast.supervisor, date=dt.date(2026, 9, 16), is_working_day=False, name="x")

"""The inbox over the API: one's own items only; marking read changes only one's own."""

from rest_framework.test import APIClient

from tuijin.notifications import services
from tuijin.notifications.models import Notification


def as_user(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_inbox_lists_and_marks_only_ones_own(cast):
    mine = services.notify(recipients=[cast.reporter_a], kind="report_due", title="请填报 10 月数据")[0]
    theirs = services.notify(recipients=[cast.reporter_b], kind="report_due", title="乙县请填报")[0]
    client = as_user(cast.reporter_a)
    listed = client.get("/api/v1/inbox/").json()["results"]
    assert [(i["id"], i["title"], i["unread"]) for i in listed] == [(mine.pk, "请填报 10 月数据", True)]
    assert client.get(f"/api/v1/inbox/{theirs.pk}/").status_code == 404
    assert client.post(f"/api/v1/inbox/{theirs.pk}/read/").status_code == 404
    assert client.post(f"/api/v1/inbox/{mine.pk}/read/").json()["unread"] is False
    assert client.get("/api/v1/inbox/", {"status": "unread"}).json()["results"] == []
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_read_all_touches_only_the_callers_items(cast):
    services.notify(recipients=[cast.reporter_a, cast.reporter_b], kind="report_due", title="请填报")
    assert as_user(cast.reporter_a).post("/api/v1/inbox/read-all/").json() == {"marked": 1}
    assert Notification.objects.get(recipient=cast.reporter_b).read_at is None


def test_anonymous_callers_are_refused(cast):
    assert APIClient().get("/api/v1/inbox/").status_code in (401, 403)

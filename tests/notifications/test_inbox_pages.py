"""The inbox page: own items only, unread first, filters, pagination, mark read, the unread count."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from tuijin.notifications import kinds
from tuijin.notifications.context import inbox_count
from tuijin.notifications.models import Notification
from tuijin.notifications.services import notify, resolve

pytestmark = pytest.mark.django_db
INBOX = reverse("notifications:inbox")


def titles(response) -> list[str]:
    return [n.title for n in response.context["page_obj"]]


def test_unread_first_then_newest(cast, client_for):
    for title in ("旧未读", "已读", "新未读"):
        notify(recipients=[cast.reporter_a], kind="k", title=title)
    Notification.objects.filter(title="已读").update(read_at="2026-01-01T00:00:00Z")
    notify(recipients=[cast.reporter_b], kind="k", title="别人的")
    response = client_for(cast.reporter_a).get(INBOX)
    assert response.status_code == 200
    assert titles(response) == ["新未读", "旧未读", "已读"]
    assert response.context["unread"] == 2
    assert "别人的" not in response.content.decode()


def test_filters_by_status_and_kind_with_an_htmx_fragment(cast, client_for):
    kinds.register("liaison.answer_due", "联系单待答复")
    notify(recipients=[cast.reporter_a], kind="liaison.answer_due", title="答复")
    notify(recipients=[cast.reporter_a], kind="other", title="其他")
    Notification.objects.filter(title="其他").update(read_at="2026-01-01T00:00:00Z")
    client = client_for(cast.reporter_a)
    assert titles(client.get(INBOX, {"status": "unread"})) == ["答复"]
    response = client.get(INBOX, {"kind": "other"}, headers={"HX-Request": "true"})
    assert titles(response) == ["其他"]
    html = response.content.decode()
    assert "<html" not in html
    assert 'data-testid="inbox-list"' in html
    assert response["HX-Trigger"] == '{"inboxCount": 1}'  # the navigation badge follows
    page = client.get(INBOX).content.decode()
    assert "联系单待答复" in page  # the kind's registered label in the filter


def test_pagination_and_query_count(cast, client_for, django_assert_max_num_queries):
    for i in range(45):
        notify(recipients=[cast.reporter_a], kind=f"k{i % 3}", title=f"第{i}条")
    client = client_for(cast.reporter_a)
    with django_assert_max_num_queries(14):  # includes the menu's content flags (one query), OTP device
        response = client.get(INBOX, {"page": 3})
    assert len(titles(response)) == 5
    assert response.context["page_obj"].paginator.count == 45


def test_mark_read_and_mark_all_read(cast, client_for):
    first, second = (notify(recipients=[cast.reporter_a], kind="k", title=t)[0] for t in ("一", "二"))
    client = client_for(cast.reporter_a)
    response = client.post(reverse("notifications:mark_read", args=[first.pk]), headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response.context["unread"] == 1
    first.refresh_from_db()
    assert first.read_at is not None
    response = client.post(reverse("notifications:mark_all_read"))
    assert response.status_code == 302
    assert response["Location"] == INBOX
    second.refresh_from_db()
    assert second.read_at is not None


def test_mark_read_requires_post(cast, client_for):
    (item,) = notify(recipients=[cast.reporter_a], kind="k", title="t")
    response = client_for(cast.reporter_a).get(reverse("notifications:mark_read", args=[item.pk]))
    assert response.status_code == 405


def test_nobody_touches_another_persons_items(cast, client_for):
    (item,) = notify(recipients=[cast.reporter_a], kind="k", title="t", url="/projects/")
    client = client_for(cast.reporter_b)
    assert client.post(reverse("notifications:mark_read", args=[item.pk])).status_code == 404
    assert client.get(reverse("notifications:open", args=[item.pk])).status_code == 404
    client.post(reverse("notifications:mark_all_read"))
    item.refresh_from_db()
    assert item.read_at is None


def test_open_follows_the_link_and_marks_read(cast, client_for):
    (item,) = notify(recipients=[cast.reporter_a], kind="k", title="t", url="/projects/", obj=cast.county_a)
    (evil,) = notify(recipients=[cast.reporter_a], kind="k", title="t", url="https://evil.example/")
    client = client_for(cast.reporter_a)
    response = client.get(reverse("notifications:open", args=[item.pk]))
    assert response.status_code == 302
    assert response["Location"] == "/projects/"
    item.refresh_from_db()
    assert item.read_at is not None
    assert client.get(reverse("notifications:open", args=[evil.pk]))["Location"] == INBOX


def test_anonymous_is_sent_to_login(client):
    response = client.get(INBOX)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_context_processor_counts_unread_open_items_lazily(cast, django_assert_num_queries):
    notify(recipients=[cast.reporter_a], kind="k", title="一", obj=cast.county_a)
    notify(recipients=[cast.reporter_a], kind="k", title="二")
    request = RequestFactory().get("/")
    request.user = cast.reporter_a
    with django_assert_num_queries(0):
        context = inbox_count(request)
    assert context["inbox_unread"]() == 2
    resolve(obj=cast.county_a)
    assert inbox_count(request)["inbox_unread"]() == 1  # a resolved item no longer waits


EMITTED_KINDS = [
    "assignment.created", "assignment.progress_due", "assignment.closeout_requested", "assignment.closed",
    "assignment.returned", "assignment.extension_requested", "assignment.extension_decided", "assignment.remind",
    "assignment.supervise", "assignment.listed", "assessment.published", "assessment.objection",
    "assessment.objection_decided", "bulletin.published", "sheet.sent", "notifications.welcome",
]  # fmt: skip


@pytest.mark.parametrize("kind", EMITTED_KINDS)
def test_every_kind_the_apps_send_has_a_chinese_name(kind):
    label = kinds.label(kind)
    assert label != kind
    assert "." not in label


def test_an_unknown_kind_is_never_shown_by_its_code(cast, client_for):
    notify(recipients=[cast.reporter_a], kind="assignment.something_new", title="新类别")
    html = client_for(cast.reporter_a).get(INBOX).content.decode()
    assert ">assignment.something_new<" not in html  # the filter keeps the code as its value only
    assert "其他消息" in html


def test_the_unread_count_agrees_with_the_items_drawn_as_unread(cast, client_for):
    notify(recipients=[cast.reporter_a], kind="sheet.sent", title="待办")
    notify(recipients=[cast.reporter_a], kind="sheet.sent", title="已办结未读")
    Notification.objects.filter(title="已办结未读").update(done_at="2026-01-01T00:00:00Z")  # its matter was settled
    response = client_for(cast.reporter_a).get(INBOX)
    html = response.content.decode()
    assert response.context["unread"] == 1
    assert html.count("status-dot-animated") == 1
    assert html.count('data-testid="inbox-mark-read"') == 1
    assert titles(client_for(cast.reporter_a).get(INBOX, {"status": "unread"})) == ["待办"]

"""A refused action on an assignment's page comes back with what was typed and one message at its
field (it used to redirect to empty boxes with the message in a banner)."""

import datetime as dt

import pytest
import time_machine

from tuijin.supervision import services
from tuijin.supervision.models import ExtensionRequest, ProgressUpdate, Status

pytestmark = pytest.mark.django_db

REASON = "征迁户提起行政复议，需等待复议结果。"


@pytest.fixture
def june():
    with time_machine.travel(dt.datetime(2026, 6, 10, 10, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def item(june, make_assignment):
    return make_assignment(deadline=dt.date(2026, 6, 30))


def block_of(page: str, name: str) -> str:
    at = page.index(f'name="{name}"')
    end = page.find('<div class="mb-3">', at)
    return page[page.rindex('<div class="mb-3">', 0, at) : end if end != -1 else len(page)]


def test_an_extension_to_an_earlier_date_keeps_the_reason(cast, item, client_for):
    response = client_for(cast.reporter_a).post(
        f"/supervision/{item.pk}/extension/", {"new_deadline": "2026-06-20", "reason": REASON}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert f"{REASON}</textarea>" in page
    assert 'name="new_deadline" value="2026-06-20"' in page
    message = "申请延至的日期须晚于当前时限（2026-06-30）。"
    assert page.count(message) == 1
    assert message in block_of(page, "new_deadline")
    assert not ExtensionRequest.objects.filter(assignment=item).exists()


def test_progress_without_text_says_so_at_the_field(cast, item, client_for):
    response = client_for(cast.reporter_a).post(f"/supervision/{item.pk}/progress/", {"text": "  "})
    assert response.status_code == 400
    page = response.content.decode()
    assert page.count("该字段是必填项。") == 1
    assert "该字段是必填项。" in block_of(page, "text")
    assert not ProgressUpdate.objects.filter(assignment=item).exists()


def test_a_closeout_return_without_reason_keeps_the_page(cast, item, client_for):
    a = services.closeout_request(
        actor=cast.reporter_a, assignment=item, evidence="已完成签约。", expected_version=None
    )
    response = client_for(cast.supervisor).post(
        f"/supervision/{a.pk}/closeout/return/", {"reason": "", "version": a.version}
    )
    assert response.status_code == 400
    assert 'data-testid="closeout-decision"' in response.content.decode()
    a.refresh_from_db()
    assert a.status == Status.CLOSEOUT_REQUESTED


def test_another_county_cannot_ask_for_an_extension_and_sees_nothing_typed(cast, item, client_for):
    response = client_for(cast.reporter_b).post(
        f"/supervision/{item.pk}/extension/", {"new_deadline": "2026-07-31", "reason": REASON}
    )
    assert response.status_code == 404
    assert REASON not in response.content.decode()
    assert not ExtensionRequest.objects.filter(assignment=item).exists()

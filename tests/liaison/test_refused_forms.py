"""A refused action on the sheet page comes back with everything typed and one message at its field
(it used to redirect to an empty form with the message in a banner: the typed 受理意见 was lost)."""

import re

import pytest

from tests.liaison.conftest import part_of
from tuijin.liaison.models import AssignmentStatus, ContactSheet, SheetStatus

pytestmark = pytest.mark.django_db

ANSWER = "已与自然资源部门对接，月底前落实用地指标。"
PAST = "承诺办结日期不能早于答复日期（2026-03-10）。"


def field_block(page: str, name: str) -> str:
    """The `mb-3` block that holds the named field (label, input, hint, errors)."""
    at = page.index(f'name="{name}"')
    end = page.find('<div class="mb-3">', at)
    return page[page.rindex('<div class="mb-3">', 0, at) : end if end != -1 else len(page)]


def test_an_answer_with_a_past_promised_date_keeps_what_was_typed(world, sent, client_for):
    part = part_of(sent, world.dept_d)
    response = client_for(world.handler_d).post(
        f"/liaison/parts/{part.pk}/accept/", {"answer": ANSWER, "promised_on": "2026-03-01", "version": part.version}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert re.search(rf"<textarea[^>]*name=\"answer\"[^>]*>\s*{ANSWER}</textarea>", page)
    assert 'name="promised_on" value="2026-03-01"' in page
    assert page.count(PAST) == 1
    assert PAST in field_block(page, "promised_on")
    assert 'data-testid="accept-form"' in page
    part.refresh_from_db()
    assert (part.status, part.answer, part.promised_on) == (AssignmentStatus.PENDING, "", None)


def test_a_return_without_reason_opens_its_form_again_with_the_message_at_the_field(world, sent, client_for):
    part = part_of(sent, world.dept_d)
    response = client_for(world.handler_d).post(
        f"/liaison/parts/{part.pk}/return/", {"reason": "", "version": part.version}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert page.count("该字段是必填项") == 1
    assert "该字段是必填项" in field_block(page, "reason")
    assert re.search(r'<details class="tj-action" open><summary class="btn btn-sm btn-outline-danger">', page)
    assert part_of(sent, world.dept_d).status == AssignmentStatus.PENDING


def test_a_transfer_to_nowhere_keeps_the_reason(world, sent, client_for):
    part = part_of(sent, world.dept_d)
    prefix = f"t{part.pk}"
    response = client_for(world.handler_d).post(f"/liaison/parts/{part.pk}/transfer/", {
        f"{prefix}-to_department": "", f"{prefix}-reason": "施工许可属住建职能。", f"{prefix}-version": part.version,
    })  # fmt: skip
    assert response.status_code == 400
    page = response.content.decode()
    assert "施工许可属住建职能。</textarea>" in page
    assert "该字段是必填项" in field_block(page, f"{prefix}-to_department")
    assert part_of(sent, world.dept_d).status == AssignmentStatus.PENDING


def test_a_stale_answer_says_so_and_keeps_the_text(world, sent, client_for):
    part = part_of(sent, world.dept_d)
    response = client_for(world.handler_d).post(
        f"/liaison/parts/{part.pk}/accept/",
        {"answer": ANSWER, "promised_on": "2026-03-31", "version": part.version - 1},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'data-testid="form-errors"' in page
    assert f"{ANSWER}</textarea>" in page
    assert part_of(sent, world.dept_d).status == AssignmentStatus.PENDING


def test_a_department_of_another_unit_cannot_answer_and_sees_nothing_typed(world, sent, client_for):
    part = part_of(sent, world.dept_d)
    response = client_for(world.handler_e).post(
        f"/liaison/parts/{part.pk}/accept/", {"answer": ANSWER, "promised_on": "2026-03-01", "version": part.version}
    )
    assert response.status_code in (403, 404)
    assert ANSWER not in response.content.decode()
    part.refresh_from_db()
    assert part.status == AssignmentStatus.PENDING
    assert ContactSheet.objects.get(pk=sent.pk).status == SheetStatus.SENT

"""Views that read a remark, reason or note straight from the POST refuse control characters too.

Each goes through `tuijin.core.text.posted` (the forms' message, naming the field), nothing is
saved, and NUL is a clear refusal on PostgreSQL, never a 500. A guard lists the raw reads left.
"""

import datetime as dt
import re
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from tests.indicators.conftest import build_catalogue
from tests.indicators.reporting_support import GOOD_MARCH, MONTH, YEAR, filling_clock, submit
from tuijin.assessment.forms import parse_row
from tuijin.indicators.models import Report, Submission, SubmissionStatus
from tuijin.orgs.models import ApiToken
from tuijin.supervision import services as supervision
from tuijin.supervision.models import Cycle, ExtensionRequest, ProgressUpdate, SourceKind

pytestmark = pytest.mark.django_db

BAD = ["\x01", "\x07", "\x00"]


def _refused(response) -> str:
    assert response.status_code in (200, 400), response.status_code
    html = response.content.decode()
    assert "控制字符" in html
    return html


@pytest.fixture
def assignment(cast):
    return supervision.assignment_create(
        actor=cast.supervisor, title="推进征迁扫尾", content="完成剩余征迁。", source_kind=SourceKind.INSTRUCTION,
        source_label="批示", owner_unit=cast.county_a, leader=cast.leader,
        deadline=timezone.localdate() + dt.timedelta(days=30), cycle=Cycle.MONTHLY,
    )  # fmt: skip


@pytest.mark.parametrize("bad", BAD)
def test_an_assignments_progress_with_control_characters_is_refused(cast, client_for, assignment, bad):
    url = reverse("supervision:progress_post", args=[assignment.pk])
    html = _refused(client_for(cast.reporter_a).post(url, {"text": f"已完成{bad}八户"}, follow=True))
    assert "进展情况" in html
    assert not ProgressUpdate.objects.exists()


@pytest.mark.parametrize("bad", BAD)
def test_an_extension_reason_with_control_characters_is_refused(cast, client_for, assignment, bad):
    url = reverse("supervision:extension_request", args=[assignment.pk])
    new_deadline = (timezone.localdate() + dt.timedelta(days=60)).isoformat()
    html = _refused(
        client_for(cast.reporter_a).post(url, {"reason": f"天气{bad}原因", "new_deadline": new_deadline}, follow=True)
    )
    assert "延期理由" in html
    assert not ExtensionRequest.objects.exists()


@pytest.mark.parametrize("bad", BAD)
def test_a_returned_reports_reason_with_control_characters_is_refused(cast, client_for, bad):
    with filling_clock():
        catalogue = build_catalogue(cast)
        submission = submit(cast, catalogue)
        url = reverse("indicators:submission_return", args=[submission.pk])
        data = {"reason": f"数据{bad}有误", "version": submission.version}
        html = _refused(client_for(cast.head_a).post(url, data, follow=True))
    assert "退回原因" in html
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.SUBMITTED


@pytest.mark.parametrize("bad", BAD)
def test_a_report_remark_with_control_characters_is_refused_and_nothing_is_saved(cast, client_for, bad):
    with filling_clock():
        catalogue = build_catalogue(cast)
        data = {"year": YEAR, "month": MONTH, "version": 0, "save": "1"}
        for name, (value, last, remark) in GOOD_MARCH.items():
            pk = getattr(catalogue, name).pk
            data |= {f"value-{pk}": value, f"last-{pk}": last, f"remark-{pk}": remark}
        data[f"remark-{catalogue.fai.pk}"] = f"含{bad}说明"
        response = client_for(cast.reporter_a).post(reverse("indicators:fill"), data)
    assert response.status_code == 400
    assert "说明" in _refused(response)
    assert not Submission.objects.exists()
    assert not Report.objects.exists()


@pytest.mark.parametrize("bad", BAD)
def test_an_api_token_name_with_control_characters_is_refused(cast, client_for, bad):
    html = _refused(client_for(cast.reporter_a).post(reverse("my_tokens"), {"name": f"对接{bad}"}, follow=True))
    assert "用途" in html
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("bad", BAD)
def test_a_lockout_release_with_control_characters_is_refused(cast, client_for, bad):
    AccessAttempt.objects.create(username="reporter_a", ip_address="10.0.0.1", failures_since_start=3)
    for field in ("username", "ip_address"):
        response = client_for(cast.secadmin).post(reverse("orgs:lockout_release"), {field: f"x{bad}"}, follow=True)
        _refused(response)
    assert AccessAttempt.objects.count() == 1


@pytest.mark.parametrize("bad", BAD)
def test_a_scheme_items_name_with_control_characters_is_refused(bad):
    post = QueryDict(mutable=True)
    post.update({"items-0-name": f"招商{bad}引资", "items-0-kind": "rank", "items-0-weight": "10"})
    post.update({"items-0-description": f"说明{bad}"})
    _fields, _pk, _delete, errors = parse_row(post, 0, {})
    assert "控制字符" in errors["name"][0]
    assert "控制字符" in errors["description"][0]


# --- the guard ------------------------------------------------------------------------------------

# Keys read raw from a POST that are no free text: numbers, dates, choices compared in code, and a
# redirect target checked by url_has_allowed_host_and_scheme (and refused with a control character),
# a flag (end_tokens), a one-time code django-otp compares (token), a refused amount shown back as
# typed, escaped (investment: the form parsed and refused it).
NOT_TEXT = {
    "version", "next", "indicator", "rows", "form", "cycle_start", "new_deadline", "username", "ip_address",
    "end_tokens", "token", "investment",
}  # fmt: skip
RAW_READ = re.compile(r"""(?:request\.POST|\bpost)(?:\.get\(|\[)\s*f?["']([^"'{]+)""")


def test_no_view_reads_free_text_from_the_post_without_the_cleaner():
    """New free-text reads go through `text.posted` (or a form); this list is what is left raw."""
    root = Path(__file__).resolve().parents[2] / "tuijin"
    raw = {
        f"{path.relative_to(root)}: {key}"
        for path in root.rglob("*.py")
        for key in RAW_READ.findall(path.read_text(encoding="utf-8"))
        if key not in NOT_TEXT and not key.startswith(("value-", "last-", "items-"))
    }
    assert raw == set()


# --- query strings --------------------------------------------------------------------------------


@pytest.mark.parametrize("bad", BAD)
@pytest.mark.parametrize("url", ["/orgs/units/", "/orgs/users/", "/supervision/"])
def test_a_search_with_control_characters_is_a_clear_400_never_a_500(cast, client_for, url, bad):
    response = client_for(cast.sysadmin if url.startswith("/orgs/") else cast.supervisor).get(url, {"q": f"甲{bad}"})
    assert response.status_code == 400
    assert "控制字符" in response.content.decode()
    assert "q" in response.content.decode()


def test_the_api_answers_a_query_with_control_characters_in_json(cast, client_for):
    response = client_for(cast.sysadmin).get("/api/v1/users/", {"search": "a\x00"})
    assert response.status_code == 400
    assert "控制字符" in response.json()["detail"]

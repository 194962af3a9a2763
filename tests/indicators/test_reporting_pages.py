"""The reporting pages: the form (with its HTMX checks), the inbox, a submission, missing
reports, corrections and rules, each with its scope refusal."""

from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from tests.indicators.reporting_support import AFTER_DEADLINE, GOOD_MARCH, MONTH, YEAR, filling_clock, save, submit
from tuijin.indicators.models import CorrectionRequest, Report, Submission, SubmissionStatus, ValidationRule
from tuijin.orgs import services as org_services

FILL = reverse("indicators:fill")


@pytest.fixture(autouse=True)
def _clock():
    with filling_clock():
        yield


def form_data(catalogue, values=None, version=0, **extra):
    data = {"year": YEAR, "month": MONTH, "version": version, **extra}
    for name, (value, last, remark) in (values or GOOD_MARCH).items():
        pk = getattr(catalogue, name).pk
        data |= {f"value-{pk}": value, f"last-{pk}": last, f"remark-{pk}": remark}
    return data


# --- the form ---------------------------------------------------------------------------------------


def test_reporter_sees_the_months_due_indicators_with_kind_hints(cast, catalogue, client_for):
    response = client_for(cast.reporter_a).get(FILL)
    html = response.content.decode()
    assert response.status_code == 200
    assert "2026年3月指标填报" in html
    assert "1–3月累计" in html
    for code in ("FAI", "FDI", "GDP", "HT", "PM25", "PARK"):
        assert f'data-testid="value-{code}"' in html


def test_the_quarterly_indicator_is_not_on_aprils_form(cast, catalogue, client_for):
    with time_machine.travel("2026-05-02 10:00 +0800", tick=False):
        html = client_for(cast.reporter_a).get(FILL).content.decode()
    assert "2026年4月指标填报" in html
    assert 'data-testid="value-FAI"' in html
    assert 'data-testid="value-PARK"' not in html


def test_saving_a_draft_redirects_back_with_the_values_kept(cast, catalogue, client_for):
    client = client_for(cast.reporter_a)
    response = client.post(FILL, form_data(catalogue, {"fai": ("1,234.5", "", "")}, save="1"))
    assert response.status_code == 302
    assert Report.objects.get(indicator=catalogue.fai).value == Decimal("1234.5")
    html = client.get(response["Location"]).content.decode()
    assert 'value="1234.5"' in html
    assert "草稿" in html


def test_submitting_an_incomplete_form_keeps_the_draft_and_names_the_missing_value(cast, catalogue, client_for):
    values = {k: v for k, v in GOOD_MARCH.items() if k != "gdp"}
    response = client_for(cast.reporter_a).post(FILL, form_data(catalogue, values, submit="1"))
    assert response.status_code == 400
    assert "请填写本期值" in response.content.decode()
    assert Submission.objects.get().status == SubmissionStatus.DRAFT
    assert Report.objects.count() == 5


def test_submitting_a_complete_form_hands_it_in(cast, catalogue, client_for):
    response = client_for(cast.reporter_a).post(FILL, form_data(catalogue, submit="1"))
    assert response.status_code == 302
    assert Submission.objects.get(unit=cast.county_a).status == SubmissionStatus.SUBMITTED


def test_a_stale_form_is_refused_with_a_clear_message_and_nothing_overwritten(cast, catalogue, client_for):
    client = client_for(cast.reporter_a)
    client.post(FILL, form_data(catalogue, {"fai": (31, 28, "")}, version=0, save="1"))
    response = client.post(FILL, form_data(catalogue, {"fai": (99, 28, "")}, version=0, save="1"))
    assert response.status_code == 400
    assert "已被他人修改" in response.content.decode()
    assert Report.objects.get(indicator=catalogue.fai).value == Decimal(31)


def test_a_non_number_is_shown_next_to_its_field(cast, catalogue, client_for):
    response = client_for(cast.reporter_a).post(FILL, form_data(catalogue, {"fai": ("三十", "", "")}, save="1"))
    assert response.status_code == 400
    assert "请输入数字" in response.content.decode()
    assert not Report.objects.exists()


def test_the_htmx_check_returns_the_rows_messages_before_submission(cast, catalogue, client_for):
    data = form_data(catalogue, {"fdi": (5000, 1000, "")}, indicator=catalogue.fdi.pk)
    response = client_for(cast.reporter_a).post(reverse("indicators:fill_check"), data, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="checks-FDI"' in html
    assert "同比增速超过 ±100%" in html
    assert "<html" not in html
    assert not Report.objects.exists()  # checking writes nothing


def test_the_locked_form_is_read_only_with_a_correction_action(cast, catalogue, client_for):
    submit(cast, catalogue)
    with time_machine.travel(AFTER_DEADLINE, tick=False):
        client = client_for(cast.reporter_a)
        html = client.get(f"{FILL}?year={YEAR}&month={MONTH}").content.decode()
        assert 'name="value-' not in html
        assert "申请更正" in html
        report = Report.objects.get(indicator=catalogue.fai)
        response = client.post(
            reverse("indicators:correction_new", args=[report.pk]),
            {"proposed_value": "32", "proposed_last_year_value": "28", "reason": "口径调整"},
        )
        assert response.status_code == 302
        assert CorrectionRequest.objects.get().proposed_value == Decimal(32)
        assert "更正待审批" in client.get(f"{FILL}?year={YEAR}&month={MONTH}").content.decode()


def test_a_reporter_cannot_open_another_units_correction_form(cast, catalogue, client_for):
    submit(cast, catalogue)
    report = Report.objects.get(indicator=catalogue.fai)
    with time_machine.travel(AFTER_DEADLINE, tick=False):
        client = client_for(cast.reporter_b)
        url = reverse("indicators:correction_new", args=[report.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, {"proposed_value": "1", "reason": "x"}).status_code == 404
    assert not CorrectionRequest.objects.exists()


@pytest.mark.parametrize("who", ["head_a", "supervisor", "leader"])
def test_only_reporters_open_the_form(cast, catalogue, client_for, who):
    assert client_for(getattr(cast, who)).get(FILL).status_code == 403


# --- the inbox and a submission ---------------------------------------------------------------------


def test_the_unit_head_sees_the_submitted_month_and_approves_it(cast, catalogue, client_for):
    submission = submit(cast, catalogue)
    client = client_for(cast.head_a)
    assert "甲县" in client.get(reverse("indicators:submissions")).content.decode()
    detail = client.get(reverse("indicators:submission_detail", args=[submission.pk])).content.decode()
    assert 'data-testid="approve"' in detail
    response = client.post(
        reverse("indicators:submission_approve", args=[submission.pk]), {"version": submission.version}
    )
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.APPROVED


def test_supervisor_returns_with_a_reason_the_reporter_sees(cast, catalogue, client_for):
    submission = submit(cast, catalogue)
    client_for(cast.supervisor).post(
        reverse("indicators:submission_return", args=[submission.pk]),
        {"version": submission.version, "reason": "请核实外资"},
    )
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.RETURNED
    assert "退回原因：请核实外资" in client_for(cast.reporter_a).get(FILL).content.decode()


def test_a_return_without_reason_changes_nothing(cast, catalogue, client_for):
    submission = submit(cast, catalogue)
    client_for(cast.head_a).post(
        reverse("indicators:submission_return", args=[submission.pk]), {"version": submission.version}
    )
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.SUBMITTED


def test_another_units_reporter_cannot_see_or_act_on_the_submission(cast, catalogue, client_for):
    submission = submit(cast, catalogue)
    client = client_for(cast.reporter_b)
    assert client.get(reverse("indicators:submission_detail", args=[submission.pk])).status_code == 404
    response = client.post(reverse("indicators:submission_return", args=[submission.pk]), {"reason": "x"})
    assert response.status_code == 404
    assert "甲县" not in client.get(reverse("indicators:submissions") + "?status=").content.decode()
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.SUBMITTED


def test_a_reporter_cannot_approve_through_the_url(cast, catalogue, client_for):
    submission = submit(cast, catalogue)
    url = reverse("indicators:submission_approve", args=[submission.pk])
    assert client_for(cast.reporter_a).post(url, {"version": submission.version}).status_code == 403
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.SUBMITTED


def test_the_submission_page_shows_the_history_of_a_figure(cast, catalogue, client_for):
    from tuijin.indicators.services import reporting

    submission = submit(cast, catalogue)
    submission = reporting.submission_return(
        actor=cast.head_a, submission=submission, reason="口径", expected_version=None
    )
    save(cast, catalogue, {**GOOD_MARCH, "fai": (29, 28, "")})
    html = client_for(cast.supervisor).get(reverse("indicators:submission_detail", args=[submission.pk]))
    assert 'data-testid="revision"' in html.content.decode()


def test_the_inbox_runs_a_fixed_number_of_queries(
    cast, catalogue, make_report, client_for, django_assert_max_num_queries
):
    for unit in (cast.county_a, cast.county_b, cast.zone):
        for month in (1, 2, 3):
            make_report(unit, catalogue.fai, month, month * 10)
    client = client_for(cast.supervisor)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("indicators:submissions") + "?status=")
    assert response.content.decode().count("甲县") == 3


# --- missing reports ---------------------------------------------------------------------------------


def test_supervisor_lists_missing_units_and_reminds_one(
    cast, catalogue, client_for, django_capture_on_commit_callbacks
):
    org_services.user_update(actor=cast.sysadmin, user=cast.reporter_b, expected_version=None, email="b@example.cn")
    client = client_for(cast.supervisor)
    html = client.get(reverse("indicators:missing")).content.decode()
    assert 'data-testid="missing-C-B"' in html
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("indicators:missing_remind", args=["C-B"]), {"year": YEAR, "month": MONTH})
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [["b@example.cn"]]


def test_the_missing_page_runs_a_fixed_number_of_queries(cast, catalogue, client_for, django_assert_max_num_queries):
    save(cast, catalogue)  # one draft, the others absent
    client = client_for(cast.supervisor)
    with django_assert_max_num_queries(13):  # includes the navigation's unread-messages count and its content flags
        response = client.get(reverse("indicators:missing"))
    assert response.content.decode().count('data-testid="missing-C') == 3


def test_a_county_supervisor_cannot_remind_another_county(cast, catalogue, client_for):
    client = client_for(cast.county_supervisor)
    response = client.post(reverse("indicators:missing_remind", args=["C-B"]), {"year": YEAR, "month": MONTH})
    assert response.status_code == 404
    assert not Submission.objects.exists()


def test_reporters_cannot_open_the_missing_list(cast, catalogue, client_for):
    assert client_for(cast.reporter_a).get(reverse("indicators:missing")).status_code == 403


# --- corrections and rules ------------------------------------------------------------------------


def test_supervisor_approves_a_correction_from_the_list(cast, catalogue, client_for):
    from tuijin.indicators.services import reporting

    submit(cast, catalogue)
    report = Report.objects.get(indicator=catalogue.fai)
    with time_machine.travel(AFTER_DEADLINE, tick=False):
        correction = reporting.correction_request(
            actor=cast.reporter_a, report=report, proposed_value=Decimal(33), proposed_last_year_value=Decimal(28),
            reason="补报",
        )  # fmt: skip
        client = client_for(cast.supervisor)
        assert "补报" in client.get(reverse("indicators:corrections")).content.decode()
        client.post(reverse("indicators:correction_approve", args=[correction.pk]))
    report.refresh_from_db()
    assert report.value == Decimal(33)


def test_a_supervisor_of_another_county_cannot_decide_a_correction(cast, catalogue, client_for):
    from tuijin.indicators.services import reporting
    from tuijin.orgs.models import Role

    submit(cast, catalogue)
    report = Report.objects.get(indicator=catalogue.fdi)
    other = org_services.user_create(
        actor=cast.sysadmin,
        username="sup_b",
        password="Tuijin-Test-2026!",
        unit=cast.county_b,
        full_name="sup_b",
        must_change_password=False,
    )
    other = org_services.roles_set(actor=cast.secadmin, user=other, roles=[Role.SUPERVISOR])
    with time_machine.travel(AFTER_DEADLINE, tick=False):
        correction = reporting.correction_request(
            actor=cast.reporter_a, report=report, proposed_value=Decimal(1), proposed_last_year_value=None, reason="x"
        )
        response = client_for(other).post(reverse("indicators:correction_approve", args=[correction.pk]))
    assert response.status_code == 404
    correction.refresh_from_db()
    assert correction.status == CorrectionRequest.Status.PENDING


def test_supervisor_adds_a_rule_through_the_page_and_a_bad_expression_is_shown(cast, client_for):
    client = client_for(cast.supervisor)
    data = {"code": "ht-cap", "name": "占比上限", "left": "value", "operator": "<=", "right": "100",
            "severity": "error", "message": "占比不能超过 100%", "kinds": ["level"], "sort_order": 50,
            "is_active": "on"}  # fmt: skip
    response = client.post(reverse("indicators:rule_create"), {**data, "left": "__import__('os')"})
    assert response.status_code == 200
    assert "不允许" in response.content.decode() or "只能调用" in response.content.decode()
    assert client.post(reverse("indicators:rule_create"), data).status_code == 302
    rule = ValidationRule.objects.get(code="ht-cap")
    response = client.post(reverse("indicators:rule_toggle", args=[rule.pk]))
    assert response.status_code == 302, response.content.decode()[:3000]
    rule.refresh_from_db()
    assert not rule.is_active
    assert "ht-cap" in client.get(reverse("indicators:rules")).content.decode()


@pytest.mark.parametrize("who", ["county_supervisor", "reporter_a"])
def test_only_a_city_supervisor_opens_the_rules(cast, client_for, who):
    client = client_for(getattr(cast, who))
    assert client.get(reverse("indicators:rules")).status_code == 403
    rule = ValidationRule.objects.first()
    assert client.post(reverse("indicators:rule_toggle", args=[rule.pk])).status_code == 403
    rule.refresh_from_db()
    assert rule.is_active


def test_an_untouched_form_names_no_missing_value_yet(cast, catalogue, client_for):
    html = client_for(cast.reporter_a).get(FILL).content.decode()
    assert "请填写本期值" not in html


def test_a_refused_hand_in_says_why_names_each_problem_once_and_keeps_a_current_version(cast, catalogue, client_for):
    client = client_for(cast.reporter_a)
    values = {k: v for k, v in GOOD_MARCH.items() if k != "gdp"}
    response = client.post(FILL, form_data(catalogue, values, submit="1"))
    html = response.content.decode()
    assert response.status_code == 400
    assert "未能提交：1 项指标未通过校验" in html
    assert html.count("请填写本期值") == 1
    submission = Submission.objects.get()
    assert f'name="version" value="{submission.version}"' in html
    # The form as redrawn hands in once the missing figure is added.
    pk = catalogue.gdp.pk
    data = form_data(catalogue, version=submission.version, submit="1") | {f"value-{pk}": "6.5", f"last-{pk}": "6.1"}
    assert client.post(FILL, data).status_code == 302
    assert Submission.objects.get().status == SubmissionStatus.SUBMITTED

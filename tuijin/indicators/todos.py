"""The monthly reporting items of 我的待办: the form to fill, submissions to approve or
accept, corrections to decide, units that have not reported."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tuijin.core.todos import Todo
from tuijin.indicators import periods, queries
from tuijin.indicators.models import CorrectionRequest, Submission, SubmissionStatus
from tuijin.orgs import policy

OPEN_STATUSES = (SubmissionStatus.DRAFT, SubmissionStatus.RETURNED)


def for_user(user) -> list[Todo]:
    items: list[Todo] = []
    if policy.allows(user, "report.fill") and user.unit is not None:
        items.extend(_reporter(user))
    if policy.allows(user, "report.approve") and user.unit is not None:
        items.extend(_waiting(user, SubmissionStatus.SUBMITTED, _("待审核的月报")))
    if policy.allows(user, "report.accept"):
        items.extend(_waiting(user, SubmissionStatus.APPROVED, _("待确认的月报")))
        items.extend(_supervisor(user))
    return items


def _reporter(user) -> list[Todo]:
    year, month = periods.current_period()
    if not queries.asked_indicators(user.unit, month).exists():  # fed figures ask nothing of the unit
        return []
    submission = Submission.objects.filter(unit=user.unit, year=year, month=month).first()
    status = submission.status if submission else SubmissionStatus.DRAFT
    if status not in OPEN_STATUSES:
        return []
    deadline = periods.deadline(year, month)
    url = f"{reverse('indicators:fill')}?year={year}&month={month}"
    label = _("%(y)d年%(m)d月月报") % {"y": year, "m": month}
    if timezone.localdate() > deadline:
        return [
            Todo(_("%(p)s已过截止日仍未报送") % {"p": label}, url, _("请联系督查员办理更正或补报。"), level="danger")
        ]
    if status == SubmissionStatus.RETURNED:
        return [
            Todo(_("%(p)s被退回，请修改后重新报送") % {"p": label}, url, submission.returned_reason, level="danger")
        ]
    detail = _("截止 %(d)s") % {"d": deadline.isoformat()}
    return [Todo(_("填报%(p)s") % {"p": label}, url, detail, level="warning")]


def _waiting(user, status: str, title: str) -> list[Todo]:
    count = queries.submissions_for(user, status=status).count()
    if not count:
        return []
    return [Todo(title, f"{reverse('indicators:submissions')}?status={status}", count=count)]


def _supervisor(user) -> list[Todo]:
    items = []
    pending = CorrectionRequest.objects.listing(user, status=CorrectionRequest.Status.PENDING).count()
    if pending:
        url = f"{reverse('indicators:corrections')}?status=pending"
        items.append(Todo(_("待审批的更正申请"), url, count=pending, level="warning"))
    year, month = periods.current_period()
    if timezone.localdate() > periods.deadline(year, month):
        missing = len(queries.missing_for(user, year, month))
        if missing:
            url = f"{reverse('indicators:missing')}?year={year}&month={month}"
            title = _("%(m)d月月报未报单位") % {"m": month}
            items.append(Todo(title, url, _("可一键催报"), count=missing, level="danger"))
    return items

"""Pages of corrections after the lock: the request form, the decider's list, approve, reject.

`CorrectionPages` writes the four pages once for every kind (one set of templates,
`corrections/*.html`, which a kind's own templates extend); a kind names its parts and fetches
the row to correct. The reporting form's kind and its URLs are below; the project progress
kind is in `tuijin.projects.views_progress`. Thin: parse, call the state machine
(`services.corrections`), render or redirect.
"""

from __future__ import annotations

from abc import ABC, abstractmethod

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from tuijin.core import text
from tuijin.core.forms import apply_validation_error
from tuijin.indicators.forms_reporting import CorrectionForm
from tuijin.indicators.models import CorrectionStatus, Report
from tuijin.indicators.services import corrections, reporting
from tuijin.indicators.views_reporting import PAGE_SIZE, fill_url, own_unit
from tuijin.orgs import policy


class CorrectionPages(ABC):
    """The four pages of one kind of correction; views are made when the instance is."""

    flow: corrections.Flow
    requester: str  # the policy action of the request form
    form_class: type[forms.Form]
    form_template: str
    list_template: str
    list_url: str  # URL names: the decider's list, and the two decisions (taking the pk)
    approve_url: str
    reject_url: str
    approved_message: str

    @abstractmethod
    def row(self, request, **kwargs) -> models.Model:
        """The row the request form corrects, from the URL; 404 outside the user's scope."""

    @abstractmethod
    def initial(self, row: models.Model) -> dict:
        """The form's initial figures: what the row holds now."""

    @abstractmethod
    def back_url(self, row: models.Model) -> str:
        """Where the requester goes back to (and lands after asking)."""

    @abstractmethod
    def form_context(self, row: models.Model) -> dict:
        """What the kind's form template names (the row, by its own name)."""

    def __init__(self) -> None:
        decide = policy.permission(self.flow.decider)
        self.new = policy.permission(self.requester)(self._new)
        self.listing = decide(self._listing)
        self.approve = require_POST(decide(self._approve))
        self.reject = require_POST(decide(self._reject))

    def _new(self, request, **kwargs) -> HttpResponse:
        row = self.row(request, **kwargs)
        form = self.form_class(request.POST or None, initial=self.initial(row))
        if request.method == "POST" and form.is_valid():
            proposed = dict(form.cleaned_data)
            reason = proposed.pop("reason")
            try:
                corrections.correction_request(self.flow, actor=request.user, row=row, reason=reason, proposed=proposed)
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("更正申请已提交，待督查员审批。"))
                return redirect(self.back_url(row))
        context = {"form": form, "back_url": self.back_url(row), **self.form_context(row)}
        return render(request, self.form_template, context)

    def _listing(self, request) -> HttpResponse:
        status = request.GET.get("status", CorrectionStatus.PENDING)
        status = status if status in CorrectionStatus.values else ""
        items = self.flow.model.objects.listing(request.user, status=status)
        context = {
            "page_obj": Paginator(items, PAGE_SIZE).get_page(request.GET.get("page")),
            "status": status, "statuses": CorrectionStatus.choices,
            "approve_url": self.approve_url, "reject_url": self.reject_url,
        }  # fmt: skip
        return render(request, self.list_template, context)

    def _approve(self, request, pk: int) -> HttpResponse:
        return self._decide(request, pk, corrections.correction_approve, _("意见"), self.approved_message)

    def _reject(self, request, pk: int) -> HttpResponse:
        return self._decide(request, pk, corrections.correction_reject, _("驳回意见"), _("已驳回更正申请。"))

    def _decide(self, request, pk: int, decide, label: str, done: str) -> HttpResponse:
        correction = self.flow.model.objects.in_scope_or_404(request.user, pk)
        try:
            note = text.posted(request.POST, "note", label)
            decide(self.flow, actor=request.user, correction=correction, note=note)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, done)
        return redirect(self.list_url)


class ReportCorrectionPages(CorrectionPages):
    """A figure of the unit's locked month, asked for from the reporting form."""

    flow = reporting.REPORT_CORRECTIONS
    requester = "report.fill"
    form_class = CorrectionForm
    form_template = "indicators/correction_form.html"
    list_template = "indicators/correction_list.html"
    list_url = "indicators:corrections"
    approve_url = "indicators:correction_approve"
    reject_url = "indicators:correction_reject"

    approved_message = gettext_lazy("已批准更正，原值已记入修改记录。")

    def row(self, request, *, report_id: int) -> Report:
        unit = own_unit(request)
        return get_object_or_404(Report.objects.select_related("indicator", "unit"), pk=report_id, unit=unit)

    def initial(self, row: Report) -> dict:
        return {"proposed_value": row.value, "proposed_last_year_value": row.last_year_value}

    def back_url(self, row: Report) -> str:
        return fill_url(row.year, row.month)

    def form_context(self, row: Report) -> dict:
        return {"report": row}


REPORTS = ReportCorrectionPages()

urlpatterns = [
    path("reporting/reports/<int:report_id>/correction/", REPORTS.new, name="correction_new"),
    path("reporting/corrections/", REPORTS.listing, name="corrections"),
    path("reporting/corrections/<int:pk>/approve/", REPORTS.approve, name="correction_approve"),
    path("reporting/corrections/<int:pk>/reject/", REPORTS.reject, name="correction_reject"),
]

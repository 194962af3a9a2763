"""The auditor's pages: the filtered log and its Excel export. Nothing here writes events
except the record of the export itself."""

import json

from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from tuijin.audit import queries
from tuijin.audit.forms import AuditFilterForm
from tuijin.audit.models import AuditAction
from tuijin.audit.services import record
from tuijin.core import policy
from tuijin.core.excel import build_sheet, xlsx_response

EXPORT_LIMIT = 100_000


@require_safe  # the log is read-only: no method but GET/HEAD is accepted here
@policy.permission("audit.read")
def event_list(request):
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    qs = queries.events(**{k: v for k, v in filters.items() if v})
    if request.GET.get("export") == "xlsx" and (form.is_valid() or not request.GET):
        return _export(request, qs, filters)
    context = {
        "form": form,
        "page_obj": Paginator(qs, 50).get_page(request.GET.get("page")),
        "object_types": queries.object_types(),
    }
    template = "audit/event_list.html#results" if request.htmx else "audit/event_list.html"
    return render(request, template, context)


@require_safe
@policy.permission("audit.read")
def chain_verify(request):
    """The auditor's check of the hash chain: holds, or the first broken row (id and time)."""
    return render(request, "audit/chain_verify.html", {"verdict": queries.verify_chain()})


def _export(request, qs, filters):
    headers = [_("时间"), _("账号"), _("操作人单位"), _("操作"), _("对象类型"), _("对象编号"), _("对象"),
               _("变更内容"), _("说明"), _("IP 地址")]  # fmt: skip
    rows = (
        [e.at, e.actor_username, e.actor_unit_name, e.get_action_display(), e.object_type, e.object_id,
         e.object_repr, json.dumps(e.changes, ensure_ascii=False) if e.changes else "", e.note, e.ip_address]
        for e in qs[:EXPORT_LIMIT].iterator(chunk_size=2000)
    )  # fmt: skip
    workbook = build_sheet(_("审计日志"), headers, rows)
    with transaction.atomic():
        used = {k: str(v) for k, v in filters.items() if v}
        note = _("导出审计日志，筛选条件：%(f)s") % {"f": used}
        record(actor=request.user, action=AuditAction.EXPORT, object_type="audit.auditevent", note=note)
    return xlsx_response(workbook, f"audit-{timezone.localdate():%Y%m%d}.xlsx")

"""The auditor's pages: the filtered log, one event, and the Excel export. Nothing here writes
events except the record of the export itself. In orgs, above audit: they check the policy."""

import json

from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from tuijin.audit import display
from tuijin.audit.models import AuditAction, AuditEvent
from tuijin.audit.queries import object_types, verify_chain
from tuijin.audit.services import record
from tuijin.core.excel import build_sheet, xlsx_response
from tuijin.orgs import policy, queries_audit
from tuijin.orgs.forms_audit import AuditFilterForm

EXPORT_LIMIT = 100_000
EXPORT_CHUNK = 2000


@require_safe  # the log is read-only: no method but GET/HEAD is accepted here
@policy.permission("audit.read")
def event_list(request):
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    qs = queries_audit.events(**{k: v for k, v in filters.items() if v})
    if request.GET.get("export") == "xlsx" and (form.is_valid() or not request.GET):
        return _export(request, qs, filters)
    page_obj = Paginator(qs, 50).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page_obj": page_obj,
        "rows": display.present(page_obj.object_list),
        "object_types": object_types(),
    }
    template = "orgs/audit_event_list.html#results" if request.htmx else "orgs/audit_event_list.html"
    return render(request, template, context)


@require_safe
@policy.permission("audit.read")
def event_detail(request, pk: int):
    """One event in full: what it reads as, and what is stored (the raw changes and its hashes)."""
    (row,) = display.present([get_object_or_404(AuditEvent, pk=pk)])
    changes = row.event.changes if isinstance(row.event.changes, dict) else {}
    raw = "\n".join(
        f"{json.dumps(k, ensure_ascii=False)}: {json.dumps(v, ensure_ascii=False)}" for k, v in changes.items()
    )
    return render(request, "orgs/audit_event_detail.html", {"row": row, "raw_changes": raw})


@require_safe
@policy.permission("audit.read")
def chain_verify(request):
    """The auditor's check of the hash chain: holds, or the first broken row (id and time)."""
    return render(request, "orgs/audit_chain_verify.html", {"verdict": verify_chain()})


def _export(request, qs, filters):
    headers = [_("时间"), _("操作人"), _("操作人单位"), _("操作"), _("对象类型"), _("对象编号"), _("对象"),
               _("变更内容"), _("说明"), _("IP 地址")]  # fmt: skip
    workbook = build_sheet(_("审计日志"), headers, _export_rows(qs[:EXPORT_LIMIT]))
    with transaction.atomic():
        used = {k: str(v) for k, v in filters.items() if v}
        note = _("导出审计日志，筛选条件：%(f)s") % {"f": used}
        record(actor=request.user, action=AuditAction.EXPORT, object_type="audit.auditevent", note=note)
    return xlsx_response(workbook, f"audit-{timezone.localdate():%Y%m%d}.xlsx")


def _export_rows(qs):
    """The rows as the page shows them, a chunk at a time (each chunk's objects in a few queries)."""
    chunk = []
    for event in qs.iterator(chunk_size=EXPORT_CHUNK):
        chunk.append(event)
        if len(chunk) == EXPORT_CHUNK:
            yield from _sheet_rows(chunk)
            chunk = []
    yield from _sheet_rows(chunk)


def _sheet_rows(events):
    for row in display.present(events):
        e = row.event
        who = e.actor_username if e.actor_username and not row.is_system else row.actor
        name = row.name + (_("（已删除）") if row.gone else "")
        changes = "\n".join(f"{c.label}：{c.before} → {c.after}" for c in row.changes)
        yield [e.at, who, e.actor_unit_name, e.get_action_display(), row.type_label, e.object_id, name, changes,
               e.note, e.ip_address]  # fmt: skip

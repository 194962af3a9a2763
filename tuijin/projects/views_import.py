"""The project library's Excel import page and its templates: every row checked by
`services.project_import`, all or nothing."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _

from tuijin.core.excel import xlsx_response
from tuijin.indicators.excel import MAX_UPLOAD_BYTES
from tuijin.orgs import policy
from tuijin.projects.forms_library import ImportForm
from tuijin.projects.services import project_import


@policy.permission("project.import")
def import_upload(request):
    form = ImportForm(request.POST or None, request.FILES or None, initial={"kind": request.GET.get("kind", "library")})
    errors, status = [], 200
    if request.method == "POST" and form.is_valid():
        upload, kind = form.cleaned_data["file"], form.cleaned_data["kind"]
        if upload.size > MAX_UPLOAD_BYTES:
            errors = [{"row": None, "field": "file", "message": _("文件超过 20 MB，请拆分后再上传。")}]
        else:
            try:
                result = project_import.workbook_import(
                    actor=request.user, kind=kind, data=upload.read(), file_name=upload.name
                )
            except project_import.ImportRejected as exc:
                errors = exc.errors
            else:
                _import_messages(request, result)
                return redirect(f"{reverse('projects:import_upload')}?kind={kind}")
        status = 400
    return render(request, "projects/import_upload.html", {"form": form, "errors": errors}, status=status)


def _import_messages(request, result: project_import.ImportResult) -> None:
    if result.created == result.updated == 0:
        messages.info(request, _("导入完成：内容与系统一致，未作更改（%(n)d 行）。") % {"n": result.unchanged})
    else:
        messages.success(request, _("导入完成：新增 %(c)d 行，修改 %(u)d 行，未变 %(n)d 行。") % {
            "c": result.created, "u": result.updated, "n": result.unchanged})  # fmt: skip
    for warning in result.warnings[:20]:
        messages.warning(request, _("第 %(r)s 行：%(m)s") % {"r": warning["row"], "m": warning["message"]})


@policy.permission("project.import")
def import_template(request, kind):
    if kind not in project_import.KINDS:
        raise Http404
    return xlsx_response(project_import.template_workbook(kind), f"project-{kind}-template.xlsx")


urlpatterns = [
    path("import/", import_upload, name="import_upload"),
    path("import/template/<str:kind>/", import_template, name="import_template"),
]

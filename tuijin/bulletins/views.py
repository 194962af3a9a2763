"""Bulletin pages: the list, drafting, the editor with inline paragraph editing (HTMX), publishing,
the published view (records the reader), the downloads and the versions with their changes.

Thin: fetch through `queries` (scope on the QuerySet), call `services`, render.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from tuijin.bulletins import drafting, queries, rendering, services
from tuijin.bulletins.models import Block, Bulletin, Chart, PeriodType, Status
from tuijin.core.downloads import protected_file_response
from tuijin.core.forms import CleanTextMixin, SearchableSelectMultiple, apply_validation_error
from tuijin.indicators import periods
from tuijin.indicators import queries as indicator_queries
from tuijin.indicators.models import Indicator
from tuijin.orgs import policy
from tuijin.orgs.models import RankingGroup, Unit

PAGE_SIZE = 25


def get_visible_or_404(user, pk: int) -> Bulletin:
    return get_object_or_404(Bulletin.objects.visible_to(user).select_related("scope_unit", "previous"), pk=pk)


def _managed_or_404(user, pk: int) -> Bulletin:
    bulletin = get_visible_or_404(user, pk)
    if not queries.may_manage(user, bulletin.scope_unit):
        raise PermissionDenied(_("您没有管理该范围通报的权限。"))
    return bulletin


@policy.permission("bulletin.view")
def bulletin_list(request):
    bulletins = queries.listing(request.user)
    can_manage = policy.allows(request.user, "bulletin.manage")
    return render(request, "bulletins/list.html", {"bulletins": bulletins, "can_manage": can_manage})


class CreateForm(CleanTextMixin, forms.Form):
    period_type = forms.ChoiceField(label=gettext_lazy("期间类型"), choices=PeriodType.choices)
    year = forms.IntegerField(label=gettext_lazy("年度"), min_value=2000, max_value=2100)
    period = forms.IntegerField(label=gettext_lazy("月份或季度"), min_value=1, max_value=12)
    scope = forms.ModelChoiceField(
        label=gettext_lazy("范围"), queryset=Unit.objects.none(), required=False,
        empty_label=gettext_lazy("全部单位（全市）"),
    )  # fmt: skip

    indicators = forms.ModelMultipleChoiceField(
        label=gettext_lazy("指标（不选为全部）"), queryset=Indicator.objects.filter(is_active=True), required=False,
        to_field_name="code", widget=SearchableSelectMultiple(empty=gettext_lazy("没有匹配的指标")),
    )  # fmt: skip
    groups = forms.ModelMultipleChoiceField(
        label=gettext_lazy("排名组（不选为全部）"), queryset=RankingGroup.objects.order_by("sort_order", "code"),
        required=False, to_field_name="code", widget=SearchableSelectMultiple(empty=gettext_lazy("没有匹配的排名组")),
    )  # fmt: skip

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scope"].queryset = policy.visible_units(user).filter(is_active=True).order_by("path")
        for field in self.fields.values():
            select = isinstance(field.widget, forms.Select | forms.SelectMultiple)
            field.widget.attrs.setdefault("class", "form-select" if select else "form-control")


@policy.permission("bulletin.manage")
def bulletin_create(request):
    year, month = periods.latest_locked_period()  # a bulletin reports a final month
    form = CreateForm(request.POST or None, user=request.user,
                      initial={"period_type": PeriodType.MONTH, "year": year, "period": month})  # fmt: skip
    existing = None  # the bulletin a refused draft would have repeated, linked from the page
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            bulletin = services.bulletin_create(
                actor=request.user, period_type=data["period_type"], year=data["year"], period=data["period"],
                scope_unit=data["scope"], indicators=[i.code for i in data["indicators"]],
                groups=[g.code for g in data["groups"]],
            )  # fmt: skip
        except services.BulletinExists as exc:
            apply_validation_error(form, exc)
            existing = exc.existing
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("通报草稿已生成，请审阅并修改文字后发布。"))
            return redirect("bulletins:detail", bulletin.pk)
    return render(request, "bulletins/create.html", {"form": form, "existing": existing})


@policy.permission("bulletin.view")
def bulletin_detail(request, pk: int):
    """The draft editor for a draft; the frozen snapshot (and a reading recorded) once published."""
    bulletin = get_visible_or_404(request.user, pk)
    can_manage = queries.may_manage(request.user, bulletin.scope_unit)
    if bulletin.status == Status.PUBLISHED:
        services.bulletin_record_read(user=request.user, bulletin=bulletin)
    blocks = {b.key: b for b in bulletin.blocks.all()} if bulletin.is_draft else {}
    doc = services.resolved(bulletin)
    items = [{**item, "block": blocks.get(item.get("key"))} for item in doc.get("items", [])]
    later = queries.versions(bulletin).filter(number__gt=bulletin.number, status=Status.PUBLISHED).first()
    reads = None
    if can_manage and bulletin.status == Status.PUBLISHED:
        reads = bulletin.reads.select_related("user", "user__unit").order_by("-last_opened_at")
    context = {"bulletin": bulletin, "doc": doc, "items": items, "can_manage": can_manage, "later": later,
               "reads": reads, "has_next": Bulletin.objects.filter(previous=bulletin).exists(),
               "progress": _open_period(bulletin)}  # fmt: skip
    return render(request, "bulletins/detail.html", context)


def _open_period(bulletin: Bulletin) -> indicator_queries.ReportingProgress | None:
    """A draft of a period not locked yet: 已报 / 应报 among the units of the groups it ranks."""
    if not bulletin.is_draft or periods.is_locked(bulletin.year, bulletin.month):
        return None
    groups = drafting.scope_groups(bulletin.scope_unit)
    units = Unit.objects.filter(is_active=True, pk__in=Unit.objects.filter(ranking_groups__in=groups).values("pk"))
    return indicator_queries.reporting_progress(units, None, bulletin.year, bulletin.month)


class BlockForm(CleanTextMixin, forms.Form):
    text = forms.CharField(
        label=gettext_lazy("段落"), widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}), max_length=4000
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


@policy.permission("bulletin.manage")
def block_edit(request, pk: int, key: str):
    """HTMX inline editing of one paragraph: GET the form, POST the text, cancel shows it again."""
    bulletin = _managed_or_404(request.user, pk)
    if not bulletin.is_draft:
        raise Http404(_("通报已发布。"))
    block = get_object_or_404(Block, bulletin=bulletin, key=key)
    form = BlockForm(request.POST or None, initial={"text": block.text, "version": block.version})
    editing = request.method == "GET" and request.GET.get("cancel") is None
    if request.method == "POST" and form.is_valid():
        try:
            block = services.block_edit(actor=request.user, block=block, text=form.cleaned_data["text"],
                                        expected_version=form.cleaned_data["version"])  # fmt: skip
        except ValidationError as exc:
            apply_validation_error(form, exc)
            editing = True
    elif request.method == "POST":
        editing = True
    bulletin.refresh_from_db(fields=["version"])
    context = {"bulletin": bulletin, "block": block, "form": form, "editing": editing, "can_manage": True,
               "oob_version": request.method == "POST"}  # fmt: skip
    return render(request, "bulletins/detail.html#block", context)


@policy.permission("bulletin.manage")
@require_POST
def bulletin_publish(request, pk: int):
    bulletin = _managed_or_404(request.user, pk)
    try:
        services.bulletin_publish(actor=request.user, bulletin=bulletin, expected_version=request.POST.get("version"))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("通报已发布，并已通知范围内各单位。"))
    return redirect("bulletins:detail", bulletin.pk)


@policy.permission("bulletin.manage")
@require_POST
def bulletin_new_version(request, pk: int):
    previous = _managed_or_404(request.user, pk)
    try:
        bulletin = services.bulletin_new_version(actor=request.user, previous=previous)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("bulletins:detail", previous.pk)
    messages.success(request, _("已按当前数据生成新版本草稿，变化见页首。"))
    return redirect("bulletins:detail", bulletin.pk)


def _file_name(bulletin: Bulletin, ext: str) -> str:
    suffix = f"（第{bulletin.number}版）" if bulletin.number > 1 else ""
    return f"{bulletin.title}{suffix}.{ext}"


def download(bulletin: Bulletin, ext: str, user) -> HttpResponse:
    """A published bulletin's stored file, byte for byte (a reading by `user`); a draft's file
    rendered now."""
    types = {
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "pdf": "application/pdf",
    }
    if bulletin.status == Status.PUBLISHED:
        services.bulletin_record_read(user=user, bulletin=bulletin)
        stored = bulletin.docx if ext == "docx" else bulletin.pdf
        return protected_file_response(stored, as_attachment=True, filename=_file_name(bulletin, ext),
                                       content_type=types[ext])  # fmt: skip
    doc = {**services.resolved(bulletin), "date": services.chinese_date(timezone.localdate())}
    render_ = rendering.docx if ext == "docx" else rendering.pdf
    response = HttpResponse(render_(doc, services.chart_pngs(bulletin)), content_type=types[ext])
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quoted(_file_name(bulletin, ext))}"
    return response


def _quoted(name: str) -> str:
    from urllib.parse import quote

    return quote(name)


@policy.permission("bulletin.view")
def bulletin_download(request, pk: int, ext: str):
    if ext not in ("docx", "pdf"):
        raise Http404
    return download(get_visible_or_404(request.user, pk), ext, request.user)


@policy.permission("bulletin.view")
def chart_png(request, pk: int, key: str):
    bulletin = get_visible_or_404(request.user, pk)
    chart = get_object_or_404(Chart, bulletin=bulletin, key=key)
    response = HttpResponse(bytes(chart.png), content_type="image/png")
    response["Cache-Control"] = "private, max-age=86400" if bulletin.status == Status.PUBLISHED else "no-cache"
    return response


@policy.permission("bulletin.view")
def bulletin_versions(request, pk: int):
    bulletin = get_visible_or_404(request.user, pk)
    versions = queries.versions(bulletin).filter(pk__in=Bulletin.objects.visible_to(request.user).values("pk"))
    return render(request, "bulletins/versions.html", {"bulletin": bulletin, "versions": versions})


app_name = "bulletins"
urlpatterns = [
    path("", bulletin_list, name="list"),
    path("new/", bulletin_create, name="create"),
    path("<int:pk>/", bulletin_detail, name="detail"),
    path("<int:pk>/blocks/<str:key>/", block_edit, name="block"),
    path("<int:pk>/publish/", bulletin_publish, name="publish"),
    path("<int:pk>/new-version/", bulletin_new_version, name="new_version"),
    path("<int:pk>/download.<str:ext>", bulletin_download, name="download"),
    path("<int:pk>/charts/<str:key>.png", chart_png, name="chart"),
    path("<int:pk>/versions/", bulletin_versions, name="versions"),
]

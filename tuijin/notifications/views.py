"""The inbox (我的消息) and the unit robot settings. Thin: parse, call a service, render."""

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tuijin.core.forms import apply_validation_error
from tuijin.notifications import kinds, queries, services
from tuijin.notifications.forms import ChannelForm
from tuijin.notifications.models import Notification, UnitChannel
from tuijin.orgs import policy
from tuijin.orgs.models import Unit

PAGE_SIZE = 20


# --- inbox -----------------------------------------------------------------------------------


def _inbox_context(request) -> dict:
    status = request.GET.get("status", "all")
    status = status if status in queries.STATUSES else "all"
    kind = request.GET.get("kind", "")
    items = queries.inbox(request.user, status=status, kind=kind)
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    for item in page:
        item.kind_label = kinds.label(item.kind)
    return {
        "page_obj": page,
        "status": status,
        "kind": kind,
        "kinds": [(k, kinds.label(k)) for k in queries.kinds_of(request.user)],
        "unread": queries.unread_count(request.user),
    }


@policy.permission(policy.AUTHENTICATED)
def inbox(request):
    context = _inbox_context(request)
    if not request.htmx:
        return render(request, "notifications/inbox.html", context)
    response = render(request, "notifications/inbox.html#results", context)
    response["HX-Trigger"] = json.dumps({"inboxCount": context["unread"]})
    return response


def _back_to_inbox(request):
    if request.htmx:
        return inbox(request)
    query = request.GET.urlencode()
    response = redirect("notifications:inbox")
    if query:
        response["Location"] += f"?{query}"
    return response


@require_POST
@policy.permission(policy.AUTHENTICATED)
def mark_read(request, pk: int):
    item = get_object_or_404(Notification, pk=pk, recipient=request.user)
    services.mark_read(user=request.user, notification=item)
    return _back_to_inbox(request)


@require_POST
@policy.permission(policy.AUTHENTICATED)
def mark_all_read(request):
    count = services.mark_all_read(user=request.user)
    if not request.htmx:
        messages.success(request, _("已将 %(n)d 条消息标为已读。") % {"n": count})
    return _back_to_inbox(request)


@policy.permission(policy.AUTHENTICATED)
def open_item(request, pk: int):
    """Follow an item's link, marking it read on the way (only links inside the platform)."""
    item = get_object_or_404(Notification, pk=pk, recipient=request.user)
    services.mark_read(user=request.user, notification=item)
    if item.url and url_has_allowed_host_and_scheme(item.url, allowed_hosts=None):
        return redirect(item.url)
    return redirect("notifications:inbox")


# --- unit robots ---------------------------------------------------------------------------


@policy.permission("notification.manage")
def channels(request):
    search = request.GET.get("q", "").strip()
    units = queries.units_with_channels(request.user, search=search)
    context = {"page_obj": Paginator(units, 25).get_page(request.GET.get("page")), "q": search}
    template = "notifications/channels.html#results" if request.htmx else "notifications/channels.html"
    return render(request, template, context)


def _unit(request, code: str) -> Unit:
    return policy.get_in_scope_or_404(Unit.objects.all(), request.user, None, code=code)


@policy.permission("notification.manage")
def channel_edit(request, code: str):
    unit = _unit(request, code)
    channel = UnitChannel.objects.filter(unit=unit).first()
    initial = {"flavour": "dingtalk", "is_active": True}
    if channel:
        initial = {"webhook_url": channel.webhook_url, "flavour": channel.flavour, "is_active": channel.is_active}
    form = ChannelForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.channel_save(actor=request.user, unit=unit, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("已保存“%(unit)s”的群机器人设置。") % {"unit": unit.name})
            return redirect("notifications:channel_edit", code=unit.code)
    return render(request, "notifications/channel_form.html", {"form": form, "unit": unit, "channel": channel})


@require_POST
@policy.permission("notification.manage")
def channel_test(request, code: str):
    channel = get_object_or_404(UnitChannel, unit=_unit(request, code))
    result = services.channel_test(actor=request.user, channel=channel)
    if result.ok:
        messages.success(request, _("测试消息已发送，请在群里查看。"))
    else:
        messages.error(request, _("测试消息发送失败：%(error)s") % {"error": result.error})
    return redirect("notifications:channel_edit", code=code)


@require_POST
@policy.permission("notification.manage")
def channel_delete(request, code: str):
    channel = get_object_or_404(UnitChannel, unit=_unit(request, code))
    services.channel_delete(actor=request.user, channel=channel)
    messages.success(request, _("已删除该单位的群机器人设置。"))
    return redirect("notifications:channels")

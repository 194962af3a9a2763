"""API token pages: 我的 API 令牌 for every account, and a user's tokens for the security administrator."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tuijin.core import text
from tuijin.orgs import conf, policy, tokens
from tuijin.orgs.models import ApiToken, User


def _page(request, owner: User, *, secret: str = "", issued: ApiToken | None = None, own: bool):
    context = {
        "owner": owner, "tokens": tokens.tokens_for(owner), "own": own, "secret": secret, "issued": issued,
        "days": conf.API_TOKEN_DAYS, "now": timezone.now(),
    }  # fmt: skip
    return render(request, "orgs/token_list.html", context)


@policy.permission(policy.AUTHENTICATED)
def my_tokens(request):
    """List one's tokens; POST a name to get a new one, whose secret this answer shows once."""
    if request.method == "POST":
        try:
            token, key = tokens.token_issue(
                user=request.user,
                name=text.posted(request.POST, "name", _("用途"), multiline=False),
                verified=request.user.is_verified(),
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            return _page(request, request.user, secret=key, issued=token, own=True)
    return _page(request, request.user, own=True)


@require_POST
@policy.permission(policy.AUTHENTICATED)
def my_token_revoke(request, pk: int):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    tokens.token_revoke(actor=request.user, token=token)
    messages.success(request, _("已撤销令牌“%(name)s”。") % {"name": token.name})
    return redirect("my_tokens")


def _user_or_404(request, username) -> User:
    return policy.get_in_scope_or_404(User.objects.select_related("unit"), request.user, "unit", username=username)


@policy.permission("token.manage")
def user_tokens(request, username):
    return _page(request, _user_or_404(request, username), own=False)


@require_POST
@policy.permission("token.manage")
def user_token_revoke(request, username, pk: int):
    owner = _user_or_404(request, username)
    token = get_object_or_404(ApiToken, pk=pk, user=owner)
    tokens.token_revoke(actor=request.user, token=token)
    messages.success(request, _("已撤销 %(u)s 的令牌“%(name)s”。") % {"u": owner.username, "name": token.name})
    return redirect("orgs:user_tokens", username=owner.username)

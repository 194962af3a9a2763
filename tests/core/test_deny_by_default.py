"""Deny by default: every URL declares its policy action, and anonymous callers are refused."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tuijin.orgs import policy

PUBLIC_NAMES = {"login", "logout", "healthz", "readyz", "set_language", "api-token"}


def walk(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from walk(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p


def concrete(route: str) -> str:
    """A URL for a route, with placeholder values for its parameters."""
    route = re.sub(r"\(\?P<(\w+)>[^)]*\)", "1", route)
    route = re.sub(r"<int:(\w+)>", "1", route)
    route = re.sub(r"<(?:\w+:)?(\w+)>", "x", route)
    route = route.replace("^", "").replace("$", "").replace("\\", "")
    route = re.sub(r"\.\(\?P<format>[^)]*\)/?", "", route)
    return "/" + route.lstrip("/")


def app_patterns():
    for route, pattern in walk(get_resolver().url_patterns):
        if route.startswith("static/") or "format" in route:
            continue
        yield route, pattern


def test_every_view_declares_its_policy_action():
    undeclared = [route for route, p in app_patterns() if not policy.declared_action(p.callback)]
    assert undeclared == []


def test_only_the_known_public_views_are_public():
    public = {p.name for _, p in app_patterns() if policy.declared_action(p.callback) == policy.PUBLIC}
    assert public == PUBLIC_NAMES


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_requests_to_non_public_urls_are_refused(client, method):
    checked = 0
    for route, pattern in app_patterns():
        if pattern.name in PUBLIC_NAMES:
            continue
        response = getattr(client, method)(concrete(route))
        if route.startswith("api/"):
            assert response.status_code in (401, 403), route
        else:
            assert response.status_code == 302, route
            assert response["Location"].startswith("/accounts/login/"), route
        checked += 1
    assert checked > 10

"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server."""

import importlib
import os

import pytest
from django.db import connection
from playwright.sync_api import sync_playwright

from tests.conftest import PASSWORD, build_cast
from tests.twofactor import code, device_for
from tuijin.orgs import twofactor
from tuijin.orgs.models import User

CHROMIUM = os.environ.get("TUIJIN_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage"]

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    # The live server's tests flush the database between tests, which the append-only audit
    # triggers forbid by design; the browser-test database alone runs without them.
    triggers = importlib.import_module("tuijin.audit.migrations.0003_append_only_triggers")
    reverse = {"sqlite": triggers.SQLITE_REVERSE, "postgresql": triggers.POSTGRES_REVERSE}[connection.vendor]
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        for sql in reverse:
            cursor.execute(sql)


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1366, "height": 900})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    def on_console(msg):
        # A refused page (403/404) is the test's subject, not an error; its assets must still load.
        if msg.type == "error" and msg.location.get("url") != page.url:
            errors.append(f"{msg.text} ({msg.location.get('url')})")

    page.on("console", on_console)
    yield page
    context.close()
    assert errors == [], f"browser errors: {errors}"


@pytest.fixture
def cast(transactional_db):
    return build_cast()


@pytest.fixture
def login(page):
    """Sign in through the login page; an account that must use two-factor login is given a
    confirmed authenticator (as if enrolled) and types its current code on the code page."""

    def do(username, password=PASSWORD):
        user = User.objects.get(username=username)
        device = device_for(user) if twofactor.required(user) else None
        page.goto("/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("[data-testid=login-submit]")
        if device is not None:
            page.wait_for_url("**/accounts/two-factor/verify/**")
            page.fill("[data-testid=otp-token]", code(device))
            page.click("[data-testid=otp-submit]")
        page.wait_for_url("**/")
        return page

    return do

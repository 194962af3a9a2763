"""Two-factor login in the browser: a supervisor without a device enrols at first login (QR code and
secret, a first code typed from them, the ten backup codes), then at the next login types a code.
Each step at 1920 and 390 px; nothing scrolls sideways. Screenshots are kept under
var/e2e-two-factor/ for a person to look at (not committed).
"""

import pathlib
from base64 import b32decode

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tuijin.orgs import twofactor

pytestmark = pytest.mark.e2e

SHOTS = pathlib.Path(__file__).resolve().parents[2] / "var" / "e2e-two-factor"


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / f"{name}.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), name


def code_from_secret(secret: str, at_step_offset: int = 0) -> str:
    totp = TOTP(b32decode(secret.replace(" ", "")))
    totp.drift = at_step_offset
    return f"{totp.token():06d}"


def password(page, username):
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("[data-testid=login-submit]")


@pytest.mark.parametrize("width", [1920, 390])
def test_a_supervisor_enrols_at_first_login_then_types_a_code(cast, page, width):
    page.set_viewport_size({"width": width, "height": 1000})
    shot_name = f"{width}"
    password(page, "supervisor")
    page.wait_for_url("**/accounts/two-factor/setup/**")
    expect(page.get_by_test_id("otp-qr").locator("svg")).to_be_visible()
    shot(page, f"{shot_name}-1-enrol")
    secret = page.get_by_test_id("otp-secret").inner_text()
    page.fill("[data-testid=otp-token]", "000000")
    page.click("[data-testid=otp-submit]")
    expect(page.get_by_test_id("form-errors")).to_contain_text("验证码不正确")
    assert page.get_by_test_id("otp-secret").inner_text() == secret  # the same secret, still being scanned
    page.wait_for_timeout(1100)  # django-otp's throttling after one wrong code
    page.fill("[data-testid=otp-token]", code_from_secret(secret))
    page.click("[data-testid=otp-submit]")
    expect(page.get_by_test_id("backup-codes").locator("li")).to_have_count(10)
    shot(page, f"{shot_name}-2-backup-codes")
    page.click("[data-testid=codes-done]")
    page.wait_for_url("**/")
    assert twofactor.has_device(cast.supervisor)

    page.context.clear_cookies()
    password(page, "supervisor")
    page.wait_for_url("**/accounts/two-factor/verify/**")
    shot(page, f"{shot_name}-3-code")
    page.fill("[data-testid=otp-token]", code_from_secret(secret, at_step_offset=1))
    page.click("[data-testid=otp-submit]")
    page.wait_for_url("**/")
    expect(page.get_by_test_id("current-user")).to_have_count(1)
    page.goto("/accounts/two-factor/")
    expect(page.get_by_test_id("two-factor-state")).to_have_text("已启用")
    shot(page, f"{shot_name}-4-account")


def test_the_login_page_at_both_widths(cast, page):
    for width in (1920, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto("/accounts/login/")
        shot(page, f"{width}-0-login")

"""Passing the second factor in tests, for real: a confirmed TOTP device and codes computed from
its key (django_otp.oath), as an authenticator app would.

`verify_session(client, user)` is what `client_for` does after `force_login` for an account that
must use two-factor login: it gives the account a confirmed device when it has none and marks the
session verified by it, exactly as `django_otp.login` does after a right code. Nothing in the
settings switches two-factor login off for tests; the tests of the flow itself
(tests/orgs/test_two_factor.py) go through the code page.
"""

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP, hotp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tuijin.orgs import twofactor


def device_for(user) -> TOTPDevice:
    """The account's confirmed authenticator, created (as enrolment leaves it) when it has none."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=twofactor.TOTP_NAME, confirmed=True)
    return device


def code(device: TOTPDevice) -> str:
    """A code the device accepts now: the current step's, or a later one within the tolerance
    when the current one was used already (frozen clocks log in twice in one step)."""
    device.refresh_from_db()
    now = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).t()
    step = max(now, device.last_t + 1)
    assert step <= now + device.tolerance, "no unused code left in this time step"
    return f"{hotp(device.bin_key, step, digits=device.digits):0{device.digits}d}"


def verify_session(client, user) -> None:
    if not twofactor.required(user):
        return
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device_for(user).persistent_id
    session.save()


def pass_second_factor(client, user, next_url: str = "/"):
    """After a password login: post a right code to the code page (enrolling the device first)."""
    response = client.post("/accounts/two-factor/verify/", {"token": code(device_for(user)), "next": next_url})
    assert response.status_code == 302, response.content.decode()[:500]
    return response


def password_login(client, username, password, **extra):
    """The login page's password step, then the code page for an account that must pass it;
    returns the password step's response (what the login and lockout tests look at)."""
    from tuijin.orgs.models import User

    response = client.post("/accounts/login/", {"username": username, "password": password}, **extra)
    if response.status_code == 302:
        user = User.objects.get(username=username)
        if twofactor.required(user) or twofactor.has_device(user):
            pass_second_factor(client, user)
    return response

"""Load the demo city 示例市 (idempotent): `python manage.py load_demo`.

The password for every demo login comes from TUIJIN_DEMO_PASSWORD, or is generated once,
kept in var/demo-password.txt (outside git) and printed, so a second run prints the same one.
"""

import os
import secrets
import string

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from tuijin.core import conf
from tuijin.shell import demo

PASSWORD_FILE = settings.BASE_DIR / "var" / "demo-password.txt"


class Command(BaseCommand):
    help = "Load the demo city 示例市 with one login per role (safe to run again)."

    def add_arguments(self, parser):
        parser.add_argument("--quiet-logins", action="store_true", help="do not print the logins")
        parser.add_argument(
            "--only-if-empty",
            action="store_true",
            help="load only into an empty database (or one that already holds the demo); never into real data",
        )

    def handle(self, *args, **options):
        if options["only_if_empty"] and demo.holds_other_data():
            self.stdout.write("The database holds data other than the demo city; demo not loaded.")
            return
        password = _password()
        try:
            with transaction.atomic():
                people = demo.load(password)
        except Exception as exc:  # show the reason, keep nothing half-loaded
            raise CommandError(f"demo data not loaded: {exc}") from exc
        if not options["quiet_logins"]:
            self.stdout.write(self.style.SUCCESS("示例市 demo city is ready. Logins (all with the same password):"))
            for username, user in people.items():
                unit = user.unit.name if user.unit else "—"
                self.stdout.write(f"  {username:<16} {'、'.join(user.role_labels()):<10} {unit}")
            self.stdout.write(f"  password: {password}")
            self.stdout.write(_two_factor_line())


def _two_factor_line() -> str:
    if conf.DEMO_TWO_FACTOR:
        return (
            "  two-factor login (DEMO_TWO_FACTOR=1): demo-sysadmin, demo-secadmin, demo-auditor and demo-supervisor\n"
            "  enrol an authenticator app (TOTP) at their first login; the others may enrol from the user menu."
        )
    return (
        "  two-factor login: not enforced for the demo logins (DEMO_TWO_FACTOR=0); any of them may enrol from\n"
        "  the user menu → 两步验证. Production enforces it for the three administrators and supervisors."
    )


def _password() -> str:
    if env := os.environ.get("TUIJIN_DEMO_PASSWORD"):
        return env
    if PASSWORD_FILE.exists():
        return PASSWORD_FILE.read_text().strip()
    alphabet = string.ascii_letters + string.digits
    password = "Demo-" + "".join(secrets.choice(alphabet) for _ in range(10)) + "9a"
    PASSWORD_FILE.parent.mkdir(parents=True, exist_ok=True)
    PASSWORD_FILE.write_text(password + "\n")
    PASSWORD_FILE.chmod(0o600)
    return password

"""Create a 三员 administrator account from the command line (first installation)."""

import getpass

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from tuijin.orgs import services
from tuijin.orgs.models import ADMIN_ROLES


class Command(BaseCommand):
    help = "Create a sysadmin, secadmin or auditor account (Tuijin has no superusers)."

    def add_arguments(self, parser):
        parser.add_argument("--role", required=True, choices=sorted(ADMIN_ROLES))
        parser.add_argument("--username", required=True)
        parser.add_argument("--full-name", default="")

    def handle(self, *args, **options):
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Password (again): "):
            raise CommandError("The two passwords differ.")
        try:
            services.admin_bootstrap(
                username=options["username"], password=password, role=options["role"], full_name=options["full_name"]
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(self.style.SUCCESS(f"Created {options['role']} account {options['username']}."))

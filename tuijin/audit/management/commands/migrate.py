"""`migrate` as the owner role where DATABASE_OWNER_URL is set, then the app role's grants.

Without DATABASE_OWNER_URL this is Django's own `migrate`, unchanged.
"""

from django.conf import settings
from django.core.management import call_command
from django.core.management.commands.migrate import Command as DjangoMigrate


class Command(DjangoMigrate):
    def add_arguments(self, parser):
        super().add_arguments(parser)
        if "owner" in settings.DATABASES:
            parser.set_defaults(database="owner")

    def handle(self, *args, **options):
        super().handle(*args, **options)
        if options["database"] == "owner" and settings.DATABASES["owner"]["ENGINE"].endswith("postgresql"):
            call_command("pg_grant_app_role", database="owner", stdout=self.stdout)

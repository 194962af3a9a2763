"""Archive audit rows older than AUDIT_RETENTION_DAYS to a signed file, then remove them (owner role)."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS

from tuijin.audit import conf
from tuijin.audit.retention import archive_old_rows


class Command(BaseCommand):
    help = "Export audit rows past the retention period to signed JSON lines, then remove them."

    def add_arguments(self, parser):
        parser.add_argument("--database", default="owner" if "owner" in settings.DATABASES else DEFAULT_DB_ALIAS)

    def handle(self, *args, database: str, **options):
        if not conf.AUDIT_RETENTION_DAYS:
            self.stdout.write("AUDIT_RETENTION_DAYS is 0: every audit row is kept")
            return
        archive = archive_old_rows(using=database)
        if archive is None:
            self.stdout.write("no audit row is past the retention period")
        else:
            self.stdout.write(
                f"archived {archive.rows} rows (#{archive.first_id}–#{archive.last_id}) to {archive.file_name}"
            )

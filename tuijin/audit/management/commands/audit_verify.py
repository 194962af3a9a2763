"""Check the audit log's hash chain; exit 1 and name the first broken row if it does not hold."""

from django.core.management.base import BaseCommand, CommandError

from tuijin.audit.queries import verify_chain


class Command(BaseCommand):
    help = "Verify the audit log's hash chain and report the first broken link."

    def handle(self, *args, **options):
        verdict = verify_chain()
        if not verdict.ok:
            at = verdict.broken_at.isoformat() if verdict.broken_at else "?"
            raise CommandError(
                f"audit chain broken at row {verdict.broken_id} ({at}): {verdict.reason}; "
                f"{verdict.checked} rows before it hold"
            )
        self.stdout.write(f"audit chain holds: {verdict.checked} rows")

"""Background work of monthly reporting. Thin: load by id, call the service (idempotent)."""

from django.tasks import task

from tuijin.indicators.services import reminders


@task
def send_submission_reminder(submission_id: int) -> int:
    """Email the unit's reporters and head about the period they have not handed in."""
    return reminders.reminder_deliver(submission_id=submission_id)

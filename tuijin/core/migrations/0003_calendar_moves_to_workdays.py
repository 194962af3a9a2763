"""The working-day calendar's models (`CalendarYear`, `CalendarDay`) move to tuijin.workdays.

State only: the tables `core_calendaryear` and `core_calendarday` stay where 0001 made them, with
their rows; workdays' 0001 takes them over (same `db_table`) and renames their content types."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("core", "0002_shared_cache_table")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="CalendarDay"), migrations.DeleteModel(name="CalendarYear")],
            database_operations=[],
        )
    ]

"""The working-day calendar's models, taken over from core (core's 0003 lets go of them).

State only: the tables `core_calendaryear` and `core_calendarday` and their rows stay as they are.
The content types are renamed core → workdays in place (same ids), so the permissions and anything
else pointing at them keep pointing at the same models; a fresh database has none to rename."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MODELS = ("calendarday", "calendaryear")


def _move_content_types(apps, schema_editor, old: str, new: str) -> None:
    content_type = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model in MODELS:
        if not content_type.objects.using(db).filter(app_label=new, model=model).exists():
            content_type.objects.using(db).filter(app_label=old, model=model).update(app_label=new)
    content_type.objects.clear_cache()


def forwards(apps, schema_editor):
    _move_content_types(apps, schema_editor, "core", "workdays")


def backwards(apps, schema_editor):
    _move_content_types(apps, schema_editor, "workdays", "core")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0003_calendar_moves_to_workdays"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="CalendarDay",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("date", models.DateField(unique=True, verbose_name="日期")),
                        ("is_working_day", models.BooleanField(verbose_name="上班")),
                        (
                            "name",
                            models.CharField(help_text="如 春节、国庆节调休上班", max_length=50, verbose_name="名称"),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "created_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "节假日/调休日",
                        "verbose_name_plural": "节假日/调休日",
                        "db_table": "core_calendarday",
                        "ordering": ["date"],
                    },
                ),
                migrations.CreateModel(
                    name="CalendarYear",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("year", models.PositiveSmallIntegerField(unique=True, verbose_name="年度")),
                        (
                            "source",
                            models.CharField(
                                help_text="如 国务院办公厅关于2027年部分节假日安排的通知",
                                max_length=200,
                                verbose_name="依据",
                            ),
                        ),
                        ("declared_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "declared_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "节假日年度",
                        "verbose_name_plural": "节假日年度",
                        "db_table": "core_calendaryear",
                        "ordering": ["-year"],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(forwards, backwards, elidable=False),
    ]

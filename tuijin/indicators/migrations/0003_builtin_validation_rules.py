"""The built-in data checks, as rows a supervisor can read, deactivate and add to."""

from django.db import migrations

BUILTIN_RULES = [
    {
        "code": "cumulative-not-below-last-month",
        "name": "累计值不小于上月",
        "left": "value",
        "operator": ">=",
        "right": "last_month_value",
        "severity": "error",
        "message": "累计值不能小于上月累计值",
        "kinds": ["cumulative", "count"],
        "sort_order": 10,
    },
    {
        "code": "month-increase-spike",
        "name": "当月增量异常",
        "left": "month_increase",
        "operator": "<=",
        "right": "3 * avg_monthly_increase",
        "severity": "remark",
        "message": "当月增量超过今年以来月均增量的 3 倍",
        "kinds": ["cumulative"],
        "sort_order": 20,
    },
    {
        "code": "yoy-beyond-100",
        "name": "同比增速异常",
        "left": "abs(yoy)",
        "operator": "<=",
        "right": "100",
        "severity": "remark",
        "message": "同比增速超过 ±100%",
        "kinds": ["cumulative", "count", "level"],
        "sort_order": 30,
    },
]


def add_rules(apps, schema_editor):
    ValidationRule = apps.get_model("indicators", "ValidationRule")
    for rule in BUILTIN_RULES:
        ValidationRule.objects.update_or_create(code=rule["code"], defaults=rule)


def remove_rules(apps, schema_editor):
    ValidationRule = apps.get_model("indicators", "ValidationRule")
    ValidationRule.objects.filter(code__in=[r["code"] for r in BUILTIN_RULES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0002_submission_reminder_sent_at"),
    ]

    operations = [migrations.RunPython(add_rules, remove_rules)]

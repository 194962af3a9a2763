"""End the old API tokens: they never expired and were stored in clear (rest_framework.authtoken).

Their holders ask for a new token at /api/v1/auth/token/ (or on 我的 API 令牌). One audit event
records how many were ended, so the auditor sees why a client stopped working.
"""

from django.db import migrations


def end_legacy_tokens(apps, schema_editor):
    Token = apps.get_model("authtoken", "Token")
    count = Token.objects.count()
    if not count:
        return
    Token.objects.all().delete()
    apps.get_model("audit", "AuditEvent").objects.create(
        action="transition",
        object_type="authtoken.token",
        note=f"升级：{count} 个旧版永久 API 令牌已作废（改为有期限、只存摘要的令牌），请重新申请",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("orgs", "0002_api_tokens"),
        ("authtoken", "0004_alter_tokenproxy_options"),
        ("audit", "0003_append_only_triggers"),
    ]

    operations = [migrations.RunPython(end_legacy_tokens, migrations.RunPython.noop)]

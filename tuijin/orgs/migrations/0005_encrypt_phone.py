"""Phone numbers encrypted at rest: the column becomes text holding Fernet tokens, and the rows
already stored are encrypted in place (a rerun leaves tokens alone; reversing decrypts them)."""

from django.db import migrations

import tuijin.core.encryption
from tuijin.core.encryption import decrypt_token, encrypt_plaintext, rewrite_column


def encrypt_rows(apps, schema_editor):
    table = apps.get_model("orgs", "User")._meta.db_table
    rewrite_column(schema_editor.connection, table, "phone", encrypt_plaintext)


def decrypt_rows(apps, schema_editor):
    table = apps.get_model("orgs", "User")._meta.db_table
    rewrite_column(schema_editor.connection, table, "phone", decrypt_token)


class Migration(migrations.Migration):
    dependencies = [
        ("orgs", "0004_merge_0002_admin_reset_request_0003_end_legacy_tokens"),
    ]

    operations = [
        migrations.AlterField(
            model_name="user",
            name="phone",
            field=tuijin.core.encryption.EncryptedCharField(blank=True, max_length=30, verbose_name="联系电话"),
        ),
        migrations.RunPython(encrypt_rows, decrypt_rows),
    ]

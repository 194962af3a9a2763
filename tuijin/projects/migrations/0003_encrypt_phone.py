"""Projects' contact phone numbers encrypted at rest, like users' (orgs 0005): the column becomes
text holding Fernet tokens and the stored rows are encrypted in place (reversing decrypts them)."""

from django.db import migrations

import tuijin.core.encryption
from tuijin.core.encryption import decrypt_token, encrypt_plaintext, rewrite_column


def encrypt_rows(apps, schema_editor):
    table = apps.get_model("projects", "Project")._meta.db_table
    rewrite_column(schema_editor.connection, table, "contact_phone", encrypt_plaintext)


def decrypt_rows(apps, schema_editor):
    table = apps.get_model("projects", "Project")._meta.db_table
    rewrite_column(schema_editor.connection, table, "contact_phone", decrypt_token)


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0002_designation_template_versions"),
    ]

    operations = [
        migrations.AlterField(
            model_name="project",
            name="contact_phone",
            field=tuijin.core.encryption.EncryptedCharField(blank=True, max_length=30, verbose_name="联系电话"),
        ),
        migrations.RunPython(encrypt_rows, decrypt_rows),
    ]

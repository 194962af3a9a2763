"""Re-encrypt every encrypted field under the first FIELD_ENCRYPTION_KEY (key rotation)."""

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import connection, transaction

from tuijin.core.encryption import EncryptedCharField, rewrite_column, rotate_token


class Command(BaseCommand):
    help = (
        "After putting a new key first in FIELD_ENCRYPTION_KEY (old keys after it), re-encrypt the stored "
        "personal fields with the new key; then the old keys can be dropped."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        for model in apps.get_models():
            for field in model._meta.concrete_fields:
                if isinstance(field, EncryptedCharField):
                    count = rewrite_column(connection, model._meta.db_table, field.column, rotate_token)
                    self.stdout.write(f"{model._meta.label}.{field.name}: {count} re-encrypted")

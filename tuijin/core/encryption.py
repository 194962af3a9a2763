"""Personal fields encrypted at rest (个人信息: phone numbers) with Fernet, keys from settings.

`settings.FIELD_ENCRYPTION_KEYS` (env `FIELD_ENCRYPTION_KEY`, comma-separated Fernet keys): the
first encrypts, every one decrypts (`MultiFernet`), so a key is rotated by putting a new one
first and running `manage.py rotate_field_keys`, then dropping the old one. The key is not
SECRET_KEY's: rotating the session secret must not make the data unreadable.

A small field of our own rather than a package: django-fernet-encrypted-fields (the maintained
one) derives its keys from SECRET_KEY, returns the ciphertext unchanged when a key is wrong, and
marks "already decrypted" on the field object that every thread shares (gunicorn runs threads).
Fernet is randomised, so the column cannot be searched: the field allows no lookup but isnull.
"""

from __future__ import annotations

from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.db import models

FERNET_PREFIX = "gAAAAA"  # every Fernet token (version byte 0x80, then the timestamp) starts so


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured(f"FIELD_ENCRYPTION_KEY holds a malformed Fernet key: {exc}") from None


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt(value: str) -> str:
    return fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        raise ImproperlyConfigured(
            "An encrypted field cannot be decrypted with FIELD_ENCRYPTION_KEY: a key was changed or dropped "
            "(list the old key after the new one until `manage.py rotate_field_keys` has run)."
        ) from None


def is_token(value: str) -> bool:
    """Whether `value` is ciphertext under one of our keys (plaintext rows before the migration are not)."""
    if not value.startswith(FERNET_PREFIX):
        return False
    try:
        fernet().decrypt(value.encode())
    except InvalidToken:
        return False
    return True


class EncryptedCharField(models.CharField):
    """A CharField stored as Fernet ciphertext in a text column; `max_length` bounds the plaintext.

    "" stays "" (the column keeps NOT NULL and blank=True forms work); everything else is a token.
    """

    def get_internal_type(self) -> str:
        return "TextField"

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return encrypt(value) if value else value

    def from_db_value(self, value, expression, connection):
        return decrypt(value) if value else value

    def get_lookup(self, lookup_name):
        if lookup_name != "isnull":
            raise FieldError(f"{self.name} is encrypted: it cannot be filtered with '{lookup_name}'.")
        return super().get_lookup(lookup_name)


def masked(value: str) -> str:
    """What logs and audit rows show of an encrypted value: 138****5678 (脱敏), never the whole."""
    if not value:
        return value
    return f"{value[:3]}****{value[-4:]}" if len(value) >= 11 else "****"


def rewrite_column(connection, table: str, column: str, convert) -> int:
    """Pass every non-empty value of `table.column` through `convert` (new value, or None to keep);
    raw SQL, since the field itself would refuse plaintext. Returns how many rows changed."""
    quote = connection.ops.quote_name
    changed = 0
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, {quote(column)} FROM {quote(table)} WHERE {quote(column)} <> ''")  # noqa: S608
        for pk, value in cursor.fetchall():
            new = convert(value)
            if new is not None and new != value:
                cursor.execute(f"UPDATE {quote(table)} SET {quote(column)} = %s WHERE id = %s", [new, pk])  # noqa: S608
                changed += 1
    return changed


def encrypt_plaintext(value: str) -> str | None:
    """For the data migration: plaintext is encrypted, a token (a rerun) is left alone."""
    return None if is_token(value) else encrypt(value)


def decrypt_token(value: str) -> str | None:
    """For the reverse migration: tokens back to plaintext."""
    return decrypt(value) if is_token(value) else None


def rotate_token(value: str) -> str | None:
    """For `rotate_field_keys`: re-encrypt under the first key."""
    return fernet().rotate(value.encode()).decode() if is_token(value) else None

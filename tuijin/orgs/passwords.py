"""Password rule of 等保 2.0 level 3: characters from at least three of four classes."""

import secrets
import string

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class CharacterClassesValidator:
    CLASSES = (
        lambda c: c in string.ascii_lowercase,
        lambda c: c in string.ascii_uppercase,
        lambda c: c.isdigit(),
        lambda c: not c.isalnum(),
    )

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password: str, user=None) -> None:
        used = sum(1 for test in self.CLASSES if any(test(c) for c in password))
        if used < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self) -> str:
        return _("密码须包含大写字母、小写字母、数字、特殊符号中的至少 %(n)d 类。") % {"n": self.min_classes}


def temporary_password() -> str:
    """A random one-time password that meets the rules above (about 96 bits of randomness)."""
    return f"{secrets.token_urlsafe(12)}-Tj{secrets.randbelow(10)}"

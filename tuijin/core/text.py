"""Control characters in user text: refused at input, removed at output.

C0 control characters (other than tab, line feed and carriage return) and DEL have no place in
a government form; pasted from another program they break every file we write (XML 1.0 cannot
hold them, so openpyxl and python-docx raise) and NUL cannot be stored by PostgreSQL at all.
Every text path (forms, the API's parsers, Excel uploads) refuses them with `refusal`, and every
export removes what was stored before with `strip_control`.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

# Never allowed: NUL and the other C0 controls except \t \n \r, and DEL.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Single-line text also refuses the three that multi-line text allows.
CONTROL_SINGLE_LINE = re.compile(r"[\x00-\x1f\x7f]")

MESSAGE = _("“%(field)s”含有不可见的控制字符（%(char)s），可能是从其他软件复制时带入的，请删除后重新提交。")


def found(value: Any, *, multiline: bool = True) -> str | None:
    """The first control character in `value` (a str; other values have none), or None."""
    if not isinstance(value, str):
        return None
    match = (CONTROL if multiline else CONTROL_SINGLE_LINE).search(value)
    return match.group() if match else None


def describe(char: str) -> str:
    return f"U+{ord(char):04X}"


def refusal(field: str, char: str) -> str:
    """The message naming the field (its label, or the key where no label is known)."""
    return str(MESSAGE) % {"field": field, "char": describe(char)}


def strip_control(value: str) -> str:
    """`value` without the characters no file can hold (tab and line breaks are kept)."""
    return CONTROL.sub("", value)


def checked(value: Any, label: Any, *, multiline: bool = True) -> Any:
    """`value` unchanged, or a ValidationError (the form's message) naming `label`."""
    char = found(value, multiline=multiline)
    if char is not None:
        raise ValidationError(refusal(str(label), char), code="control_character")
    return value


def posted(data: Any, name: str, label: Any, *, multiline: bool = True) -> str:
    """The text `name` of a QueryDict (request.POST), refused like a form field's would be.

    For the few views that read a remark, reason or note without a form: call it where the
    view already catches the service's ValidationError, so the refusal shows the same way.
    """
    return checked(data.get(name) or "", label, multiline=multiline)


@deconstructible
class NoControlCharacters:
    """A validator for form and serializer fields; `label` is what the message names."""

    def __init__(self, label: str = "", *, multiline: bool = True):
        self.label = label
        self.multiline = multiline

    def __call__(self, value: Any) -> None:
        if isinstance(value, (list, tuple)):
            for item in value:
                self(item)
            return
        checked(value, self.label or _("输入内容"), multiline=self.multiline)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, NoControlCharacters) and (self.label, self.multiline) == (other.label, other.multiline)

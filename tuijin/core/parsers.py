"""The API's parsers refuse control characters anywhere in a request, naming where (`core.text`).

One check for every endpoint, bulk imports included, so a new serializer needs nothing. The API
cannot tell single-line from multi-line fields, so it allows tab and line breaks everywhere.
"""

from __future__ import annotations

from typing import Any

from rest_framework import parsers
from rest_framework.exceptions import ValidationError

from tuijin.core.text import found, refusal


def _first_control(data: Any, path: str = "") -> tuple[str, str] | None:
    """(where, character) of the first control character in keys or string values, or None."""
    if isinstance(data, str):
        char = found(data)
        return (path or "body", char) if char else None
    if hasattr(data, "lists"):  # a QueryDict: every value of every key
        data = dict(data.lists())
    if isinstance(data, dict):
        items = data.items()
    elif isinstance(data, (list, tuple)):
        items = ((f"{i}", v) for i, v in enumerate(data))
    else:
        return None
    for key, value in items:
        where = f"{path}.{key}" if path else str(key)
        if char := found(str(key)):
            return where, char
        if hit := _first_control(value, where):
            return hit
    return None


def _checked(data: Any) -> Any:
    if hit := _first_control(data):
        where, char = hit
        raise ValidationError({where.split(".")[0]: [refusal(where, char)]})
    return data


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        return _checked(super().parse(stream, media_type, parser_context))


class FormParser(parsers.FormParser):
    def parse(self, stream, media_type=None, parser_context=None):
        return _checked(super().parse(stream, media_type, parser_context))


class MultiPartParser(parsers.MultiPartParser):
    def parse(self, stream, media_type=None, parser_context=None):
        result = super().parse(stream, media_type, parser_context)
        _checked(result.data)
        return result

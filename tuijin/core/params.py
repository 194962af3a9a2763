"""Reading a request's input, and a service's refusal answered by the API (shared by every app)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError


def int_or_none(value) -> int | None:
    """An integer, or None where the value is missing or not a number (a form's `version` field)."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def int_query_param(request, name: str) -> int | None:
    """The API query parameter `name` as an integer; None where absent; 400 where not a number."""
    raw = request.query_params.get(name, "")
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError:
        raise ValidationError({name: [_("须为整数。")]}) from None


def as_drf_error(exc: DjangoValidationError) -> ValidationError:
    """A service's ValidationError as DRF's (400), per field where it names them."""
    return ValidationError(exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages})

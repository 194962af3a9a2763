"""Helpers shared by forms across apps."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import ProhibitNullCharactersValidator

from tuijin.core.text import NoControlCharacters


def apply_validation_error(form: forms.Form, exc: ValidationError, *, password_field: str | None = None) -> None:
    """Show a service's ValidationError on the form: per field where it names one, else on top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            target = field if field in form.fields and field != NON_FIELD_ERRORS else None
            for message in errors:
                form.add_error(target, message)
        return
    for message in exc.messages:
        form.add_error(password_field if password_field in form.fields else None, message)


class CleanTextMixin:
    """Every text field refuses control characters, naming itself (`tuijin.core.text`).

    Multi-line fields (a Textarea) keep tab and line breaks; single-line ones refuse those too.
    Forms get it through their base (`TablerMixin` in orgs.forms), so new fields need nothing.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if isinstance(field, (forms.CharField, forms.MultipleChoiceField, forms.ChoiceField)):
                multiline = isinstance(field.widget, forms.Textarea)
                # Ours names the field and covers NUL, so Django's terser NUL validator goes.
                others = [v for v in field.validators if not isinstance(v, ProhibitNullCharactersValidator)]
                field.validators = [NoControlCharacters(str(field.label or name), multiline=multiline), *others]

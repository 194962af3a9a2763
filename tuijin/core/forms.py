"""Helpers shared by forms across apps."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

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
    Forms get it through their base (`TablerMixin` below), so new fields need nothing.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if isinstance(field, (forms.CharField, forms.MultipleChoiceField, forms.ChoiceField)):
                multiline = isinstance(field.widget, forms.Textarea)
                field.validators.append(NoControlCharacters(str(field.label or name), multiline=multiline))


class TablerMixin(CleanTextMixin):
    """Give every widget Tabler's classes, so templates can render fields uniformly."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.CheckboxSelectMultiple):
                continue
            elif isinstance(widget, (forms.Select, forms.SelectMultiple)):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")


class VersionedForm(TablerMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


def bootstrap(form: forms.Form) -> None:
    """Tabler's classes on every widget (the pages render `{{ field }}` as it is)."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput | forms.HiddenInput):
            continue
        css = "form-select" if isinstance(widget, forms.Select) else "form-control"
        widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
        if isinstance(widget, forms.SelectMultiple):
            widget.attrs.setdefault("size", 8)

"""Helpers shared by forms across apps."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.forms.renderers import TemplatesSetting
from django.utils.translation import gettext_lazy as _

from tuijin.core.text import NoControlCharacters


class FormRenderer(TemplatesSetting):
    """Every field rendered as a whole (`{{ field.as_field_group }}`, `{{ form }}`) goes through
    `includes/field.html`, the one field layout: Tabler's label, the red * of a required field
    (Tabler's `required` label class), the hint and the errors under the field."""

    field_template_name = "includes/field.html"


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
                # Ours names the field and covers NUL, so Django's terser NUL validator goes.
                others = [v for v in field.validators if not isinstance(v, ProhibitNullCharactersValidator)]
                field.validators = [NoControlCharacters(str(field.label or name), multiline=multiline), *others]


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
        classes = widget.attrs.get("class", "").split()
        widget.attrs["class"] = " ".join(classes if css in classes else [*classes, css])
        if isinstance(widget, forms.SelectMultiple):
            widget.attrs.setdefault("size", 8)


class SearchableSelectMultiple(forms.SelectMultiple):
    """A multiple choice the browser turns into a search box with removable chips (tom-select,
    started by `tuijin/search-select.js` on `select[multiple][data-tj-search]`). Without JavaScript it
    stays the plain list. Its script and CSS come with the form's media, so only pages that
    render `{{ form.media }}` for such a form load them. `empty` names what was not found."""

    class Media:
        css = {"all": ["vendor/tom-select/css/tom-select.bootstrap5.min.css", "tuijin/search-select.css"]}
        js = ["vendor/tom-select/js/tom-select.complete.min.js", "tuijin/search-select.js"]

    def __init__(self, attrs=None, *, empty=None):
        defaults = {"class": "form-select", "size": 6, "data-tj-search": "", "data-tj-placeholder": _("输入名称搜索"),
                    "data-tj-empty": _("没有匹配的单位") if empty is None else empty}  # fmt: skip
        super().__init__(defaults | (attrs or {}))

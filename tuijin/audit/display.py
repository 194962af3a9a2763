"""The log as the auditor reads it: names, labels and values as users see them.

Computed when shown, never stored: the stored rows are hash-chained and stay as written, so
this module only reads them. A page of rows costs a fixed number of queries whatever its size
(`present` collects every object the rows name first, then fetches each model's in one query);
an object deleted since falls back to what the row stored.

Audit knows no app: each app names its objects and reads its own change keys through the
registry below, from its AppConfig.ready() (`<app>/audit_labels.py`). Change keys are a model's
field names, or keys a registered `KeyReader` reads (a figure's "FAI.value" in a submission's row).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import decimal
import functools
import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tuijin.audit.models import AuditEvent, SystemActor

EMPTY = gettext_lazy("（空）")
# Change keys that are not a field of the row's model (counts and summaries some services record).
EXTRA_LABELS = {
    "rows": gettext_lazy("行数"),
    "created": gettext_lazy("新增"),
    "updated": gettext_lazy("修改"),
    "unchanged": gettext_lazy("未变"),
    "units": gettext_lazy("单位数"),
    "nodes": gettext_lazy("节点数"),
    "roles": gettext_lazy("角色"),
    "reason": gettext_lazy("原因"),
    "target": gettext_lazy("目标账号"),
    "template": gettext_lazy("模板"),
    "failures_cleared": gettext_lazy("登录失败次数"),
    "escalated_to": gettext_lazy("升级至"),
    "problems": gettext_lazy("问题"),
    "items": gettext_lazy("明细"),
    "year": gettext_lazy("年度"),
    "month": gettext_lazy("月份"),
    "status": gettext_lazy("状态"),
    "kind": gettext_lazy("类型"),
    "size": gettext_lazy("文件大小（字节）"),
    "scope": gettext_lazy("范围"),
    "projects": gettext_lazy("项目"),
    "department": gettext_lazy("承办部门"),
    "due_on": gettext_lazy("答复期限"),
    "promised_on": gettext_lazy("承诺办结日期"),
    "visits": gettext_lazy("现场察看"),
    "content_type": gettext_lazy("文件类型"),
    "docx_sha256": gettext_lazy("Word 文件 SHA-256"),
    "pdf_sha256": gettext_lazy("PDF 文件 SHA-256"),
}
# Fields that hold an indicator's figure (shown to the indicator's decimals), not points or counts.
FIGURE_VALUES = {"value", "last_year_value", "proposed_value", "proposed_last_year_value", "old_value", "new_value"}
DECIMAL_TEXT = re.compile(r"-?\d+\.\d+")
DATETIME_TEXT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


@dataclass(frozen=True)
class Change:
    label: str
    before: str
    after: str

    @property
    def shown(self) -> bool:
        # A new row's empty fields (（空） → （空）) say nothing.
        return not (self.before == self.after == str(EMPTY))


@dataclass
class EventView:
    """One row as shown: the stored `event` and what it reads as."""

    event: AuditEvent
    actor: str
    is_system: bool
    type_label: str
    name: str
    gone: bool  # it names an object that no longer exists: `name` is what the row stored
    changes: list[Change] = field(default_factory=list)


# --- what the apps register -------------------------------------------------------------------


@dataclass(frozen=True)
class Ref:
    """An object a change key names: the `model` row whose `field` (unique) is `value`."""

    model: type[models.Model]
    value: Any
    field: str = "pk"


class KeyRead(Protocol):
    """One change key as its app reads it: the objects it names (fetched with the page's others),
    then the change it shows once they are fetched."""

    @property
    def refs(self) -> Sequence[Ref]: ...

    def change(self, pair: list[Any], names: Names) -> Change: ...


Labeller = Callable[[Any], str]
KeyReader = Callable[[str], KeyRead | None]  # None: not its key (read as a field or an extra key)

_LABELLERS: dict[str, Labeller] = {}
_KEY_READERS: dict[str, KeyReader] = {}
_EXTRA_CHOICES: dict[str, Iterable[tuple[Any, Any]]] = {}


def register(model_label: str, labeller: Labeller) -> None:
    """Name the objects of `model_label` ("orgs.user") by `labeller(obj)`, not `str(obj)`.

    A page fetches each model's objects in one query, with their non-null foreign keys two levels
    deep: a labeller reads only those (or calls `label_of` on one of them) and costs no query."""
    _LABELLERS[model_label.lower()] = labeller


def register_keys(model_label: str, reader: KeyReader) -> None:
    """Read the change keys of `model_label`'s rows that are not its fields (`reader(key)`)."""
    _KEY_READERS[model_label.lower()] = reader


def register_choices(key: str, choices: Iterable[tuple[Any, Any]]) -> None:
    """Show the coded values under `key`, a change key that is no field (a user's roles), by label."""
    _EXTRA_CHOICES[key] = choices


def present(events: Sequence[AuditEvent]) -> list[EventView]:
    """The rows as the auditor reads them, in a few queries (one per model the rows name)."""
    names = Names()
    for event in events:
        names.collect(event)
    names.fetch()
    return [names.view(event) for event in events]


def type_label(object_type: str) -> str:
    """A type as users say it: orgs.user → 用户; a download's view name (projects:photo) → its app's name."""
    model = model_of(object_type)
    if model is not None:
        return str(model._meta.verbose_name)
    app_label, sep, _view = object_type.partition(":")
    if sep:
        try:
            return str(apps.get_app_config(app_label).verbose_name)
        except LookupError:
            pass
    return object_type


def model_of(object_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return _kept_types().get(object_type)


@functools.cache
def _kept_types() -> dict[str, type[models.Model]]:
    """Models that moved to another app and keep logging under their first type (`audit_type`,
    e.g. core.calendarday, now tuijin.workdays'): the log's old rows and new ones are one type."""
    return {model.audit_type: model for model in apps.get_models() if getattr(model, "audit_type", "")}


def label_of(obj: models.Model) -> str:
    """An object's name as users see it: its app's labeller (see `register`), else `str(obj)`."""
    labeller = _LABELLERS.get(obj._meta.label_lower)
    return labeller(obj) if labeller is not None else str(obj)


def _key_read(model: type[models.Model] | None, key: str) -> KeyRead | None:
    reader = _KEY_READERS.get(model._meta.label_lower) if model is not None else None
    return reader(key) if reader is not None else None


def _actor_model() -> type[models.Model]:
    return AuditEvent._meta.get_field("actor").related_model


class Names:
    """Collects the objects a batch of rows names, fetches them per model, then renders the rows.
    A `KeyRead` finds its objects with `get` and shows a value with `value`."""

    def __init__(self) -> None:
        self.wanted: dict[tuple[type[models.Model], str], set[Any]] = defaultdict(set)
        self.found: dict[tuple[type[models.Model], str, Any], models.Model] = {}

    # --- collecting -----------------------------------------------------------------------

    def collect(self, event: AuditEvent) -> None:
        model = model_of(event.object_type)
        if event.actor_id:
            self._want(_actor_model(), event.actor_id)
        if model is None:
            return
        if event.object_id:
            self._want(model, event.object_id)
        for key, pair in _pairs(event):
            read = _key_read(model, key)
            if read is not None:
                for ref in read.refs:
                    self._want(ref.model, ref.value, ref.field)
                continue
            model_field = _field(model, key)
            if model_field is not None and model_field.is_relation and model_field.related_model is not None:
                for value in pair:
                    for pk in value if isinstance(value, list) else [value]:
                        if pk not in (None, ""):
                            self._want(model_field.related_model, pk)

    def _want(self, model: type[models.Model], value: Any, by: str = "pk") -> None:
        with contextlib.suppress(ValidationError, TypeError, ValueError):
            self.wanted[(model, by)].add(_field_of(model, by).to_python(value))

    # --- fetching ---------------------------------------------------------------------------

    def fetch(self) -> None:
        for (model, by), values in self.wanted.items():
            relations = _required_relations(model)
            manager = model._base_manager.select_related(*relations) if relations else model._base_manager
            fetched = manager.in_bulk(list(values)) if by == "pk" else manager.in_bulk(list(values), field_name=by)
            for value, obj in fetched.items():
                self.found[(model, by, value)] = obj

    def get(self, model: type[models.Model] | None, value: Any, by: str = "pk") -> models.Model | None:
        """The fetched object of `model` whose `by` is `value`; None if none was (or it is gone)."""
        if model is None or value in (None, ""):
            return None
        try:
            return self.found.get((model, by, _field_of(model, by).to_python(value)))
        except (ValidationError, TypeError, ValueError):
            return None

    # --- rendering --------------------------------------------------------------------------

    def view(self, event: AuditEvent) -> EventView:
        model = model_of(event.object_type)
        obj = self.get(model, event.object_id)
        actor = self.get(_actor_model(), event.actor_id)
        return EventView(
            event=event,
            actor=_actor(event, actor),
            is_system=bool(event.system_actor),
            type_label=type_label(event.object_type) if event.object_type else "",
            name=label_of(obj) if obj is not None else event.object_repr or missing(event.object_id),
            gone=obj is None and model is not None and bool(event.object_id),
            changes=[c for c in (self._change(model, obj, key, pair) for key, pair in _pairs(event)) if c.shown],
        )

    def _change(self, model, obj, key: str, pair: list[Any]) -> Change:
        read = _key_read(model, key)
        if read is not None:
            return read.change(pair, self)
        model_field = _field(model, key) if model is not None else None
        if model_field is None:
            label, choices = str(EXTRA_LABELS.get(key, key)), _extra_choices(key)
            return Change(label, *(_plain(_chosen(v, choices)) for v in pair))
        decimals = _decimals_of(obj) if key in FIGURE_VALUES else None
        before, after = (self.value(model_field, v, decimals) for v in pair)
        return Change(field_label(model_field), before, after)

    def value(self, model_field, value: Any, decimals: int | None = None) -> str:
        """A stored value of `model_field` as users read it (a number to at least `decimals`)."""
        if value is None or value == "" or value == []:
            return str(EMPTY)
        if model_field.is_relation and model_field.related_model is not None:
            values = value if isinstance(value, list) else [value]
            return "、".join(self._related(model_field.related_model, v) for v in values)
        if model_field.flatchoices:
            choices = {str(k): v for k, v in model_field.flatchoices}
            return str(choices.get(str(value), value))
        if isinstance(model_field, models.BooleanField):
            return _yes_no(value)
        if isinstance(model_field, (models.DecimalField, models.FloatField)):
            return number(value, decimals)
        return _plain(value)

    def _related(self, model: type[models.Model], pk: Any) -> str:
        obj = self.get(model, pk)
        return label_of(obj) if obj is not None else missing(pk)


def _required_relations(model: type[models.Model], depth: int = 2) -> list[str]:
    """The non-null foreign keys, two levels deep: what a __str__ reads (a figure's unit and indicator)."""
    names = []
    for f in model._meta.concrete_fields:
        if f.many_to_one and not f.null and f.related_model is not model:
            names.append(f.name)
            if depth > 1:
                names += [f"{f.name}__{n}" for n in _required_relations(f.related_model, depth - 1)]
    return names


def _extra_choices(key: str) -> dict[str, str]:
    """Labels of coded values under keys that are not fields (a user's roles: see `register_choices`)."""
    return {value: str(label) for value, label in _EXTRA_CHOICES.get(key, ())}


def _chosen(value: Any, choices: dict[str, str]) -> Any:
    if not choices:
        return value
    if isinstance(value, list):
        return [choices.get(str(v), v) for v in value]
    return choices.get(str(value), value)


def _pairs(event: AuditEvent) -> Iterable[tuple[str, list[Any]]]:
    changes = event.changes if isinstance(event.changes, dict) else {}
    for key, pair in changes.items():
        if isinstance(pair, list) and len(pair) == 2:
            yield str(key), pair
        else:
            yield str(key), [None, pair]


def field_label(model_field: models.Field) -> str:
    """The field's label; a foreign key left with Django's default label by its model's name."""
    label = str(model_field.verbose_name)
    if label != model_field.name.replace("_", " "):
        return label
    if model_field.is_relation and model_field.related_model:
        return str(model_field.related_model._meta.verbose_name)
    return str(EXTRA_LABELS.get(model_field.name, label))


def _field_of(model: type[models.Model], by: str) -> models.Field:
    return model._meta.pk if by == "pk" else model._meta.get_field(by)


def _field(model: type[models.Model] | None, name: str):
    if model is None:
        return None
    try:
        found = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return found if isinstance(found, models.Field) else None  # not a reverse relation


def _decimals_of(obj: models.Model | None) -> int | None:
    indicator = getattr(obj, "indicator", None) if obj is not None else None
    return getattr(indicator, "decimals", None)


def _actor(event: AuditEvent, user) -> str:
    if event.system_actor:
        return str(SystemActor(event.system_actor).label) if event.system_actor in SystemActor.values else _("系统")
    if user is not None:
        return label_of(user)
    return event.actor_username or "—"


def missing(pk: Any) -> str:
    """What an object gone since (or never found) reads as: its id."""
    return _("编号 %(id)s（已不存在）") % {"id": pk} if pk not in (None, "") else "—"


def _yes_no(value: Any) -> str:
    return _("是") if value else _("否")


def number(value: Any, decimals: int | None = None) -> str:
    """A stored decimal as users read it: no trailing zeros, but at least the indicator's decimals
    (never fewer digits than stored: the log shows exactly what was written)."""
    try:
        number = decimal.Decimal(str(value))
    except (decimal.InvalidOperation, ValueError):
        return str(value)
    if not number.is_finite():
        return str(value)
    text = format(number.normalize(), "f")
    if decimals:
        places = len(text.partition(".")[2])
        if places < decimals:
            text = format(number.quantize(decimal.Decimal(1).scaleb(-decimals)), "f")
    return text


def _plain(value: Any) -> str:
    """A value without a model field to say its type: by its JSON shape."""
    if value is None or value == "" or value == []:
        return str(EMPTY)
    if isinstance(value, bool):
        return _yes_no(value)
    if isinstance(value, list):
        return "、".join(_plain(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, float):
        return number(value)
    if isinstance(value, str):
        if DECIMAL_TEXT.fullmatch(value):
            return number(value)
        if DATETIME_TEXT.match(value):
            return _local_time(value)
    return str(value)


def _local_time(text: str) -> str:
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        return text
    if timezone.is_naive(moment):
        return text
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S")

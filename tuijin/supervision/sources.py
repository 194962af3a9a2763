"""Where an assignment comes from, as the source tells it: supervision imports none of its sources.

A source is a record another app keeps (a meeting's decision or review problem, a contact sheet,
a bulletin; an inspection's finding later) that an assignment links through `Assignment.source`.
The source's model implements `AssignmentSource`, and its app registers it from
`AppConfig.ready()`:

    sources.register(Decision, kind=SourceKind.DECISION, link="meeting", related=("meeting",))

A source a supervisor picks by hand in the assignment form and API (a contact sheet, a bulletin)
registers a `Picker` too: the field that names one and the records a user may link. Supervision's
forms, API, queries and templates read sources only through this module. The apps that turn their
records into assignments (meetings, liaison) call `services.assignment_create`; never the reverse.
A leader's instruction (领导批示) has no record: it is named in `source_label` only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from django.contrib.contenttypes.prefetch import GenericPrefetch
from django.db import models

from tuijin.orgs import policy
from tuijin.supervision.models import SourceKind

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from tuijin.orgs.models import Unit, User


@runtime_checkable
class AssignmentSource(Protocol):
    """What a source record tells supervision about itself (no query beyond `related`)."""

    pk: Any

    def source_url(self) -> str:
        """The page of the record (the item page links back to it)."""
        ...

    def source_title(self) -> str:
        """The link's text on the item page."""
        ...

    def source_scope(self) -> Iterable[Unit]:
        """The units the record belongs to: their people (and those above them) may see it.
        Empty: the whole city's."""
        ...


@dataclass(frozen=True)
class Picker:
    """How a supervisor names a source by hand: `field` in the form (a choice among `linkable`)
    and in the API (the value of `api_lookup`, a field made by `api_field`)."""

    field: str
    label: str
    help_text: str
    linkable: Callable[[User], QuerySet]  # the records the user may link, in the form's order
    api_field: Callable[[], Any]  # a fresh DRF serializer field
    api_lookup: str
    wrong_kind: str  # the form's error when the record is chosen for another kind of source
    api_refused: str  # the API's error: not among the linkable, or chosen for another kind


@dataclass(frozen=True)
class SourceType:
    model: type[models.Model]
    kind: str  # the `SourceKind` it stands for
    link: str  # the kind of link on the item page ("meeting", "sheet", "bulletin")
    related: tuple[str, ...] = ()  # what `source_url`/`source_title` read, fetched with the record
    picker: Picker | None = None


_REGISTRY: dict[str, SourceType] = {}


def register(
    model: type[models.Model], *, kind: str, link: str, related: Iterable[str] = (), picker: Picker | None = None
) -> None:
    """Called from the source app's `AppConfig.ready()`; registering a model again replaces it."""
    if kind not in SourceKind.values:
        raise ValueError(f"unknown source kind {kind!r}")
    for name in ("source_url", "source_title", "source_scope"):
        if not callable(getattr(model, name, None)):
            raise TypeError(f"{model._meta.label} does not implement AssignmentSource.{name}")
    _REGISTRY[model._meta.label_lower] = SourceType(model, kind, link, tuple(related), picker)


def type_of(obj: models.Model | None) -> SourceType | None:
    return None if obj is None else _REGISTRY.get(obj._meta.label_lower)


def pickers() -> list[SourceType]:
    """The sources picked by hand, in the order of `SourceKind` (the form's field order)."""
    order = SourceKind.values
    return sorted((t for t in _REGISTRY.values() if t.picker), key=lambda t: order.index(t.kind))


def picker_for(kind: str) -> SourceType | None:
    return next((t for t in pickers() if t.kind == kind), None)


def prefetch(lookup: str = "source") -> GenericPrefetch:
    """Prefetches the sources of many assignments, each with what its link reads (one query per type)."""
    querysets = [
        t.model._base_manager.select_related(*t.related) if t.related else t.model._base_manager.all()
        for t in _REGISTRY.values()
    ]
    return GenericPrefetch(lookup, querysets)


def may_link(user: User, source: models.Model) -> bool:
    """A source the user's scope meets: one of its units is in the user's scope or holds the user's unit
    (a city-wide record meets everyone's). Lenient by design: the pickers already offer only what
    the user sees; this refuses a record of a unit the user has nothing to do with."""
    if policy.sees_all(user):
        return True
    units = list(source.source_scope())
    if not units:
        return True
    own = user.unit
    return any(policy.in_scope(user, u) or (own is not None and own.is_within(u)) for u in units)


@dataclass(frozen=True)
class SourceLink:
    kind: str  # the registered `link`: "meeting", "sheet" or "bulletin"
    label: str
    url: str


def link(source: models.Model | None) -> SourceLink | None:
    """The item page's link to a registered source (None for no record or an unknown one)."""
    found = type_of(source)
    if found is None:
        return None
    return SourceLink(found.link, source.source_title(), source.source_url())

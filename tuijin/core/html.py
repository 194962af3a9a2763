"""Small HTML fragments built in Python where a template loop would be the slow part of a page.

A province has about 1,500 units: a unit filter rendered by a `{% for %}` over model instances
costs more than the rest of the list page together. `options` writes the same `<option>`s from
plain (value, label) pairs, escaped with the standard library's `html.escape` (Django's
`format_html` per option costs ten times as much).
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from django.utils.safestring import SafeString, mark_safe


def options(choices: Iterable[tuple[object, object]], selected: object = None) -> SafeString:
    """`<option value="…">label</option>` per pair; the one whose value equals `selected` (compared
    as text, as a query string gives it) is marked selected; none when `selected` is None."""
    chosen = None if selected is None else str(selected)
    parts = []
    for value, label in choices:
        value = str(value)
        mark = " selected" if value == chosen else ""
        parts.append(f'<option value="{escape(value)}"{mark}>{escape(str(label))}</option>')
    return mark_safe("".join(parts))  # noqa: S308 - every value and label is escaped above


# Query parameters that page, sort or export a list rather than narrow it.
NOT_FILTERS = frozenset({"page", "sort", "export"})


def filters_set(query) -> bool:
    """Has the user narrowed the list (any non-empty parameter other than paging and sorting)?
    An empty list then says "try other filters"; without filters it says why it is empty."""
    return any(value.strip() for key, values in query.lists() if key not in NOT_FILTERS for value in values)

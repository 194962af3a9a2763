"""The bulletin as a document: a flat list of items, the same JSON for the draft and the snapshot.

Items, in reading order:
    {"type": "h1" | "h2", "text": "一、总体情况"}
    {"type": "p", "key": "overview.FAI", "text": "…"}           an editable paragraph (a Block)
    {"type": "table", "key": "rank.FAI.G-COUNTY", "title": "…", "headers": [...],
     "numeric": [bool, …], "label": 1, "rows": [[{"t": text, "v": number or None, "rag": …}, …]]}
    {"type": "chart", "key": "chart.FAI.G-COUNTY", "title": "…"}  a PNG (a Chart)
`label` is the column that names a row (the unit), so two versions' tables compare cell by cell.
Numbers in "v" are unrounded decimal strings; "t" is the text as shown (rounded at display).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from tuijin.indicators.analytics_tables import Cell, Table


def cell(c: Cell, raw: Any = None) -> dict:
    """A table cell as JSON: its text, its unrounded number (the source Decimal where given)."""
    number = raw if raw is not None else c.number
    if isinstance(number, float | int) and not isinstance(number, bool):
        number = repr(number) if isinstance(number, float) else str(number)
    elif isinstance(number, Decimal):
        number = str(number)
    return {"t": c.text, "v": number, "rag": c.rag}


@dataclass
class Document:
    items: list[dict] = field(default_factory=list)
    blocks: dict[str, str] = field(default_factory=dict)  # key → generated text
    charts: dict[str, bytes] = field(default_factory=dict)  # key → PNG

    def h1(self, text: str) -> None:
        self.items.append({"type": "h1", "text": text})

    def h2(self, text: str) -> None:
        self.items.append({"type": "h2", "text": text})

    def p(self, key: str, text: str) -> None:
        if not text:
            return
        if key in self.blocks:
            raise ValueError(f"duplicate block key {key!r}")
        if not text.endswith(("。", "：", "！")):
            text += "。"
        self.blocks[key] = text
        self.items.append({"type": "p", "key": key, "text": text})

    def table(self, key: str, table: Table, rows: list[list[dict]] | None = None, label: int = 1) -> None:
        """Add `table` (rows converted from its cells unless given as JSON already)."""
        json_rows = rows if rows is not None else [[cell(c) for c in row] for row in table.rows]
        first = json_rows[0] if json_rows else []
        numeric = [i < len(first) and first[i]["v"] is not None for i in range(len(table.headers))]
        self.items.append({"type": "table", "key": key, "title": table.title, "headers": list(table.headers),
                           "numeric": numeric, "label": label, "rows": json_rows})  # fmt: skip

    def chart(self, key: str, title: str, png: bytes) -> None:
        self.charts[key] = png
        self.items.append({"type": "chart", "key": key, "title": title})

    def as_content(self, **meta) -> dict:
        return {**meta, "items": self.items}


# --- comparing two versions --------------------------------------------------------------------


def _cells(items: list[dict]) -> dict[tuple, dict]:
    out = {}
    for item in items:
        if item["type"] != "table":
            continue
        label = item.get("label", 0)
        for row in item["rows"]:
            name = row[label]["t"] if label < len(row) else ""
            for header, c in zip(item["headers"], row, strict=False):
                out[(item["key"], item["title"], name, header)] = c
    return out


def _texts(items: list[dict]) -> dict[str, str]:
    return {item["key"]: item["text"] for item in items if item["type"] == "p"}


def changes(before: list[dict], after: list[dict]) -> list[dict]:
    """What changed from one version's items to the next: figures (by table, row and column) and
    texts (by paragraph). Each change: {"kind": "figure" | "text", "where": …, "before", "after"}."""
    out: list[dict] = []
    old, new = _cells(before), _cells(after)
    for key in new.keys() | old.keys():
        a, b = old.get(key), new.get(key)
        if (a and a["t"]) != (b and b["t"]):
            _table_key, title, name, header = key
            out.append({"kind": "figure", "where": f"{title} · {name} · {header}", "key": key[0],
                        "before": a["t"] if a else "", "after": b["t"] if b else ""})  # fmt: skip
    old_t, new_t = _texts(before), _texts(after)
    for key in new_t.keys() | old_t.keys():
        if old_t.get(key) != new_t.get(key):
            out.append({"kind": "text", "where": key, "key": key, "before": old_t.get(key, ""),
                        "after": new_t.get(key, "")})  # fmt: skip
    order = {item.get("key"): i for i, item in enumerate(after)}
    return sorted(out, key=lambda c: (c["kind"] != "figure", order.get(c["key"], 10**6), c["where"]))

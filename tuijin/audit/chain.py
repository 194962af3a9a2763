"""The hash chain over audit rows: each row's hash covers its own content and the previous row's hash.

The database triggers and the app role's missing UPDATE/DELETE grants stop the app from rewriting
the log; the chain is what shows it when someone with more power (the owner role, a DBA, a restored
backup) did. Editing, deleting, inserting or reordering a row breaks the link at that row.

Pure functions only (no ORM): the writer (`services.record`), the data migration and the verifier
all hash through `row_hash`, so they cannot disagree about the canonical form.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Mapping
from typing import Any

GENESIS = "0" * 64
# SHA-256 by default; SM3 (GB/T 32905) where 密评 asks for it. Both give 256-bit digests. SM3 comes
# from the OpenSSL behind Python's hashlib (Debian's has it); no extra package is needed.
ALGORITHMS: dict[str, Callable[[], Any]] = {"sha256": hashlib.sha256, "sm3": lambda: hashlib.new("sm3")}
# The content a row's hash covers. Not the id: it is given by the database after hashing, and the
# link to the previous row already fixes each row's place.
FIELDS = (
    "at", "actor_id", "actor_username", "actor_unit_code", "actor_unit_name", "action",
    "object_type", "object_id", "object_repr", "changes", "note", "ip_address",
)  # fmt: skip
# Columns added after rows were chained: hashed only when set, so older rows (where they are
# empty) hash exactly as before, and setting or clearing one on any row breaks its link.
OPTIONAL_FIELDS = ("system_actor",)
COLUMNS = (*FIELDS, *OPTIONAL_FIELDS)


def available(algorithm: str) -> bool:
    try:
        ALGORITHMS[algorithm]()
    except (KeyError, ValueError):
        return False
    return True


def canonical(values: Mapping[str, Any]) -> bytes:
    """One byte string per row content, the same before the INSERT and after reading it back."""
    doc = {name: _normal(values.get(name)) for name in FIELDS}
    doc.update({name: values[name] for name in OPTIONAL_FIELDS if values.get(name)})
    doc["at"] = values["at"].astimezone(dt.UTC).isoformat(timespec="microseconds")
    return json.dumps(doc, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def row_hash(algorithm: str, prev_hash: str, values: Mapping[str, Any]) -> str:
    digest = ALGORITHMS[algorithm]()
    digest.update(f"{algorithm}\n{prev_hash}\n".encode())
    digest.update(canonical(values))
    return digest.hexdigest()


def _normal(value: Any) -> Any:
    # PostgreSQL's jsonb gives 1e20 back as an integer and 2.0 as 2.0: integral floats hash as ints.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {str(k): _normal(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_normal(v) for v in value]
    return value

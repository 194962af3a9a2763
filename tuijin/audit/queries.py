"""Reading the audit log: the types it holds, and the check of its hash chain. (The auditor's
filtered list is `tuijin.orgs.queries_audit`: it finds actors by a person's name.)"""

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.utils.translation import gettext as _

from tuijin.audit import chain
from tuijin.audit.models import AuditEvent


def object_types() -> list[tuple[str, str]]:
    """(stored type, its name as users say it) of every type in the log, by name."""
    from tuijin.audit.display import type_label

    stored = AuditEvent.objects.order_by().values_list("object_type", flat=True).distinct()
    pairs = [(t, type_label(t)) for t in stored if t]
    seen = Counter(label for _t, label in pairs)
    # Two types of one name (downloads of one app) are told apart by the stored type.
    named = [(t, label if seen[label] == 1 else f"{label}（{t}）") for t, label in pairs]
    return sorted(named, key=lambda pair: (pair[1], pair[0]))


@dataclass(frozen=True)
class ChainVerdict:
    checked: int
    broken_id: int | None = None
    broken_at: dt.datetime | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_id is None


def verify_chain() -> ChainVerdict:
    """Walk the rows in id order and report the first whose hash or link does not hold."""
    from tuijin.audit.services import chain_anchor  # the writer and the verifier share the anchor

    expected_prev, checked = chain_anchor(), 0
    rows = AuditEvent.objects.order_by("id").values("id", "hash_alg", "prev_hash", "row_hash", *chain.COLUMNS)
    for row in rows.iterator(chunk_size=5000):
        if row["prev_hash"] != expected_prev:
            return ChainVerdict(checked, row["id"], row["at"], _("与前一条记录的链接断开（记录被删除、插入或调换）"))
        if (
            not chain.available(row["hash_alg"])
            or chain.row_hash(row["hash_alg"], row["prev_hash"], row) != row["row_hash"]
        ):
            return ChainVerdict(checked, row["id"], row["at"], _("记录内容与哈希不符（记录被修改）"))
        expected_prev, checked = row["row_hash"], checked + 1
    return ChainVerdict(checked)

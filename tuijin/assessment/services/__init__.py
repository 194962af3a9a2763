"""The one write path of the assessment: schemes, items and bonuses; results, objections, adjustments."""

from tuijin.assessment.services.results import (
    adjustment_add,
    can_object,
    is_stale,
    objection_decide,
    objection_file,
    objection_refusal,
    rerank,
    results_compute,
    results_publish,
)
from tuijin.assessment.services.schemes import (
    ItemRow,
    bonus_add,
    bonus_delete,
    can_manage,
    item_create,
    item_delete,
    item_update,
    items_save,
    members,
    require_manager,
    scheme_create,
    scheme_lock,
    scheme_new_version,
    scheme_publish,
    scheme_update,
    weight_sum,
)

__all__ = [
    "ItemRow", "adjustment_add", "bonus_add", "bonus_delete", "can_manage", "can_object", "is_stale", "item_create",
    "item_delete", "item_update", "items_save", "members", "objection_decide", "objection_file", "objection_refusal",
    "require_manager", "rerank", "results_compute", "results_publish", "scheme_create", "scheme_lock",
    "scheme_new_version", "scheme_publish", "scheme_update", "weight_sum",
]  # fmt: skip

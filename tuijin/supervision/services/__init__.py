"""Every write of assignments: one function per transition.

`assignments` (create, edit, progress), `closeout` (申请销号, 销号, 退回), `extensions` (延期申请,
同意, 不同意); `common` holds the guards and helpers they share.
"""

from tuijin.supervision.services.assignments import assignment_create, assignment_update, progress_post
from tuijin.supervision.services.closeout import closeout_approve, closeout_request, closeout_return
from tuijin.supervision.services.common import may_manage, may_report
from tuijin.supervision.services.extensions import extension_grant, extension_refuse, extension_request

__all__ = [
    "assignment_create",
    "assignment_update",
    "closeout_approve",
    "closeout_request",
    "closeout_return",
    "extension_grant",
    "extension_refuse",
    "extension_request",
    "may_manage",
    "may_report",
    "progress_post",
]

"""Every write of assignments: one function per transition (see `assignments`)."""

from tuijin.supervision.services.assignments import (
    assignment_create,
    assignment_update,
    closeout_approve,
    closeout_request,
    closeout_return,
    may_manage,
    may_report,
    progress_post,
)
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

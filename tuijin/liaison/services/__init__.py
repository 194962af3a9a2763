"""Every write to a contact sheet: one function per transition, each checking the policy, the
state and the version, writing the sheet's timeline and the audit log in one transaction.

- the sender (`sheets`): sheet_create, sheet_update, attachments_add, attachment_delete,
  sheet_send, sheet_confirm, sheet_reopen
- the departments (`handling`): assignment_accept, assignment_transfer, assignment_return,
  assignment_resolve
- the ladder (`escalation`): sheet_escalate and sheet_agenda_overdue (timers),
  sheet_instruct, assignment_reassign, sheet_put_on_agenda (the leader),
  sheet_record_decision (the city's supervisor)
"""

from tuijin.liaison.services.escalation import (
    assignment_reassign,
    sheet_agenda_overdue,
    sheet_escalate,
    sheet_instruct,
    sheet_put_on_agenda,
    sheet_record_decision,
)
from tuijin.liaison.services.handling import (
    assignment_accept,
    assignment_resolve,
    assignment_return,
    assignment_transfer,
)
from tuijin.liaison.services.sheets import (
    attachment_delete,
    attachments_add,
    sheet_confirm,
    sheet_create,
    sheet_reopen,
    sheet_send,
    sheet_update,
)

__all__ = [
    "assignment_accept",
    "assignment_reassign",
    "assignment_resolve",
    "assignment_return",
    "assignment_transfer",
    "attachment_delete",
    "attachments_add",
    "sheet_agenda_overdue",
    "sheet_confirm",
    "sheet_create",
    "sheet_escalate",
    "sheet_instruct",
    "sheet_put_on_agenda",
    "sheet_record_decision",
    "sheet_reopen",
    "sheet_send",
    "sheet_update",
]

"""A correction after the lock (更正申请): the requester asks, a decider approves or rejects.

`Correction` is the one shape both kinds share (a figure of a locked report month here, a
project's locked monthly investment in `projects`): the reason, the three states, who asked
and who decided, when, with what note. A concrete model adds the row it corrects, the
proposed figures, its own constraint of one pending request per row, and two class
attributes its listing reads: `unit_path`, the lookup from a correction to the unit that
scopes it, and `listed_with`, the relations a list of them shows. The state machine is
`tuijin.indicators.services.corrections`.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tuijin.indicators.models.catalogue import VALUE_DIGITS
from tuijin.indicators.models.reporting import Report


class CorrectionStatus(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("已驳回")


class CorrectionQuerySet(models.QuerySet):
    def listing(self, user, *, status: str = "") -> models.QuerySet:
        """The corrections in `user`'s scope (all statuses when `status` is empty), newest first."""
        from tuijin.orgs import policy  # the policy reads the models: imported when asked

        qs = policy.scope(self, user, self.model.unit_path)
        qs = qs.select_related(*self.model.listed_with, "requested_by", "decided_by")
        if status:
            qs = qs.filter(status=status)
        return qs.order_by("-requested_at", "-id")

    def in_scope_or_404(self, user, pk: int):
        """One correction of `user`'s scope; outside it, it does not exist (404)."""
        from tuijin.orgs import policy

        return policy.get_in_scope_or_404(
            self.select_related(*self.model.listed_with), user, self.model.unit_path, pk=pk
        )


class Correction(models.Model):
    """The fields every correction after the lock has; see the module's docstring."""

    Status = CorrectionStatus

    unit_path: ClassVar[str]
    listed_with: ClassVar[tuple[str, ...]]

    reason = models.TextField(_("更正原因"))
    status = models.CharField(max_length=16, choices=CorrectionStatus.choices, default=CorrectionStatus.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("审批意见"), blank=True)

    objects = CorrectionQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["-requested_at"]


class CorrectionRequest(Correction):
    """After the lock, a unit asks to correct a figure; the supervisor approves or rejects."""

    unit_path = "report__unit"
    listed_with = ("report__unit", "report__indicator")

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="correction_requests")
    proposed_value = models.DecimalField(_("更正后的值"), null=True, blank=True, **VALUE_DIGITS)
    proposed_last_year_value = models.DecimalField(_("更正后的上年同期值"), null=True, blank=True, **VALUE_DIGITS)

    class Meta(Correction.Meta):
        verbose_name = _("更正申请")
        verbose_name_plural = _("更正申请")
        constraints = [
            models.UniqueConstraint(
                fields=["report"], condition=Q(status="pending"), name="one_pending_correction_per_report"
            )
        ]

    def __str__(self) -> str:
        return f"{self.report}: {self.proposed_value} ({self.get_status_display()})"

"""Meetings (推进会, 例会, 观摩, 现场办公, 调度会, 点评会), their reviews per unit and decisions.

A review (点评) holds one unit's 亮点 and 举措 texts and its problems as separate rows, so that
each problem — like each decision (议定事项) — can become an assignment in one step. The
assignment links back generically (`Assignment.source`, plus `Assignment.review`), and the
`assignments` relations here read the link the other way. Problems and decisions implement
`tuijin.supervision.sources.AssignmentSource` (registered in `apps.py`).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tuijin.orgs.models import Unit


class MeetingType(models.TextChoices):
    PROMOTION = "promotion", _("推进会")
    REGULAR = "regular", _("例会")
    OBSERVATION = "observation", _("观摩")
    ONSITE = "onsite", _("现场办公")
    DISPATCH = "dispatch", _("调度会")
    REVIEW = "review", _("点评会")


class Meeting(models.Model):
    type = models.CharField(_("会议类型"), max_length=16, choices=MeetingType.choices)
    title = models.CharField(_("会议名称"), max_length=200)
    date = models.DateField(_("会议日期"))
    place = models.CharField(_("地点"), max_length=200, blank=True)
    # The unit that holds the meeting (its supervisors manage it; scope follows it).
    organizer = models.ForeignKey(Unit, verbose_name=_("主办单位"), on_delete=models.PROTECT, related_name="+")
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("主持人"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="chaired_meetings",
    )  # fmt: skip
    attending_units = models.ManyToManyField(Unit, verbose_name=_("参会单位"), related_name="meetings", blank=True)
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("参会人员"), related_name="attended_meetings", blank=True
    )
    agenda = models.TextField(_("议程"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("会议")
        verbose_name_plural = _("会议")
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return self.title


class Visit(models.Model):
    """观摩: the units visited, in order."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="visits")
    order = models.PositiveSmallIntegerField(_("顺序"))
    unit = models.ForeignKey(Unit, verbose_name=_("观摩点所在单位"), on_delete=models.PROTECT, related_name="+")
    site = models.CharField(_("观摩点"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("观摩点")
        verbose_name_plural = _("观摩点")
        ordering = ["meeting", "order"]
        constraints = [models.UniqueConstraint(fields=["meeting", "order"], name="visit_order")]

    def __str__(self) -> str:
        return f"{self.meeting} {self.order}. {self.unit}"


class Review(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="reviews")
    unit = models.ForeignKey(Unit, verbose_name=_("被点评单位"), on_delete=models.PROTECT, related_name="reviews")
    highlights = models.TextField(_("亮点"), blank=True)
    measures = models.TextField(_("举措"), blank=True)
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("点评")
        verbose_name_plural = _("点评")
        ordering = ["meeting", "unit__path"]
        constraints = [models.UniqueConstraint(fields=["meeting", "unit"], name="review_unit_once")]

    def __str__(self) -> str:
        return f"{self.meeting} · {self.unit}"


class ReviewProblem(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="problems")
    order = models.PositiveSmallIntegerField(_("序号"))
    text = models.TextField(_("问题"))
    assignments = GenericRelation(
        "supervision.Assignment", content_type_field="source_type", object_id_field="source_id"
    )

    class Meta:
        verbose_name = _("点评问题")
        verbose_name_plural = _("点评问题")
        ordering = ["review", "order"]
        constraints = [models.UniqueConstraint(fields=["review", "order"], name="review_problem_order")]

    def __str__(self) -> str:
        return self.text[:60]

    # --- as the source of an assignment (reads `review__meeting`, `review__unit`) ---

    def source_url(self) -> str:
        return reverse("meetings:detail", args=[self.review.meeting_id])

    def source_title(self) -> str:
        return f"{self.review.meeting} · {self.review.unit}"

    def source_scope(self) -> list[Unit]:
        return [self.review.meeting.organizer, self.review.unit]


class Decision(models.Model):
    """议定事项: what the meeting decided, who does it, by when."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    order = models.PositiveSmallIntegerField(_("序号"))
    text = models.TextField(_("议定事项"))
    owner_unit = models.ForeignKey(Unit, verbose_name=_("责任单位"), on_delete=models.PROTECT, related_name="+")
    deadline = models.DateField(_("完成时限"))
    assignments = GenericRelation(
        "supervision.Assignment", content_type_field="source_type", object_id_field="source_id"
    )

    class Meta:
        verbose_name = _("议定事项")
        verbose_name_plural = _("议定事项")
        ordering = ["meeting", "order"]
        constraints = [models.UniqueConstraint(fields=["meeting", "order"], name="decision_order")]

    def __str__(self) -> str:
        return self.text[:60]

    # --- as the source of an assignment (reads `meeting`) ---

    def source_url(self) -> str:
        return reverse("meetings:detail", args=[self.meeting_id])

    def source_title(self) -> str:
        return str(self.meeting)

    def source_scope(self) -> list[Unit]:
        return [self.meeting.organizer, self.owner_unit]

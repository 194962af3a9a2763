"""Indicators (指标), annual targets (年度目标), monthly reports (月报), their history and corrections.

One module a subdomain: `catalogue` (key works, indicators, targets, data checks), `reporting`
(the calendar, submissions, figures, revisions, import batches), `corrections` (after the lock).
Django finds the models here; importers may name either this package or the module.
"""

from tuijin.indicators.models.catalogue import (
    QUARTER_MONTHS,
    VALUE_DIGITS,
    Direction,
    Frequency,
    Indicator,
    KeyWork,
    Kind,
    ProjectFigure,
    RankKey,
    RuleSeverity,
    Target,
    TimeProgressMode,
    ValidationRule,
)
from tuijin.indicators.models.corrections import (
    Correction,
    CorrectionQuerySet,
    CorrectionRequest,
    CorrectionStatus,
)
from tuijin.indicators.models.reporting import (
    COUNTED_STATUSES,
    DEFAULT_DEADLINE_DAY,
    SUBMISSION_TRANSITIONS,
    ImportBatch,
    Report,
    ReportingRule,
    ReportRevision,
    RevisionKind,
    Submission,
    SubmissionStatus,
    period_deadline,
)

__all__ = [
    "COUNTED_STATUSES",
    "DEFAULT_DEADLINE_DAY",
    "QUARTER_MONTHS",
    "SUBMISSION_TRANSITIONS",
    "VALUE_DIGITS",
    "Correction",
    "CorrectionQuerySet",
    "CorrectionRequest",
    "CorrectionStatus",
    "Direction",
    "Frequency",
    "ImportBatch",
    "Indicator",
    "KeyWork",
    "Kind",
    "ProjectFigure",
    "RankKey",
    "Report",
    "ReportRevision",
    "ReportingRule",
    "RevisionKind",
    "RuleSeverity",
    "Submission",
    "SubmissionStatus",
    "Target",
    "TimeProgressMode",
    "ValidationRule",
    "period_deadline",
]

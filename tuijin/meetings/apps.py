from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "tuijin.meetings"
    label = "meetings"
    verbose_name = _("会议点评")

    def ready(self) -> None:
        register_sources()


def register_sources() -> None:
    """A review problem and a decision become assignments in one step (`services`); supervision
    reads them through `tuijin.supervision.sources`, with what their links read."""
    from tuijin.meetings.models import Decision, ReviewProblem
    from tuijin.supervision import sources
    from tuijin.supervision.models import SourceKind

    sources.register(ReviewProblem, kind=SourceKind.REVIEW, link="meeting", related=("review__meeting", "review__unit"))
    sources.register(Decision, kind=SourceKind.DECISION, link="meeting", related=("meeting",))

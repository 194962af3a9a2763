"""How the audit log names projects' objects (registered with `tuijin.audit.display` from
ProjectsConfig.ready())."""

from django.utils.translation import gettext as _

from tuijin.audit import display
from tuijin.indicators.audit_labels import period
from tuijin.projects.models import ProgressPhoto, ProjectProgress


def progress_label(progress: ProjectProgress) -> str:
    return _("%(project)s · %(period)s进展") % {
        "project": progress.project.name,
        "period": period(progress.year, progress.month),
    }


def photo_label(photo: ProgressPhoto) -> str:
    return f"{display.label_of(photo.progress)} · {photo.caption or _('照片')}"


def register() -> None:
    display.register("projects.projectprogress", progress_label)
    display.register("projects.progressphoto", photo_label)

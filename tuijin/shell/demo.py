"""The demo city, app by app, in dependency order (`manage.py load_demo`). Each app's `demo.load` is idempotent."""

from tuijin.assessment import demo as assessment_demo
from tuijin.bulletins import demo as bulletins_demo
from tuijin.indicators import demo as indicators_demo
from tuijin.liaison import demo as liaison_demo
from tuijin.meetings import demo as meetings_demo
from tuijin.notifications import demo as notifications_demo
from tuijin.orgs import demo as orgs_demo
from tuijin.projects import demo as projects_demo
from tuijin.supervision import demo as supervision_demo
from tuijin.workdays import demo as workdays_demo


def load(password: str) -> dict:
    people = orgs_demo.load(password)
    workdays_demo.declare_calendar(people)
    indicators_demo.load(people)
    projects_demo.load(people)
    liaison_demo.load(people)
    supervision_demo.load(people)
    meetings_demo.load(people)
    bulletins_demo.load(people)
    assessment_demo.load(people)
    notifications_demo.load(people)
    return people


def holds_other_data() -> bool:
    """True when the database has units but not the demo city: a real installation."""
    from tuijin.orgs.models import Unit

    return Unit.objects.exists() and not Unit.objects.filter(code=orgs_demo.CITY[0]).exists()

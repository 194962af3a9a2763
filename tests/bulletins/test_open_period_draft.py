"""A bulletin drafted on a month not locked yet says how many units have reported (issue 11)."""

import pytest
import time_machine
from django.urls import reverse

from tests.bulletins.support import YEAR, june
from tuijin.bulletins import services
from tuijin.indicators.models import Submission, SubmissionStatus

pytestmark = pytest.mark.django_db


def test_a_draft_of_an_open_month_shows_the_banner_until_the_month_locks(cast, catalogue, client_for):
    june(cast, catalogue)
    Submission.objects.filter(unit=cast.zone, year=YEAR, month=6).update(status=SubmissionStatus.DRAFT)  # not yet
    with time_machine.travel("2026-07-02 10:00 +0800", tick=False):
        draft = services.bulletin_create(actor=cast.supervisor, period_type="month", year=YEAR, period=6)
        html = client_for(cast.supervisor).get(reverse("bulletins:detail", args=[draft.pk])).content.decode()
    assert "截至 7月2日，2/3 个单位已报" in html
    assert "暂计" in html
    with time_machine.travel("2026-07-20 10:00 +0800", tick=False):
        html = client_for(cast.supervisor).get(reverse("bulletins:detail", args=[draft.pk])).content.decode()
    assert "open-period-banner" not in html

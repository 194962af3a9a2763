"""Opening the monthly form and its live checks write nothing: no draft is opened before the
reporter saves (the browser test of a refused confirmation holds the same for the whole page)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.indicators.reporting_support import MONTH, YEAR, filling_clock
from tuijin.indicators.models import Report, Submission

WRITES = ("insert", "update", "delete")


@pytest.fixture(autouse=True)
def _clock():
    with filling_clock():
        yield


def writes(queries) -> list[str]:
    """The statements that change data, but the session's (its idle clock moves on every request)."""
    sqls = [q["sql"] for q in queries if q["sql"].lstrip().lower().startswith(WRITES)]
    return [sql for sql in sqls if "django_session" not in sql]


def test_the_form_and_its_checks_write_nothing(cast, catalogue, client_for):
    client = client_for(cast.reporter_a)
    with CaptureQueriesContext(connection) as page:
        assert client.get(reverse("indicators:fill")).status_code == 200
    pk = catalogue.fai.pk
    data = {"year": YEAR, "month": MONTH, "indicator": pk, f"value-{pk}": "30", f"last-{pk}": "28"}
    with CaptureQueriesContext(connection) as check:
        assert client.post(reverse("indicators:fill_check"), data, HTTP_HX_REQUEST="true").status_code == 200
    assert writes(page.captured_queries) == []
    assert writes(check.captured_queries) == []
    assert not Submission.objects.exists()
    assert not Report.objects.exists()

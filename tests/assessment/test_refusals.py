"""The scheme's writes that the other refusal tests leave out: bonuses, publishing the results, the
scheme's own fields — refused to a supervisor of one county (and to a county's own people), over the
pages and the API, with nothing changed."""

import datetime as dt
from decimal import Decimal as D

import pytest
from rest_framework.test import APIClient

from tuijin.assessment import services
from tuijin.assessment.models import Bonus, Result, RuleKind, Scheme, SchemeStatus

SCHEMES = "/api/v1/assessment/schemes/"


@pytest.fixture
def computed(cast, scheme, fake):
    """A published scheme with computed results (not yet published) and one bonus."""
    services.bonus_add(
        actor=cast.supervisor, item=scheme.items.get(kind=RuleKind.BONUS), unit=cast.county_b, points=D(2),
        reason="表彰", evidence="通报",
    )  # fmt: skip
    scheme.refresh_from_db()
    services.scheme_publish(actor=cast.supervisor, scheme=scheme)
    services.results_compute(actor=cast.supervisor, scheme=scheme, month=10, figures=fake)
    scheme.refresh_from_db()
    return scheme


def _api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_a_county_supervisor_cannot_award_publish_or_rename(cast, computed, client_for):
    item = computed.items.get(kind=RuleKind.BONUS)
    bonus = Bonus.objects.get()
    before = (computed.version, computed.name, computed.objection_deadline)
    page, api = client_for(cast.county_supervisor), _api(cast.county_supervisor)
    award = {"item": item.pk, "unit": "C-A", "points": "5", "reason": "自评", "evidence": "无"}
    assert page.post(f"/assessment/schemes/{computed.pk}/bonuses/", award).status_code == 403
    assert api.post(f"{SCHEMES}{computed.pk}/bonuses/", award, format="json").status_code == 403
    assert page.post(f"/assessment/bonuses/{bonus.pk}/delete/").status_code == 403
    deadline = {"objection_deadline": "2099-12-31", "version": computed.version}
    assert page.post(f"/assessment/schemes/{computed.pk}/results/publish/", deadline).status_code == 403
    assert api.post(f"{SCHEMES}{computed.pk}/publish-results/", deadline, format="json").status_code == 403
    assert (
        api.patch(f"{SCHEMES}{computed.pk}/", {"name": "越权", "version": computed.version}, format="json").status_code
        == 403
    )
    computed.refresh_from_db()
    assert (computed.version, computed.name, computed.objection_deadline) == before
    assert computed.status == SchemeStatus.PUBLISHED
    assert list(Bonus.objects.values_list("unit__code", "points")) == [("C-B", D(2))]
    assert not Result.objects.filter(published_at__isnull=False).exists()


def test_a_unit_head_cannot_reach_the_managers_writes(cast, computed):
    api = _api(cast.head_a)
    item = computed.items.get(kind=RuleKind.BONUS)
    award = {"item": item.pk, "unit": "C-A", "points": "5", "reason": "自评", "evidence": "无"}
    assert api.post(f"{SCHEMES}{computed.pk}/bonuses/", award, format="json").status_code == 403
    assert api.post(f"{SCHEMES}{computed.pk}/compute/", {"month": 12}, format="json").status_code == 403
    deadline = {"objection_deadline": dt.date(2099, 12, 31).isoformat()}
    assert api.post(f"{SCHEMES}{computed.pk}/publish-results/", deadline, format="json").status_code == 403
    assert Bonus.objects.count() == 1
    assert set(Result.objects.values_list("month", flat=True)) == {10}
    assert Scheme.objects.get().status == SchemeStatus.PUBLISHED

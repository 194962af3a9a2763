"""`tuijin.core.sqlcache`: compiled once per key, the real ids swapped in, a wrong `build` refused.

Run on SQLite and PostgreSQL (the SQL and its parameters are each database's own).
"""

import pytest
from django.db import connection

from tuijin.core import sqlcache
from tuijin.orgs.models import Unit


@pytest.fixture(autouse=True)
def _empty_cache():
    sqlcache.clear()
    yield
    sqlcache.clear()


def _towns(ids):
    """The units under one parent that sit in one ranking group (two ids, both parameters)."""
    return (
        Unit.objects.filter(parent_id=ids["parent"])
        .exclude(ranking_groups=ids["group"])
        .order_by("code")
        .values("code", "is_active", "sort_order")
    )


def _counting(build):
    calls = []

    def counted(ids):
        calls.append(dict(ids))
        return build(ids)

    return counted, calls


def _key(name):
    return (name, connection.vendor, connection.alias)


def test_the_real_ids_replace_the_sentinels_and_later_calls_reuse_the_sql(cast):
    build, calls = _counting(_towns)
    first = sqlcache.values(_key("towns"), build, {"parent": cast.county_a.pk, "group": cast.zones.pk})
    compiled = len(calls)
    second = sqlcache.values(_key("towns"), build, {"parent": cast.county_b.pk, "group": cast.zones.pk})

    assert first == list(_towns({"parent": cast.county_a.pk, "group": cast.zones.pk}))
    assert [row["code"] for row in first] == ["C-A-1", "C-A-2"]
    assert second == list(_towns({"parent": cast.county_b.pk, "group": cast.zones.pk}))
    assert [row["code"] for row in second] == ["C-B-1"]
    assert len(calls) == compiled  # the second call built nothing: the same SQL, other parameters
    assert all(v < 0 for ids in calls for v in ids.values())  # built only with sentinels, never real ids


def test_rows_go_through_djangos_converters(cast):
    rows = sqlcache.values(_key("towns"), _towns, {"parent": cast.county_a.pk, "group": cast.zones.pk})
    assert rows[0]["is_active"] is True  # SQLite answers 1: Django's converter makes it a bool


def test_the_oldest_key_goes_first_when_the_cache_is_full(cast, monkeypatch):
    monkeypatch.setattr(sqlcache, "MAX_ENTRIES", 2)
    ids = {"parent": cast.county_a.pk, "group": cast.zones.pk}
    for name in ("one", "two", "one", "three"):  # using "one" again does not make it younger
        sqlcache.values(_key(name), _towns, ids)
    assert set(sqlcache._cache) == {_key("two"), _key("three")}
    build, calls = _counting(_towns)
    assert sqlcache.values(_key("one"), build, ids) == list(_towns(ids))
    assert calls  # compiled again
    assert len(sqlcache._cache) == 2


def test_a_build_that_leaves_an_id_out_of_the_parameters_is_refused(cast):
    def ignores_the_group(ids):
        return Unit.objects.filter(parent_id=ids["parent"]).values("code")

    with pytest.raises(ValueError, match="sentinel ids not found"):
        sqlcache.values(_key("no-group"), ignores_the_group, {"parent": cast.county_a.pk, "group": cast.zones.pk})
    assert sqlcache._cache == {}  # nothing kept: the next call is refused again, never wrong


def test_a_build_whose_sql_changes_with_the_ids_is_refused(cast):
    def branches_on_the_id(ids):
        units = Unit.objects.filter(parent_id=ids["parent"])
        if ids["parent"] > -7_500_000_000:  # the kept SQL would be wrong for the other branch
            units = units.filter(is_active=True)
        return units.values("code")

    with pytest.raises(ValueError, match="changes with the ids"):
        sqlcache.values(_key("branching"), branches_on_the_id, {"parent": cast.county_a.pk})
    assert sqlcache._cache == {}


def test_a_fixed_query_is_compiled_once_per_key(cast):
    calls = []

    def build():
        calls.append(1)
        return Unit.objects.filter(parent=cast.county_a).order_by("code").values("code")

    assert sqlcache.fixed(_key("fixed"), build) == [{"code": "C-A-1"}, {"code": "C-A-2"}]
    assert sqlcache.fixed(_key("fixed"), build) == [{"code": "C-A-1"}, {"code": "C-A-2"}]
    assert calls == [1]

"""The failed-token counter is one counter for every process: in the database by default, in
Redis with CACHE_URL. Kept in each process's memory, the limit multiplied by the web workers."""

import multiprocessing
import uuid

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import override_settings
from rest_framework import exceptions

from tests.core.test_deploy_settings import run_manage
from tuijin.orgs import tokens

pytestmark = pytest.mark.django_db
REDIS_URL = "redis://127.0.0.1:6379/15"


def test_the_counter_lives_in_the_database_where_another_connection_reads_it():
    for _ in range(3):
        tokens._count_failure("10.2.0.1")
    elsewhere = caches.create_connection("shared")  # a cache object of its own, as another process has
    assert elsewhere.get(tokens._failure_key("10.2.0.1")) == 3
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM tuijin_cache")
        assert cursor.fetchone()[0] == 1


@override_settings(TUIJIN_API_TOKEN_FAILURES=3)
def test_failures_counted_through_two_cache_objects_add_up_to_one_limit():
    first, second = caches.create_connection("shared"), caches.create_connection("shared")
    for counter in (first, second, first):
        with _using(counter):
            tokens._count_failure("10.2.0.2")
    with _using(second), pytest.raises(exceptions.Throttled):
        tokens._refuse_if_throttled("10.2.0.2")


def _redis_up() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping())
    except Exception:
        return False


def _count_in_child(ip: str, n: int) -> None:
    for _ in range(n):
        tokens._count_failure(ip)


@pytest.mark.skipif(not _redis_up(), reason="no Redis on 127.0.0.1:6379")
def test_with_redis_two_processes_count_against_one_limit(settings):
    prefix = f"test-{uuid.uuid4().hex}"
    redis = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL, "KEY_PREFIX": prefix}
    settings.CACHES = {"default": redis, "shared": redis}
    settings.TUIJIN_API_TOKEN_FAILURES = 5
    try:
        child = multiprocessing.get_context("fork").Process(target=_count_in_child, args=("10.2.0.3", 3))
        child.start()
        child.join(30)
        assert child.exitcode == 0
        _count_in_child("10.2.0.3", 1)
        tokens._refuse_if_throttled("10.2.0.3")  # 4 of 5: still let through
        _count_in_child("10.2.0.3", 1)
        with pytest.raises(exceptions.Throttled):
            tokens._refuse_if_throttled("10.2.0.3")
    finally:
        caches["shared"].clear()


def test_a_cache_url_that_is_not_redis_is_refused():
    result = run_manage("check", DEBUG="1", CACHE_URL="memcached://127.0.0.1:11211")
    assert result.returncode != 0
    assert "CACHE_URL must be a redis://" in result.stderr


class _using:
    """Point the token module's counter at one cache object for a moment."""

    def __init__(self, counter):
        self.counter = counter

    def __enter__(self):
        self.real, tokens._counter = tokens._counter, lambda: self.counter

    def __exit__(self, *exc):
        tokens._counter = self.real

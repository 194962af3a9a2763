"""The environment is read strictly (tuijin.core.env): unset gives the default, a malformed value
stops start-up."""

from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from tuijin.core import env

NAME = "TUIJIN_TEST_VALUE"


def test_unset_gives_the_default(monkeypatch):
    monkeypatch.delenv(NAME, raising=False)
    assert env.boolean(NAME) is None
    assert env.boolean(NAME, True) is True
    assert env.integer(NAME, 5, minimum=1) == 5
    assert (env.integers(NAME), env.text(NAME), env.path(NAME)) == (None, None, None)


@pytest.mark.parametrize(("raw", "value"), [("1", True), (" Yes ", True), ("off", False), ("", False)])
def test_booleans(monkeypatch, raw, value):
    monkeypatch.setenv(NAME, raw)
    assert env.boolean(NAME, not value) is value


@pytest.mark.parametrize(
    ("reader", "raw", "message"),
    [
        (env.boolean, "maybe", "must be a boolean"),
        (env.integer, "many", "must be an integer"),
        (env.integers, "2,x", "must be integers separated by commas"),
    ],
)
def test_a_malformed_value_is_refused(monkeypatch, reader, raw, message):
    monkeypatch.setenv(NAME, raw)
    with pytest.raises(ImproperlyConfigured, match=f"{NAME} {message}"):
        reader(NAME)


def test_an_integer_below_its_minimum_is_refused(monkeypatch):
    monkeypatch.setenv(NAME, "-5")
    assert env.integer(NAME) == -5
    with pytest.raises(ImproperlyConfigured, match="at least 0"):
        env.integer(NAME, 3, minimum=0)


def test_lists_text_and_paths(monkeypatch):
    monkeypatch.setenv(NAME, " 2, 0 ,")
    assert env.integers(NAME) == (2, 0)
    monkeypatch.setenv(NAME, "")
    assert (env.integers(NAME), env.text(NAME)) == ((), None)
    monkeypatch.setenv(NAME, " SM3 ")
    assert (env.text(NAME), env.text(NAME, lower=True)) == (" SM3 ", "sm3")
    monkeypatch.setenv(NAME, "var/x")
    assert env.path(NAME) == Path.cwd() / "var" / "x"

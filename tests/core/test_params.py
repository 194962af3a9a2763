"""The request-input helpers every app shares (`tuijin.core.params`)."""

import pytest
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from tuijin.core.params import as_drf_error, int_or_none, int_query_param


@pytest.mark.parametrize(("raw", "expected"), [("3", 3), (7, 7), ("", None), (None, None), ("x", None), ("1.5", None)])
def test_int_or_none_reads_a_number_or_gives_none(raw, expected):
    assert int_or_none(raw) == expected


def _request(query: str) -> Request:
    return Request(APIRequestFactory().get(f"/api/x/?{query}"))


def test_an_integer_query_parameter_is_read_and_an_absent_one_is_none():
    assert int_query_param(_request("year=2026"), "year") == 2026
    assert int_query_param(_request("year="), "year") is None
    assert int_query_param(_request(""), "year") is None


def test_a_query_parameter_that_is_not_a_number_is_a_400_naming_it():
    with pytest.raises(ValidationError) as caught:
        int_query_param(_request("year=abc"), "year")
    assert caught.value.detail == {"year": ["须为整数。"]}


def test_a_services_refusal_keeps_its_fields_or_becomes_detail():
    per_field = as_drf_error(DjangoValidationError({"value": ["须为数字。"]}))
    assert per_field.detail == {"value": ["须为数字。"]}
    plain = as_drf_error(DjangoValidationError("期间已锁定。"))
    assert plain.detail == {"detail": ["期间已锁定。"]}

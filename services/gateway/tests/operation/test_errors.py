"""Request errors carry their codes; the request cache remembers both outcomes."""

from __future__ import annotations

import pytest
from graphql import build_schema

from gateway.operation import (
    BadRequestError,
    OperationCache,
    OperationParseError,
    OperationValidationError,
    VariableCoercionError,
    coerce_variables,
    prepare_operation,
)

SCHEMA = build_schema("type Query { hello(name: String!): String count: Int }")


def test_syntax_errors_are_parse_failures_with_locations() -> None:
    with pytest.raises(OperationParseError) as info:
        prepare_operation(SCHEMA, "{ hello(")
    (error,) = info.value.to_json()
    assert error["extensions"] == {"code": "GRAPHQL_PARSE_FAILED"}
    assert error["locations"] == [{"line": 1, "column": 9}]


def test_invalid_documents_are_validation_failures_with_locations() -> None:
    with pytest.raises(OperationValidationError) as info:
        prepare_operation(SCHEMA, "{\n  nope\n}")
    (error,) = info.value.to_json()
    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert error["locations"] == [{"line": 2, "column": 3}]


def test_defer_is_not_declared_so_it_does_not_validate() -> None:
    with pytest.raises(OperationValidationError):
        prepare_operation(SCHEMA, "{ ... @defer { count } }")


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("query A { count } query B { count }", None),
        ("query A { count }", "C"),
        ("fragment F on Query { count }", None),
    ],
)
def test_operation_selection_problems_are_bad_requests(query: str, name: str | None) -> None:
    with pytest.raises((BadRequestError, OperationValidationError)) as info:
        prepare_operation(SCHEMA, query, name)
    if isinstance(info.value, BadRequestError):
        assert info.value.to_json()[0]["extensions"] == {"code": "BAD_REQUEST"}


def test_an_unknown_operation_name_is_a_bad_request() -> None:
    with pytest.raises(BadRequestError, match='Unknown operation named "C"'):
        prepare_operation(SCHEMA, "query A { count }", "C")


def test_variables_are_coerced_or_rejected() -> None:
    op = prepare_operation(SCHEMA, "query ($n: String!) { hello(name: $n) }")
    assert coerce_variables(SCHEMA, op, {"n": "x"}) == {"n": "x"}
    with pytest.raises(VariableCoercionError) as info:
        coerce_variables(SCHEMA, op, {"n": 3})
    assert info.value.to_json()[0]["extensions"]["code"] == "BAD_USER_INPUT"
    with pytest.raises(VariableCoercionError):
        coerce_variables(SCHEMA, op, None)


def test_the_request_cache_counts_hits_and_replays_errors() -> None:
    cache = OperationCache(SCHEMA, maxsize=2)
    first = cache.get("{ count }")
    assert cache.get("{ count }") is first
    for _ in range(2):
        with pytest.raises(OperationValidationError):
            cache.get("{ nope }")
    assert (cache.hits, cache.misses, cache.size) == (2, 2, 2)
    cache.get('{ hello(name: "x") }')
    assert cache.size == 2

"""Operation limits: each rejection is coded, bounded on abuse input, and stateless."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from edge_fixtures import SUPERGRAPH_SDL
from graphql import GraphQLSchema, parse

from gateway.edge.cost import CostModel
from gateway.edge.errors import LimitExceeded
from gateway.edge.limits import (
    OperationLimits,
    check_batch_size,
    check_body_size,
    check_operation,
    check_tokens,
    count_tokens,
    measure_operation,
    read_body,
)

NORMAL = "query Normal { user(id: 1) { id name posts { id title } } hello }"


@pytest.fixture(scope="module")
def cost_model() -> CostModel:
    return CostModel.from_supergraph_sdl(SUPERGRAPH_SDL)


def _serves_normal(schema: GraphQLSchema, limits: OperationLimits) -> None:
    """The next normal request passes every check (no state carried over)."""
    check_tokens(NORMAL, limits)
    found = check_operation(parse(NORMAL), limits, schema=schema)
    assert found.depth == 3


# --- depth -----------------------------------------------------------------------------


def test_depth_counts_field_levels_through_fragments(api_schema: GraphQLSchema) -> None:
    doc = parse(
        """
        query { user(id: 1) { ...U } }
        fragment U on User { posts { ... on PublicPost { id } } }
        """
    )
    assert measure_operation(doc, schema=api_schema).depth == 3


def test_depth_over_the_limit_is_refused_with_code_and_limit(api_schema: GraphQLSchema) -> None:
    limits = OperationLimits(max_depth=3)
    doc = parse("{ user(id: 1) { posts { id } profile { bio } } }")
    check_operation(doc, limits, schema=api_schema)
    deeper = parse("{ user(id: 1) { posts { ... on PublicPost { id } } } me { posts { id } } }")
    check_operation(deeper, limits, schema=api_schema)
    too_deep = parse("{ me { posts { id } } user(id: 2) { posts { id } profile { bio } } }")
    check_operation(too_deep, limits, schema=api_schema)
    with pytest.raises(LimitExceeded) as err:
        check_operation(parse("{ a { b { c { d } } } }"), limits, schema=api_schema)
    assert err.value.code == "MAX_DEPTH_EXCEEDED"
    assert err.value.to_json()["extensions"] == {
        "code": "MAX_DEPTH_EXCEEDED",
        "limit": 3,
        "measured": 4,
    }
    _serves_normal(api_schema, limits)


def test_depth_1000_through_a_fragment_chain_is_refused_without_recursion(
    api_schema: GraphQLSchema,
) -> None:
    n = 1000
    frags = "\n".join(f"fragment F{i} on User {{ profile {{ ...F{i + 1} }} }}" for i in range(n))
    text = "{ me { ...F0 } }\n" + frags + f"\nfragment F{n} on User {{ id }}"
    doc = parse(text)
    found = measure_operation(doc, schema=api_schema)
    assert found.depth == n + 2  # me + n profiles + id
    limits = OperationLimits(max_depth=15, max_tokens=None)
    with pytest.raises(LimitExceeded) as err:
        check_operation(doc, limits, schema=api_schema)
    assert err.value.code == "MAX_DEPTH_EXCEEDED"
    _serves_normal(api_schema, limits)


def test_literal_nesting_1000_deep_fails_in_the_parser_not_in_the_limits() -> None:
    from graphql import GraphQLError

    text = "{" + "a{" * 1000 + "b" + "}" * 1000 + "}"
    # the token pass is iterative and bounded; the parser then refuses the nesting itself
    assert count_tokens(text, stop_after=100) == 101
    with pytest.raises(GraphQLError, match="nested too deeply"):
        parse(text)


# --- aliases and root fields -----------------------------------------------------------


def test_ten_thousand_aliases_are_counted_and_refused(api_schema: GraphQLSchema) -> None:
    text = "{ " + " ".join(f"a{i}: hello" for i in range(10_000)) + " }"
    doc = parse(text)
    found = measure_operation(doc, schema=api_schema)
    assert found.aliases == 10_000
    assert found.root_fields == 10_000
    limits = OperationLimits(max_aliases=30, max_root_fields=None, max_tokens=None)
    with pytest.raises(LimitExceeded) as err:
        check_operation(doc, limits, schema=api_schema)
    assert (err.value.code, err.value.limit, err.value.measured) == (
        "MAX_ALIASES_EXCEEDED",
        30,
        10_000,
    )
    _serves_normal(api_schema, limits)


def test_aliases_through_fragments_count_every_expansion(api_schema: GraphQLSchema) -> None:
    doc = parse(
        """
        { me { ...A ...A x: name } }
        fragment A on User { a: id b: name }
        """
    )
    assert measure_operation(doc, schema=api_schema).aliases == 5


def test_exponential_fragment_expansion_is_measured_in_linear_time(
    api_schema: GraphQLSchema,
) -> None:
    # each level spreads the next one twice: 2**40 expanded aliases from 40 short fragments
    n = 40
    frags = "\n".join(f"fragment F{i} on User {{ ...F{i + 1} ...F{i + 1} }}" for i in range(n))
    doc = parse("{ me { ...F0 } }\n" + frags + f"\nfragment F{n} on User {{ x: id }}")
    found = measure_operation(doc, schema=api_schema)
    assert found.aliases == 2**n
    with pytest.raises(LimitExceeded) as err:
        check_operation(doc, OperationLimits(), schema=api_schema)
    assert err.value.code == "MAX_ALIASES_EXCEEDED"


def test_exponential_expansion_without_aliases_is_refused_by_the_field_count(
    api_schema: GraphQLSchema,
) -> None:
    # no aliases, tiny depth, zero cost: only the inlined field count shows the blow-up
    n = 40
    frags = "\n".join(f"fragment F{i} on User {{ ...F{i + 1} ...F{i + 1} }}" for i in range(n))
    doc = parse("{ me { ...F0 } }\n" + frags + f"\nfragment F{n} on User {{ id }}")
    found = measure_operation(doc, schema=api_schema)
    assert (found.fields, found.aliases, found.depth) == (1 + 2**n, 0, 2)
    with pytest.raises(LimitExceeded) as err:
        check_operation(doc, OperationLimits(), schema=api_schema)
    assert err.value.code == "MAX_FIELDS_EXCEEDED"
    assert err.value.limit == 5_000
    _serves_normal(api_schema, OperationLimits())


def test_fields_count_every_selection_once_inlined(api_schema: GraphQLSchema) -> None:
    doc = parse("{ me { id ...U } hello } fragment U on User { name posts { id } }")
    assert measure_operation(doc, schema=api_schema).fields == 6  # me id name posts id hello


def test_root_fields_are_counted_through_root_fragments(api_schema: GraphQLSchema) -> None:
    doc = parse("query { hello ...R ... on Query { expensive } } fragment R on Query { me { id } }")
    assert measure_operation(doc, schema=api_schema).root_fields == 3
    with pytest.raises(LimitExceeded) as err:
        check_operation(doc, OperationLimits(max_root_fields=2), schema=api_schema)
    assert err.value.code == "MAX_ROOT_FIELDS_EXCEEDED"
    assert err.value.to_json()["extensions"]["limit"] == 2


def test_fragment_cycles_terminate_and_are_left_to_validation(api_schema: GraphQLSchema) -> None:
    doc = parse(
        """
        { me { ...A } }
        fragment A on User { id ...B }
        fragment B on User { name ...A }
        """
    )
    found = measure_operation(doc, schema=api_schema)
    assert found.fragment_cycle
    assert found.depth == 1  # the cyclic spreads count as empty


def test_the_named_operation_is_measured(api_schema: GraphQLSchema) -> None:
    doc = parse("query Small { hello } query Big { me { posts { id } } }")
    assert measure_operation(doc, operation_name="Small", schema=api_schema).depth == 1
    assert measure_operation(doc, operation_name="Big", schema=api_schema).depth == 3
    assert measure_operation(doc, schema=api_schema).depth == 3


# --- tokens, bytes, batches ------------------------------------------------------------


def test_tokens_are_counted_without_comments() -> None:
    assert count_tokens("{ a(x: 1) } # a comment") == 8
    assert count_tokens('{ a(s: "x y z") }') == 8


def test_a_one_megabyte_query_stops_counting_at_the_limit(api_schema: GraphQLSchema) -> None:
    text = "{ " + "hello " * 180_000 + "}"
    assert len(text) > 1_000_000
    limits = OperationLimits(max_tokens=15_000)
    assert count_tokens(text, stop_after=15_000) == 15_001
    with pytest.raises(LimitExceeded) as err:
        check_tokens(text, limits)
    assert err.value.to_json() == {
        "message": "Query has more than 15000 tokens.",
        "extensions": {"code": "MAX_TOKENS_EXCEEDED", "limit": 15_000},
    }
    _serves_normal(api_schema, limits)


def test_a_lexing_error_ends_the_count_and_parse_reports_it() -> None:
    assert count_tokens('{ a(s: "unterminated ) }') == 5  # { a ( s :


def test_body_size_limit_is_payload_too_large_with_413() -> None:
    limits = OperationLimits(max_body_bytes=10)
    check_body_size(10, limits)
    with pytest.raises(LimitExceeded) as err:
        check_body_size(11, limits)
    assert (err.value.code, err.value.status, err.value.limit) == ("PAYLOAD_TOO_LARGE", 413, 10)


async def test_streamed_body_reading_stops_at_the_first_chunk_past_the_limit() -> None:
    pulled: list[int] = []

    async def chunks(count: int) -> AsyncIterator[bytes]:
        for i in range(count):
            pulled.append(i)
            yield b"x" * 4

    limits = OperationLimits(max_body_bytes=10)
    with pytest.raises(LimitExceeded):
        await read_body(chunks(1000), limits)
    assert pulled == [0, 1, 2]
    assert await read_body(chunks(2), limits) == b"x" * 8


def test_batch_size_limit() -> None:
    limits = OperationLimits(max_batch_size=3)
    check_batch_size(3, limits)
    with pytest.raises(LimitExceeded) as err:
        check_batch_size(4, limits)
    assert err.value.to_json()["extensions"] == {
        "code": "BATCH_LIMIT_EXCEEDED",
        "limit": 3,
        "measured": 4,
    }


def test_a_limit_set_to_none_is_off(api_schema: GraphQLSchema) -> None:
    off = OperationLimits(
        max_depth=None, max_aliases=None, max_root_fields=None, max_tokens=None,
        max_body_bytes=None, max_batch_size=None,
    )  # fmt: skip
    check_body_size(10**9, off)
    check_batch_size(10**6, off)
    check_tokens("{ " + "a " * 20_000 + "}", off)
    check_operation(parse("{ a { b { c { d { e { f } } } } } }"), off, schema=api_schema)

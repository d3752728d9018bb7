"""Estimated cost from @cost/@listSize (formula in gateway.edge.cost)."""

from __future__ import annotations

from typing import Any

import pytest
from edge_fixtures import SUPERGRAPH_SDL
from graphql import GraphQLSchema, parse

from gateway.edge.cost import CostModel, ListSize
from gateway.edge.errors import LimitExceeded
from gateway.edge.limits import OperationLimits, check_operation, measure_operation


@pytest.fixture(scope="module")
def model() -> CostModel:
    return CostModel.from_supergraph_sdl(SUPERGRAPH_SDL)


def _cost(
    schema: GraphQLSchema, model: CostModel, text: str, variables: dict[str, Any] | None = None
) -> float:
    doc = parse(text)
    return measure_operation(doc, schema=schema, cost_model=model, variables=variables).cost


def test_directives_are_read_from_the_supergraph(model: CostModel) -> None:
    assert model.field_weights == {("Query", "expensive"): 50.0}
    assert model.type_weights == {"Badge": 2.0}
    assert model.arg_weights == {("Query", "search", "term"): 3.0}
    assert model.list_sizes[("Query", "users")] == ListSize(slicing_arguments=("first",))
    assert model.list_sizes[("Query", "search")] == ListSize(assumed_size=5)
    assert model.list_sizes[("Query", "feed")] == ListSize(
        slicing_arguments=("limit",), sized_fields=("edges",)
    )


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("{ hello }", 0),  # scalars cost nothing
        ("{ me { id name } }", 1),  # one object
        ("{ me { profile { bio } } }", 2),
        ("{ users { profile { bio } } }", 1 + 10 * 1),  # default list size 10
        ("{ users(first: 2) { profile { bio } } }", 1 + 2 * 1),  # slicing argument
        ('{ search(term: "x") { ... on User { profile { bio } } } }', 1 + 3 + 5 * 1),
        ("{ search { ... on User { profile { bio } } } }", 1 + 5 * 1),  # assumedSize
        ("{ feed(limit: 7) { edges { node { id } } } }", 1 + (1 + 7 * 1)),  # sizedFields
        ("{ expensive }", 50),  # @cost on the field
        ("{ badge }", 2),  # @cost on the returned type
        ('mutation { createPost(title: "t") { id } }', 10),  # mutation root fields
        ("{ me { ...P ...P } } fragment P on User { profile { bio } }", 1 + 2 * 1),
    ],
)
def test_cost_formula(
    api_schema: GraphQLSchema, model: CostModel, query: str, expected: float
) -> None:
    assert _cost(api_schema, model, query) == expected


def test_slicing_argument_from_a_variable(api_schema: GraphQLSchema, model: CostModel) -> None:
    query = "query($n: Int) { users(first: $n) { profile { bio } } }"
    assert _cost(api_schema, model, query, {"n": 4}) == 1 + 4
    assert _cost(api_schema, model, query, {}) == 1 + 10  # absent: the default size


def test_without_the_cost_spec_every_weight_is_a_default(api_schema: GraphQLSchema) -> None:
    plain = CostModel()
    assert _cost(api_schema, plain, "{ expensive badge users(first: 2) { profile { bio } } }") == (
        0 + 0 + 1 + 10 * 1
    )


def test_renamed_cost_directives_are_followed() -> None:
    sdl = """
    schema @link(url: "https://specs.apollo.dev/link/v1.0")
           @link(url: "https://specs.apollo.dev/cost/v0.1", as: "price") { query: Query }
    directive @link(url: String, as: String, for: String, import: [String]) repeatable on SCHEMA
    directive @price(weight: Int!) on FIELD_DEFINITION | OBJECT
    directive @price__listSize(assumedSize: Int) on FIELD_DEFINITION
    type Query { a: Int @price(weight: 7) list: [Query] @price__listSize(assumedSize: 3) }
    """
    model = CostModel.from_supergraph_sdl(sdl)
    assert model.field_weights == {("Query", "a"): 7.0}
    assert model.list_sizes == {("Query", "list"): ListSize(assumed_size=3)}


def test_over_budget_is_cost_estimated_too_expensive(
    api_schema: GraphQLSchema, model: CostModel
) -> None:
    limits = OperationLimits(max_cost=20)
    doc = parse("{ users(first: 50) { profile { bio } } }")
    with pytest.raises(LimitExceeded) as err:
        check_operation(doc, limits, schema=api_schema, cost_model=model)
    assert err.value.to_json()["extensions"] == {
        "code": "COST_ESTIMATED_TOO_EXPENSIVE",
        "limit": 20,
        "measured": 51.0,
    }
    ok = parse("{ users(first: 5) { profile { bio } } }")
    assert check_operation(ok, limits, schema=api_schema, cost_model=model).cost == 6

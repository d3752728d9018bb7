"""End-to-end scenarios over the shop supergraph (products, inventory, reviews, accounts):
the real planner's plans executed against in-process subgraphs through the HTTP app.

Each scenario states the exact ``data``, the ``errors`` with their paths and codes,
and which subgraphs were called how many times.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from gwharness.gatewayapp import GatewayClient, running_gateway
from gwharness.shop import SHOP_SUPERGRAPH, shop_subgraphs

pytestmark = pytest.mark.asyncio(loop_scope="session")


@pytest.fixture(scope="module")
async def shared() -> AsyncIterator[GatewayClient]:
    async with running_gateway(SHOP_SUPERGRAPH, shop_subgraphs()) as client:
        yield client


@pytest.fixture
def gw(shared: GatewayClient) -> GatewayClient:
    shared.reset()
    return shared


def calls(gw: GatewayClient) -> dict[str, int]:
    return {name: s.count for name, s in gw.subgraphs.items() if s.count}


async def test_a_single_subgraph_query_calls_only_that_subgraph(gw: GatewayClient) -> None:
    assert await gw.query("{ me { name } }") == {"data": {"me": {"name": "Ada Lovelace"}}}
    assert calls(gw) == {"accounts": 1}


async def test_an_entity_jump_for_a_list(gw: GatewayClient) -> None:
    result = await gw.query("{ topProducts(first: 2) { name reviews { body } } }")
    assert result == {
        "data": {
            "topProducts": [
                {
                    "name": "Table",
                    "reviews": [{"body": "Love it!"}, {"body": "Prefer something else."}],
                },
                {"name": "Couch", "reviews": [{"body": "Too expensive."}]},
            ]
        }
    }
    assert calls(gw) == {"products": 1, "reviews": 1}
    reps = gw.subgraphs["reviews"].requests[0]["variables"]["representations"]
    assert reps == [{"__typename": "Product", "upc": "1"}, {"__typename": "Product", "upc": "2"}]


async def test_a_chain_through_three_subgraphs(gw: GatewayClient) -> None:
    result = await gw.query("{ topProducts(first: 1) { reviews { author { name } } } }")
    assert result == {
        "data": {
            "topProducts": [
                {
                    "reviews": [
                        {"author": {"name": "Ada Lovelace"}},
                        {"author": {"name": "Ada Lovelace"}},
                    ]
                }
            ]
        }
    }
    assert calls(gw) == {"products": 1, "reviews": 1, "accounts": 1}
    # The same author twice: one representation.
    reps = gw.subgraphs["accounts"].requests[0]["variables"]["representations"]
    assert reps == [{"__typename": "User", "id": "u1"}]


async def test_requires_sends_the_required_fields_and_leaks_none(gw: GatewayClient) -> None:
    result = await gw.query("{ topProducts(first: 3) { shippingEstimate } }")
    assert result == {
        "data": {
            "topProducts": [
                {"shippingEstimate": 50},
                {"shippingEstimate": 0},
                {"shippingEstimate": 25},
            ]
        }
    }
    reps = gw.subgraphs["inventory"].requests[0]["variables"]["representations"]
    assert reps == [
        {"__typename": "Product", "upc": "1", "price": 899, "weight": 100},
        {"__typename": "Product", "upc": "2", "price": 1299, "weight": 1000},
        {"__typename": "Product", "upc": "3", "price": 54, "weight": 50},
    ]


async def test_requires_with_the_required_field_also_selected(gw: GatewayClient) -> None:
    result = await gw.query("{ topProducts(first: 2) { price shippingEstimate name } }")
    assert result == {
        "data": {
            "topProducts": [
                {"price": 899, "shippingEstimate": 50, "name": "Table"},
                {"price": 1299, "shippingEstimate": 0, "name": "Couch"},
            ]
        }
    }
    assert calls(gw) == {"products": 1, "inventory": 1}


async def test_requires_under_include_false_makes_no_fetch(gw: GatewayClient) -> None:
    query = (
        "query($w: Boolean!) { topProducts(first: 2) { name shippingEstimate @include(if: $w) } }"
    )
    result = await gw.query(query, {"w": False})
    assert result == {"data": {"topProducts": [{"name": "Table"}, {"name": "Couch"}]}}
    assert calls(gw) == {"products": 1}


async def test_requires_under_include_true_fetches(gw: GatewayClient) -> None:
    query = (
        "query($w: Boolean!) { topProducts(first: 2) { name shippingEstimate @include(if: $w) } }"
    )
    result = await gw.query(query, {"w": True})
    assert result == {
        "data": {
            "topProducts": [
                {"name": "Table", "shippingEstimate": 50},
                {"name": "Couch", "shippingEstimate": 0},
            ]
        }
    }
    assert calls(gw) == {"products": 1, "inventory": 1}


async def test_requires_under_skip_with_a_variable_default(gw: GatewayClient) -> None:
    query = (
        "query($s: Boolean = true) "
        "{ topProducts(first: 1) { name shippingEstimate @skip(if: $s) } }"
    )
    assert await gw.query(query) == {"data": {"topProducts": [{"name": "Table"}]}}
    assert calls(gw) == {"products": 1}


async def test_provided_fields_come_from_the_providing_subgraph(gw: GatewayClient) -> None:
    result = await gw.query("{ latestReviews { author { username } } }")
    assert result == {
        "data": {
            "latestReviews": [
                {"author": {"username": "@ada"}},
                {"author": {"username": "@alan"}},
                {"author": {"username": "@ada"}},
                {"author": {"username": "@ada"}},
            ]
        }
    }
    assert calls(gw) == {"reviews": 1}


async def test_fields_beyond_the_provided_set_jump_once_per_distinct_entity(
    gw: GatewayClient,
) -> None:
    result = await gw.query("{ latestReviews { id author { username name } } }")
    ada = {"username": "@ada", "name": "Ada Lovelace"}
    alan = {"username": "@alan", "name": "Alan Turing"}
    assert result == {
        "data": {
            "latestReviews": [
                {"id": "r1", "author": ada},
                {"id": "r2", "author": alan},
                {"id": "r3", "author": ada},
                {"id": "r4", "author": ada},
            ]
        }
    }
    reps = gw.subgraphs["accounts"].requests[0]["variables"]["representations"]
    assert reps == [{"__typename": "User", "id": "u1"}, {"__typename": "User", "id": "u2"}]


async def test_a_shareable_field_is_read_from_the_graph_already_in_use(gw: GatewayClient) -> None:
    result = await gw.query('{ user(id: "u2") { username name } }')
    assert result == {"data": {"user": {"username": "@alan", "name": "Alan Turing"}}}
    assert calls(gw) == {"accounts": 1}


async def test_lists_of_lists_with_null_items_and_empty_lists(gw: GatewayClient) -> None:
    result = await gw.query("{ productGrid { name inStock } }")
    assert result == {
        "data": {
            "productGrid": [
                [{"name": "Table", "inStock": True}, None, {"name": "Lamp", "inStock": True}],
                [],
                [{"name": "Couch", "inStock": False}, {"name": "Table", "inStock": True}],
            ]
        }
    }
    reps = gw.subgraphs["inventory"].requests[0]["variables"]["representations"]
    assert [r["upc"] for r in reps] == ["1", "3", "2"]


async def test_an_entity_error_is_repathed_to_its_position(gw: GatewayClient) -> None:
    result = await gw.query("{ topProducts { upc inStock } }")
    assert result["data"] == {
        "topProducts": [
            {"upc": "1", "inStock": True},
            {"upc": "2", "inStock": False},
            {"upc": "3", "inStock": True},
            {"upc": "4", "inStock": None},
        ]
    }
    assert result["errors"] == [
        {
            "message": "Ghost is not in the warehouse",
            "path": ["topProducts", 3, "inStock"],
            "extensions": {"code": "DOWNSTREAM_SERVICE_ERROR"},  # the subgraph gave none
        }
    ]


async def test_an_enum_value_unknown_to_the_api_becomes_null(gw: GatewayClient) -> None:
    result = await gw.query("{ topProducts { category } }")
    assert result["data"] == {
        "topProducts": [
            {"category": "FURNITURE"},
            {"category": "FURNITURE"},
            {"category": "LIGHTING"},
            {"category": None},
        ]
    }
    assert [(e["path"], e["extensions"]["code"]) for e in result["errors"]] == [
        (["topProducts", 3, "category"], "SUBREQUEST_MALFORMED_RESPONSE")
    ]


async def test_aliases_and_client_field_order(gw: GatewayClient) -> None:
    result = await gw.query(
        "{ tp: topProducts(first: 1) { price n: name u: upc r: reviews { b: body } } }"
    )
    assert result == {
        "data": {
            "tp": [
                {
                    "price": 899,
                    "n": "Table",
                    "u": "1",
                    "r": [{"b": "Love it!"}, {"b": "Prefer something else."}],
                }
            ]
        }
    }
    assert list(result["data"]["tp"][0]) == ["price", "n", "u", "r"]


async def test_the_same_field_twice_under_two_aliases(gw: GatewayClient) -> None:
    result = await gw.query('{ a: product(upc: "1") { name } b: product(upc: "3") { name } }')
    assert result == {"data": {"a": {"name": "Table"}, "b": {"name": "Lamp"}}}


async def test_typename_at_the_root_and_on_entities(gw: GatewayClient) -> None:
    result = await gw.query(
        "{ __typename topProducts(first: 1) { t: __typename reviews { __typename } } }"
    )
    assert result == {
        "data": {
            "__typename": "Query",
            "topProducts": [
                {"t": "Product", "reviews": [{"__typename": "Review"}, {"__typename": "Review"}]}
            ],
        }
    }


async def test_named_nested_and_repeated_fragments(gw: GatewayClient) -> None:
    query = """
    query Board { topProducts(first: 2) { ...P reviews { ...R } name } }
    fragment P on Product { name upc }
    fragment R on Review { body author { ...U } author { id } }
    fragment U on User { name }
    """
    result = await gw.query(query, operationName="Board")
    assert result == {
        "data": {
            "topProducts": [
                {
                    "name": "Table",
                    "upc": "1",
                    "reviews": [
                        {"body": "Love it!", "author": {"name": "Ada Lovelace", "id": "u1"}},
                        {
                            "body": "Prefer something else.",
                            "author": {"name": "Ada Lovelace", "id": "u1"},
                        },
                    ],
                },
                {
                    "name": "Couch",
                    "upc": "2",
                    "reviews": [
                        {"body": "Too expensive.", "author": {"name": "Alan Turing", "id": "u2"}}
                    ],
                },
            ]
        }
    }


async def test_literal_skip_and_include(gw: GatewayClient) -> None:
    result = await gw.query(
        "{ me { name @skip(if: true) id @include(if: true) username @include(if: false) } }"
    )
    assert result == {"data": {"me": {"id": "u1"}}}


async def test_skip_and_include_on_one_field(gw: GatewayClient) -> None:
    query = "query($a: Boolean!, $b: Boolean!) { me { id name @include(if: $a) @skip(if: $b) } }"
    assert await gw.query(query, {"a": True, "b": False}) == {
        "data": {"me": {"id": "u1", "name": "Ada Lovelace"}}
    }
    assert await gw.query(query, {"a": True, "b": True}) == {"data": {"me": {"id": "u1"}}}


async def test_variables_and_argument_defaults(gw: GatewayClient) -> None:
    query = "query($n: Int) { topProducts(first: $n) { upc } }"
    assert await gw.query(query, {"n": 1}) == {"data": {"topProducts": [{"upc": "1"}]}}
    assert gw.subgraphs["products"].requests[-1]["variables"] == {"n": 1}
    result = await gw.query("{ topProducts { upc } }")
    assert [p["upc"] for p in result["data"]["topProducts"]] == ["1", "2", "3", "4"]


async def test_a_variable_used_by_an_entity_fetch_only(gw: GatewayClient) -> None:
    query = "query($id: ID!) { user(id: $id) { reviews { body } } }"
    result = await gw.query(query, {"id": "u2"})
    assert result == {"data": {"user": {"reviews": [{"body": "Too expensive."}]}}}
    assert gw.subgraphs["accounts"].requests[0]["variables"] == {"id": "u2"}
    assert set(gw.subgraphs["reviews"].requests[0]["variables"]) == {"representations"}


async def test_a_null_root_entity_makes_no_entity_call(gw: GatewayClient) -> None:
    result = await gw.query('{ user(id: "nobody") { name reviews { body } } }')
    assert result == {"data": {"user": None}}
    assert calls(gw) == {"accounts": 1}


async def test_introspection_shows_the_api_schema(gw: GatewayClient) -> None:
    result = await gw.query('{ __type(name: "Product") { fields { name } } }')
    names = [f["name"] for f in result["data"]["__type"]["fields"]]
    assert names == [
        "upc", "weight", "price", "inStock", "shippingEstimate", "name", "category", "reviews",
    ]  # fmt: skip  # composition's order: subgraphs by name, fields as each declares them
    assert calls(gw) == {}


async def test_a_subgraph_error_in_a_root_fetch_keeps_its_path() -> None:
    async with running_gateway(
        SHOP_SUPERGRAPH, shop_subgraphs(), expose_subgraph_errors=True
    ) as gw:
        gw.subgraphs["accounts"].fixed_body = (
            b'{"data":{"me":null},"errors":[{"message":"no session","path":["me"],'
            b'"locations":[{"line":1,"column":2}],"extensions":{"code":"UNAUTHENTICATED"}}]}'
        )
        result = await gw.query("{ me { name } }")
    assert result == {
        "data": {"me": None},
        "errors": [
            {
                "message": "no session",
                "path": ["me"],
                "extensions": {"code": "UNAUTHENTICATED", "serviceName": "accounts"},
            }
        ],
    }


def _codes(result: dict[str, Any]) -> list[tuple[Any, str]]:
    return [(e.get("path"), e["extensions"]["code"]) for e in result.get("errors", [])]


async def test_single_fetch_plans_that_match_the_client_skip_shaping(gw: GatewayClient) -> None:
    executor = gw.gateway.executor
    before = executor.passthrough_count
    assert await gw.query('{ user(id: "u2") { id name } }') == {
        "data": {"user": {"id": "u2", "name": "Alan Turing"}}
    }
    assert executor.passthrough_count == before + 1
    # __typename, enums, entity jumps and subgraph errors all go through shaping.
    await gw.query("{ me { __typename name } }")
    await gw.query("{ topProducts(first: 1) { category } }")
    await gw.query("{ topProducts(first: 1) { name inStock } }")
    result = await gw.query("{ topProducts { upc inStock } }")
    assert result["errors"][0]["path"] == ["topProducts", 3, "inStock"]
    assert executor.passthrough_count == before + 1

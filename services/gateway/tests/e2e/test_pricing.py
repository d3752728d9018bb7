"""End-to-end ``@requires`` in depth (arguments, conflicts with the client's own
selection, a three-level chain, requirements from two subgraphs, null requirements)
and progressive override with a label on and off."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from gwharness.gatewayapp import GatewayClient, running_gateway
from gwharness.pricing import PRICING_SUPERGRAPH, pricing_subgraphs

pytestmark = pytest.mark.asyncio(loop_scope="session")


@pytest.fixture(scope="module")
async def shared() -> AsyncIterator[GatewayClient]:
    async with running_gateway(PRICING_SUPERGRAPH, pricing_subgraphs()) as client:
        yield client


@pytest.fixture
def gw(shared: GatewayClient) -> GatewayClient:
    shared.reset()
    return shared


def calls(gw: GatewayClient) -> dict[str, int]:
    return {name: s.count for name, s in gw.subgraphs.items() if s.count}


async def test_a_requirement_with_an_argument(gw: GatewayClient) -> None:
    result = await gw.query("{ items { name taxEur } }")
    assert result == {
        "data": {"items": [{"name": "Pen", "taxEur": 0.36}, {"name": "Ink", "taxEur": 1.8}]}
    }
    assert gw.subgraphs["tax"].requests[0]["variables"]["representations"] == [
        {"__typename": "Item", "id": "i1", "price": 1.8},
        {"__typename": "Item", "id": "i2", "price": 9.0},
    ]


async def test_a_requirement_conflicting_with_the_client_selection_is_aliased(
    gw: GatewayClient,
) -> None:
    result = await gw.query("{ items { price taxEur } }")
    # The client's price is in USD; the EUR price the requirement needs never leaks.
    assert result == {
        "data": {"items": [{"price": 2.0, "taxEur": 0.36}, {"price": 10.0, "taxEur": 1.8}]}
    }
    assert list(result["data"]["items"][0]) == ["price", "taxEur"]
    assert gw.subgraphs["tax"].requests[0]["variables"]["representations"][0]["price"] == 1.8


async def test_client_aliases_of_the_required_field(gw: GatewayClient) -> None:
    result = await gw.query('{ items { eur: price(currency: "EUR") usd: price taxEur } }')
    assert result == {
        "data": {
            "items": [
                {"eur": 1.8, "usd": 2.0, "taxEur": 0.36},
                {"eur": 9.0, "usd": 10.0, "taxEur": 1.8},
            ]
        }
    }


async def test_a_requirement_chain_with_inputs_from_two_subgraphs(gw: GatewayClient) -> None:
    result = await gw.query("{ items { id finalEur } }")
    assert result == {
        "data": {"items": [{"id": "i1", "finalEur": 4.86}, {"id": "i2", "finalEur": 6.8}]}
    }
    assert calls(gw) == {"items": 1, "prices": 1, "tax": 1, "ship": 1}
    # taxEur comes from tax, discount from prices; a null discount is sent as null.
    assert gw.subgraphs["ship"].requests[0]["variables"]["representations"] == [
        {"__typename": "Item", "id": "i1", "taxEur": 0.36, "discount": 0.5},
        {"__typename": "Item", "id": "i2", "taxEur": 1.8, "discount": None},
    ]


async def test_an_overridden_field_under_a_label_that_is_on(gw: GatewayClient) -> None:
    assert await gw.query("{ items { name stock } }") == {
        "data": {"items": [{"name": "Pen", "stock": 100}, {"name": "Ink", "stock": 200}]}
    }
    assert calls(gw) == {"items": 1, "prices": 1}


async def test_an_overridden_field_under_a_label_that_is_off() -> None:
    async with running_gateway(
        PRICING_SUPERGRAPH, pricing_subgraphs(), override_labels_off=frozenset({"move-stock"})
    ) as gw:
        result = await gw.query("{ items { name stock } }")
        counts = calls(gw)
    assert result == {"data": {"items": [{"name": "Pen", "stock": 1}, {"name": "Ink", "stock": 2}]}}
    assert counts == {"items": 1}


async def test_variables_in_nested_inputs_and_shared_by_root_and_entity_fetches(
    gw: GatewayClient,
) -> None:
    query = """
    query($ids: [ID!], $c: String!) {
      itemsBy(filter: {ids: $ids, currency: $c}) { name price(currency: $c) }
    }"""
    result = await gw.query(query, {"ids": ["i2"], "c": "EUR"})
    assert result == {"data": {"itemsBy": [{"name": "Ink", "price": 9.0}]}}
    root = gw.subgraphs["items"].requests[0]
    entity = gw.subgraphs["prices"].requests[0]
    assert root["variables"] == {"ids": ["i2"], "c": "EUR"}
    assert entity["variables"]["c"] == "EUR"
    assert "ids" not in entity["variables"]

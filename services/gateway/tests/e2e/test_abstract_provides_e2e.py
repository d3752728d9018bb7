"""End-to-end interface fields that are ``@external`` where the interface is listed, made
local by a ``@provides`` with type conditions, and an interface implementing another."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from gwharness.gallery import gallery_subgraphs, gallery_supergraph
from gwharness.gatewayapp import GatewayClient, running_gateway
from gwharness.scenario import calls, representations

pytestmark = pytest.mark.asyncio(loop_scope="session")


@pytest.fixture(scope="module")
async def shared() -> AsyncIterator[GatewayClient]:
    async with running_gateway(gallery_supergraph(), gallery_subgraphs()) as client:
        yield client


@pytest.fixture
def gw(shared: GatewayClient) -> GatewayClient:
    shared.reset()
    return shared


async def test_a_provided_interface_field_stays_in_the_listing_subgraph(
    gw: GatewayClient,
) -> None:
    result = await gw.query("{ picks { id name } }")
    assert result == {
        "data": {
            "picks": [
                {"id": "g1", "name": "Chess"},
                {"id": "b1", "name": "Dune"},
                {"id": "b2", "name": None},
            ]
        }
    }
    assert calls(gw) == {"shop": 1}


async def test_an_external_interface_field_off_the_provides_path(gw: GatewayClient) -> None:
    result = await gw.query("{ shelf { id name } }")
    assert result == {
        "data": {
            "shelf": [
                {"id": "b2", "name": None},
                {"id": "g1", "name": "Chess"},
                {"id": "b1", "name": "Dune"},
            ]
        }
    }
    assert calls(gw) == {"shop": 1, "names": 1}
    assert representations(gw, "names") == [
        {"__typename": "Book", "id": "b2"},
        {"__typename": "Game", "id": "g1"},
        {"__typename": "Book", "id": "b1"},
    ]


async def test_provided_and_local_member_fields_together(gw: GatewayClient) -> None:
    result = await gw.query("{ picks { ... on Book { name isbn } ... on Game { players } } }")
    assert result == {
        "data": {
            "picks": [
                {"players": 2},
                {"name": "Dune", "isbn": "978-0441"},
                {"name": None, "isbn": None},
            ]
        }
    }
    assert calls(gw) == {"shop": 1}


async def test_an_interface_implementing_an_interface(gw: GatewayClient) -> None:
    result = await gw.query("{ printed { __typename name pages ... on Book { isbn } } }")
    assert result == {
        "data": {
            "printed": [
                {"__typename": "Book", "name": "Dune", "pages": 412, "isbn": "978-0441"},
                {"__typename": "Book", "name": None, "pages": None, "isbn": None},
            ]
        }
    }
    assert calls(gw) == {"shop": 1, "names": 1}


async def test_a_fragment_on_the_inner_interface_under_the_outer_one(gw: GatewayClient) -> None:
    result = await gw.query("{ shelf { ... on Printed { pages name } } }")
    assert result == {
        "data": {"shelf": [{"pages": None, "name": None}, {}, {"pages": 412, "name": "Dune"}]}
    }
    # Only the books are Printed: the game is never sent for its name.
    assert representations(gw, "names") == [
        {"__typename": "Book", "id": "b2"},
        {"__typename": "Book", "id": "b1"},
    ]


async def test_a_provided_field_under_a_fragment_on_the_inner_interface(
    gw: GatewayClient,
) -> None:
    result = await gw.query("{ picks { ... on Printed { name } } }")
    assert result == {"data": {"picks": [{}, {"name": "Dune"}, {"name": None}]}}
    assert calls(gw) == {"shop": 1}

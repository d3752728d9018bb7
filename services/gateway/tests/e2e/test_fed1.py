"""End-to-end scenarios over a Federation 1 supergraph (join v0.1, ``@join__owner``):
``extend type`` entities with external keys, a value type without ``@join__type``,
and a ``@requires`` on an external field."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from gwharness.fed1 import FED1_SUPERGRAPH, fed1_subgraphs
from gwharness.gatewayapp import GatewayClient, running_gateway

pytestmark = pytest.mark.asyncio(loop_scope="session")


@pytest.fixture(scope="module")
async def shared() -> AsyncIterator[GatewayClient]:
    async with running_gateway(FED1_SUPERGRAPH, fed1_subgraphs()) as client:
        yield client


@pytest.fixture
def gw(shared: GatewayClient) -> GatewayClient:
    shared.reset()
    return shared


async def test_an_extended_entity_is_joined_by_its_external_key(gw: GatewayClient) -> None:
    result = await gw.query("{ me { name orders { id total { amount } } } }")
    assert result == {
        "data": {
            "me": {
                "name": "Grace",
                "orders": [
                    {"id": "o1", "total": {"amount": 120}},
                    {"id": "o3", "total": {"amount": 5}},
                ],
            }
        }
    }
    assert gw.subgraphs["orders"].requests[0]["variables"]["representations"] == [
        {"__typename": "User", "id": "u1"}
    ]


async def test_a_value_type_and_a_null_value_object(gw: GatewayClient) -> None:
    result = await gw.query("{ orders { id total { amount currency } } }")
    assert result == {
        "data": {
            "orders": [
                {"id": "o1", "total": {"amount": 120, "currency": "EUR"}},
                {"id": "o2", "total": None},
                {"id": "o3", "total": {"amount": 5, "currency": "EUR"}},
            ]
        }
    }
    assert {n: s.count for n, s in gw.subgraphs.items()} == {"accounts": 0, "orders": 1}


async def test_requires_on_an_external_field_in_fed1(gw: GatewayClient) -> None:
    result = await gw.query("{ me { greeting } }")
    assert result == {"data": {"me": {"greeting": "Hello, Grace!"}}}
    assert gw.subgraphs["orders"].requests[0]["variables"]["representations"] == [
        {"__typename": "User", "id": "u1", "name": "Grace"}
    ]


async def test_an_entity_round_trip_back_to_the_first_subgraph(gw: GatewayClient) -> None:
    result = await gw.query("{ orders { buyer { name greeting } } }")
    grace = {"name": "Grace", "greeting": "Hello, Grace!"}
    assert result == {
        "data": {
            "orders": [
                {"buyer": grace},
                {"buyer": {"name": "Edsger", "greeting": "Hello, Edsger!"}},
                {"buyer": grace},
            ]
        }
    }
    assert gw.subgraphs["accounts"].requests[0]["variables"]["representations"] == [
        {"__typename": "User", "id": "u1"},
        {"__typename": "User", "id": "u2"},
    ]

"""End-to-end key scenarios: a chain through two different keys across three subgraphs,
composite and nested keys, a requirement from one graph with the key from another,
null keys, a nullable requirement that is null, and a shareable root field."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from gwharness.depot import DEPOT_SUPERGRAPH, depot_subgraphs
from gwharness.gatewayapp import GatewayClient, running_gateway

pytestmark = pytest.mark.asyncio(loop_scope="session")


@pytest.fixture(scope="module")
async def shared() -> AsyncIterator[GatewayClient]:
    async with running_gateway(DEPOT_SUPERGRAPH, depot_subgraphs()) as client:
        yield client


@pytest.fixture
def gw(shared: GatewayClient) -> GatewayClient:
    shared.reset()
    return shared


def calls(gw: GatewayClient) -> dict[str, int]:
    return {name: s.count for name, s in gw.subgraphs.items() if s.count}


def reps(gw: GatewayClient, graph: str, n: int = 0) -> list[dict[str, object]]:
    sent: list[dict[str, object]] = gw.subgraphs[graph].requests[n]["variables"]["representations"]
    return sent


async def test_a_key_chain_across_three_subgraphs_skips_null_keys(gw: GatewayClient) -> None:
    result = await gw.query("{ shipments { id status } }")
    assert result == {
        "data": {
            "shipments": [
                {"id": "s1", "status": "in transit"},
                {"id": "s2", "status": "delivered"},
                {"id": "s3", "status": None},
            ]
        }
    }
    assert calls(gw) == {"depot": 1, "fleet": 1, "tracking": 1}
    # s3 has no tracking number: it is not sent, and the null needs no error.
    assert reps(gw, "tracking") == [
        {"__typename": "Shipment", "trackingNo": "T1"},
        {"__typename": "Shipment", "trackingNo": "T2"},
    ]


async def test_a_requirement_and_a_key_from_different_subgraphs(gw: GatewayClient) -> None:
    result = await gw.query("{ shipments { id eta } }")
    assert result == {
        "data": {
            "shipments": [
                {"id": "s1", "eta": "5h"},
                {"id": "s2", "eta": "unknown"},
                {"id": "s3", "eta": None},
            ]
        }
    }
    # A nullable requirement that is null is sent as null.
    assert reps(gw, "tracking") == [
        {"__typename": "Shipment", "trackingNo": "T1", "weightKg": 2.5},
        {"__typename": "Shipment", "trackingNo": "T2", "weightKg": None},
    ]


async def test_a_composite_key_sends_deduplicated_representations(gw: GatewayClient) -> None:
    result = await gw.query("{ shipments { carrier { code name } } }")
    assert result == {
        "data": {
            "shipments": [
                {"carrier": {"code": "DHL", "name": "DHL Europe"}},
                {"carrier": {"code": "UPS", "name": "UPS America"}},
                {"carrier": {"code": "DHL", "name": "DHL Europe"}},
            ]
        }
    }
    assert reps(gw, "fleet") == [
        {"__typename": "Carrier", "code": "DHL", "region": "EU"},
        {"__typename": "Carrier", "code": "UPS", "region": "US"},
    ]


async def test_a_nested_key(gw: GatewayClient) -> None:
    result = await gw.query("{ shipments { parcels { seq label scanned } } }")
    assert result == {
        "data": {
            "shipments": [
                {
                    "parcels": [
                        {"seq": 1, "label": "A", "scanned": True},
                        {"seq": 2, "label": "B", "scanned": False},
                    ]
                },
                {"parcels": []},
                {"parcels": [{"seq": 1, "label": "C", "scanned": True}]},
            ]
        }
    }
    assert reps(gw, "fleet") == [
        {"__typename": "Parcel", "shipment": {"id": "s1"}, "seq": 1},
        {"__typename": "Parcel", "shipment": {"id": "s1"}, "seq": 2},
        {"__typename": "Parcel", "shipment": {"id": "s3"}, "seq": 1},
    ]


async def test_a_shareable_root_field_goes_to_the_graph_that_has_everything(
    gw: GatewayClient,
) -> None:
    result = await gw.query("{ carriers { code name } }")
    assert result == {
        "data": {
            "carriers": [
                {"code": "DHL", "name": "DHL Europe"},
                {"code": "UPS", "name": "UPS America"},
            ]
        }
    }
    assert calls(gw) == {"fleet": 1}


async def test_key_fields_added_by_the_planner_never_reach_the_client(gw: GatewayClient) -> None:
    result = await gw.query("{ shipments { status carrier { name } } }")
    assert result == {
        "data": {
            "shipments": [
                {"status": "in transit", "carrier": {"name": "DHL Europe"}},
                {"status": "delivered", "carrier": {"name": "UPS America"}},
                {"status": None, "carrier": {"name": "DHL Europe"}},
            ]
        }
    }

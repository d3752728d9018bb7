"""The e2e harness really serves both sources: the given supergraph, then our composition."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from gwharness.gatewayapp import GatewayClient, running_gateway
from gwharness.shop import SHOP_SUPERGRAPH, shop_subgraphs

pytestmark = pytest.mark.asyncio(loop_scope="session")


@pytest.fixture(scope="module")
async def shared() -> AsyncIterator[GatewayClient]:
    async with running_gateway(SHOP_SUPERGRAPH, shop_subgraphs()) as client:
        yield client


def _serves_its_source(gw: GatewayClient, source: str) -> None:
    sdl = gw.gateway.supergraph.sdl
    if source == "given":
        assert sdl == SHOP_SUPERGRAPH
    else:  # our composer writes join v0.5; the hand-written supergraph is join v0.3
        assert "https://specs.apollo.dev/join/v0.5" in sdl
        assert "https://specs.apollo.dev/join/v0.3" not in sdl


async def test_a_module_scoped_gateway_serves_the_current_source(
    shared: GatewayClient, supergraph_source: str
) -> None:
    _serves_its_source(shared, supergraph_source)


async def test_a_gateway_opened_in_a_test_serves_the_current_source(
    supergraph_source: str,
) -> None:
    async with running_gateway(SHOP_SUPERGRAPH, shop_subgraphs()) as gw:
        _serves_its_source(gw, supergraph_source)
        assert gw.subgraphs["accounts"].count == 0  # the SDL fetches are forgotten

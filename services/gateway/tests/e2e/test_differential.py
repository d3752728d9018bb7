"""Differential test: generated client queries through the gateway must give the same
``data`` bytes as one monolithic graphql-core schema serving the same data, and
errors at the same paths (design §8)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import orjson
import pytest
from graphql import graphql
from gwharness.catalog import CATALOG_SUPERGRAPH, catalog_subgraphs
from gwharness.gatewayapp import GatewayClient, running_gateway
from gwharness.oracle import (
    CATALOG_ARGS,
    generate_queries,
    install_catalog_resolvers,
    install_shop_resolvers,
)
from gwharness.shop import SHOP_SUPERGRAPH, shop_subgraphs

from gateway.supergraph import load_supergraph

pytestmark = pytest.mark.asyncio(loop_scope="session")

SUPERGRAPH = load_supergraph(SHOP_SUPERGRAPH)
# A private copy of the API schema for the oracle: resolvers are attached to it.
ORACLE = load_supergraph(SHOP_SUPERGRAPH).api_schema
install_shop_resolvers(ORACLE)
QUERIES = generate_queries(ORACLE, count=60, seed=20261128)


CATALOG = load_supergraph(CATALOG_SUPERGRAPH)
CATALOG_ORACLE = load_supergraph(CATALOG_SUPERGRAPH).api_schema
install_catalog_resolvers(CATALOG_ORACLE)
CATALOG_QUERIES = generate_queries(CATALOG_ORACLE, count=40, seed=7, args=CATALOG_ARGS)


@pytest.fixture(scope="module")
async def gw() -> AsyncIterator[GatewayClient]:
    async with running_gateway(SUPERGRAPH, shop_subgraphs()) as client:
        yield client


@pytest.fixture(scope="module")
async def catalog_gw() -> AsyncIterator[GatewayClient]:
    async with running_gateway(CATALOG, catalog_subgraphs()) as client:
        yield client


def _error_paths(errors: list[dict[str, object]] | None) -> list[object]:
    return sorted((e.get("path") or [] for e in errors or ()), key=repr)


@pytest.mark.parametrize("query", QUERIES, ids=[f"q{n}" for n in range(len(QUERIES))])
async def test_the_gateway_answers_like_the_monolith(gw: GatewayClient, query: str) -> None:
    expected = await graphql(ORACLE, query)
    response = await gw.post(query)
    got = response.json()
    assert orjson.dumps(got.get("data")) == orjson.dumps(expected.data), query
    assert _error_paths(got.get("errors")) == _error_paths(
        [e.formatted for e in expected.errors or ()]  # type: ignore[misc]
    ), query


@pytest.mark.parametrize(
    "query", CATALOG_QUERIES, ids=[f"c{n}" for n in range(len(CATALOG_QUERIES))]
)
async def test_abstract_types_answer_like_the_monolith(
    catalog_gw: GatewayClient, query: str
) -> None:
    expected = await graphql(CATALOG_ORACLE, query)
    got = (await catalog_gw.post(query)).json()
    assert orjson.dumps(got.get("data")) == orjson.dumps(expected.data), query
    assert _error_paths(got.get("errors")) == _error_paths(
        [e.formatted for e in expected.errors or ()]  # type: ignore[misc]
    ), query

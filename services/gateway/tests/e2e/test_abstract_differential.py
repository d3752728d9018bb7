"""Differential checks over the zoo and the feed: generated client queries through the
gateway give the same ``data`` bytes as one monolithic graphql-core schema serving the
same data, and errors at the same paths (design §8). Their subgraph SDLs are also a
scenario of the composition differential against Apollo's composer."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from graphql import ExecutionResult, GraphQLSchema, graphql
from gwharness.abstract_oracle import (
    FEED_ARGS,
    ZOO_ARGS,
    install_feed_resolvers,
    install_gallery_resolvers,
    install_zoo_resolvers,
)
from gwharness.conditions import with_conditions
from gwharness.feed import feed_subgraphs, feed_supergraph
from gwharness.gallery import gallery_subgraphs, gallery_supergraph
from gwharness.gatewayapp import GatewayClient, running_gateway
from gwharness.oracle import generate_queries
from gwharness.subgraph import Subgraph
from gwharness.zoo import zoo_subgraphs, zoo_supergraph

from gateway.supergraph import load_supergraph

pytestmark = pytest.mark.asyncio(loop_scope="session")

# Private copies of the API schemas for the oracles: resolvers are attached to them.
ZOO_ORACLE = load_supergraph(zoo_supergraph()).api_schema
install_zoo_resolvers(ZOO_ORACLE)
ZOO_QUERIES = generate_queries(ZOO_ORACLE, count=40, seed=611, args=ZOO_ARGS)

FEED_ORACLE = load_supergraph(feed_supergraph()).api_schema
install_feed_resolvers(FEED_ORACLE)
FEED_QUERIES = generate_queries(FEED_ORACLE, count=40, seed=612, args=FEED_ARGS)

GALLERY_ORACLE = load_supergraph(gallery_supergraph()).api_schema
install_gallery_resolvers(GALLERY_ORACLE)
GALLERY_QUERIES = generate_queries(GALLERY_ORACLE, count=20, seed=613, args={})

# The same kind of queries with @include/@skip on variables, over the three domains.
CONDITIONED_QUERIES = [
    *(
        ("zoo", q, v)
        for q, v in with_conditions(generate_queries(ZOO_ORACLE, 15, 621, ZOO_ARGS), 1)
    ),
    *(
        ("feed", q, v)
        for q, v in with_conditions(generate_queries(FEED_ORACLE, 15, 622, FEED_ARGS), 2)
    ),
    *(
        ("gallery", q, v)
        for q, v in with_conditions(generate_queries(GALLERY_ORACLE, 15, 623, {}), 3)
    ),
    # these gave a fetch two @skip on one fragment (refused by the subgraph)
    *(
        ("gallery", q, v)
        for q, v in with_conditions(generate_queries(GALLERY_ORACLE, 40, 900, {}), 912)
    ),
]
# Each under every assignment of its variables: a plan's condition handling differs by branch.
CONDITIONED = [
    (domain, query, dict(zip(variables, values, strict=True)))
    for domain, query, variables in CONDITIONED_QUERIES
    for values in itertools.product((False, True), repeat=len(variables))
]
ORACLES = {"zoo": ZOO_ORACLE, "feed": FEED_ORACLE, "gallery": GALLERY_ORACLE}


COMPOSITION_SCENARIOS = Path(__file__).parents[1] / "composition" / "differential"


@pytest.mark.parametrize(
    ("folder", "subgraphs"),
    [
        ("abstract_zoo", zoo_subgraphs()),
        ("abstract_feed", feed_subgraphs()),
        ("abstract_gallery", gallery_subgraphs()),
    ],
    ids=["zoo", "feed", "gallery"],
)
async def test_the_composition_differential_holds_these_subgraphs(
    folder: str, subgraphs: list[Subgraph]
) -> None:
    files = sorted((COMPOSITION_SCENARIOS / folder).glob("*.graphql"))
    assert {f.stem: f.read_text() for f in files} == {s.name: s.sdl for s in subgraphs}


@pytest.fixture(scope="module")
async def zoo_gw() -> AsyncIterator[GatewayClient]:
    async with running_gateway(zoo_supergraph(), zoo_subgraphs()) as client:
        yield client


@pytest.fixture(scope="module")
async def gallery_gw() -> AsyncIterator[GatewayClient]:
    async with running_gateway(gallery_supergraph(), gallery_subgraphs()) as client:
        yield client


@pytest.fixture(scope="module")
async def feed_gw() -> AsyncIterator[GatewayClient]:
    async with running_gateway(feed_supergraph(), feed_subgraphs()) as client:
        yield client


def _visible(path: list[Any], data: Any) -> list[Any]:
    """The longest prefix of ``path`` present in ``data`` (the root field when data is null).

    The gateway truncates a subgraph error's path so (design §6.6) while graphql-core keeps
    the full path; comparing visible prefixes keeps the check exact wherever data exists.
    """
    if data is None:
        return path[:1]
    value = data
    for n, item in enumerate(path):
        try:
            value = value[item]
        except (KeyError, IndexError, TypeError):
            return path[:n]
    return path


def _error_paths(errors: list[dict[str, Any]] | None, data: Any) -> set[tuple[Any, ...]]:
    return {tuple(_visible(e.get("path") or [], data)) for e in errors or ()}


def errors_agree(got: dict[str, Any], expected: ExecutionResult) -> bool:
    """The same visible error paths; when the data is null, the oracle's are among ours.

    graphql-core stops at the first error that nulls the response, skipping the fields
    left; the gateway has run every fetch by then and reports each failure.
    """
    got_paths = _error_paths(got.get("errors"), got.get("data"))
    oracle_errors = [dict(e.formatted) for e in expected.errors or ()]
    oracle_paths = _error_paths(oracle_errors, expected.data)
    if expected.data is None:
        return oracle_paths <= got_paths
    return got_paths == oracle_paths


async def _same_as_oracle(
    gw: GatewayClient,
    oracle: GraphQLSchema,
    query: str,
    variables: dict[str, bool] | None = None,
) -> None:
    expected = await graphql(oracle, query, variable_values=variables)
    assert expected.data is not None or expected.errors, query
    got = (await gw.post(query, variables)).json()
    assert orjson.dumps(got.get("data")) == orjson.dumps(expected.data), query
    assert errors_agree(got, expected), (query, got.get("errors"), expected.errors)


@pytest.mark.parametrize("query", ZOO_QUERIES, ids=[f"z{n}" for n in range(len(ZOO_QUERIES))])
async def test_the_zoo_answers_like_the_monolith(zoo_gw: GatewayClient, query: str) -> None:
    await _same_as_oracle(zoo_gw, ZOO_ORACLE, query)


@pytest.mark.parametrize("query", FEED_QUERIES, ids=[f"f{n}" for n in range(len(FEED_QUERIES))])
async def test_the_feed_answers_like_the_monolith(feed_gw: GatewayClient, query: str) -> None:
    await _same_as_oracle(feed_gw, FEED_ORACLE, query)


@pytest.mark.parametrize(
    "query", GALLERY_QUERIES, ids=[f"g{n}" for n in range(len(GALLERY_QUERIES))]
)
async def test_the_gallery_answers_like_the_monolith(gallery_gw: GatewayClient, query: str) -> None:
    await _same_as_oracle(gallery_gw, GALLERY_ORACLE, query)


@pytest.mark.parametrize(
    "case", CONDITIONED, ids=[f"{d}{n}" for n, (d, _q, _v) in enumerate(CONDITIONED)]
)
async def test_conditions_on_variables_answer_like_the_monolith(
    zoo_gw: GatewayClient,
    feed_gw: GatewayClient,
    gallery_gw: GatewayClient,
    case: tuple[str, str, dict[str, bool]],
) -> None:
    domain, query, variables = case
    gw = {"zoo": zoo_gw, "feed": feed_gw, "gallery": gallery_gw}[domain]
    await _same_as_oracle(gw, ORACLES[domain], query, variables)

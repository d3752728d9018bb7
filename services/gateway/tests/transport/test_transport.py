"""The subgraph transport over real ASGI subgraphs: parsing, failures, deduplication."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import orjson
import pytest
from gwharness import Subgraph
from gwharness.net import upstream_client

from gateway.settings import Settings
from gateway.transport import SubgraphHTTPError, SubgraphTimeoutError, Transport

SDL = """
type Query { hello(name: String): String  counter: Int }
type Mutation { bump: Int }
"""


def _subgraph() -> Subgraph:
    state = {"n": 0}

    def bump(_parent: object) -> int:
        state["n"] += 1
        return state["n"]

    return Subgraph(
        "hello",
        SDL + "schema { query: Query mutation: Mutation }",
        resolvers={
            "Query": {"hello": lambda _p, name="world": f"hi {name}"},
            "Mutation": {"bump": bump},
        },
    )


@pytest.fixture
def subgraph() -> Subgraph:
    return _subgraph()


@pytest.fixture
async def client(subgraph: Subgraph) -> AsyncIterator[httpx.AsyncClient]:
    async with upstream_client({"hello": subgraph}) as c:
        yield c


def _transport(client: httpx.AsyncClient, subgraph: Subgraph, **settings: object) -> Transport:
    return Transport(
        client=client,
        urls={"hello": subgraph.url, "down": "http://127.0.0.1:1/graphql"},
        settings=Settings(**settings),  # type: ignore[arg-type]
    )


def _body(query: str, variables: dict[str, object] | None = None) -> bytes:
    return orjson.dumps({"query": query, "variables": variables or {}})


async def test_fetch_returns_the_parsed_graphql_response(
    client: httpx.AsyncClient, subgraph: Subgraph
) -> None:
    transport = _transport(client, subgraph)
    body = _body("query($n: String) { hello(name: $n) }", {"n": "x"})
    result = await transport.fetch("hello", body)
    assert result == {"data": {"hello": "hi x"}}
    assert subgraph.requests == [
        {"query": "query($n: String) { hello(name: $n) }", "variables": {"n": "x"}}
    ]


async def test_a_refused_connection_is_an_http_error(
    client: httpx.AsyncClient, subgraph: Subgraph
) -> None:
    transport = _transport(client, subgraph)
    with pytest.raises(SubgraphHTTPError) as info:
        await transport.fetch("down", _body("{ hello }"))
    assert info.value.code == "SUBREQUEST_HTTP_ERROR"
    assert info.value.graph == "down"


async def test_an_unknown_graph_is_an_http_error(
    client: httpx.AsyncClient, subgraph: Subgraph
) -> None:
    with pytest.raises(SubgraphHTTPError):
        await _transport(client, subgraph).fetch("nowhere", _body("{ hello }"))


async def test_a_non_2xx_status_without_a_graphql_body_is_an_http_error(
    client: httpx.AsyncClient, subgraph: Subgraph
) -> None:
    subgraph.status = 503
    subgraph.fixed_body = b"upstream unavailable"
    with pytest.raises(SubgraphHTTPError) as info:
        await _transport(client, subgraph).fetch("hello", _body("{ hello }"))
    assert info.value.status == 503
    assert "503" in info.value.message


async def test_a_non_2xx_status_with_a_graphql_body_is_honoured(
    client: httpx.AsyncClient, subgraph: Subgraph
) -> None:
    subgraph.status = 400
    subgraph.fixed_body = b'{"errors":[{"message":"bad"}]}'
    result = await _transport(client, subgraph).fetch("hello", _body("{ hello }"))
    assert result == {"errors": [{"message": "bad"}]}


async def test_invalid_json_under_200_is_an_http_error(
    client: httpx.AsyncClient, subgraph: Subgraph
) -> None:
    subgraph.fixed_body = b"{not json"
    with pytest.raises(SubgraphHTTPError) as info:
        await _transport(client, subgraph).fetch("hello", _body("{ hello }"))
    assert "invalid JSON" in info.value.message


async def test_a_slow_subgraph_times_out_with_its_own_timeout(
    client: httpx.AsyncClient, subgraph: Subgraph
) -> None:
    subgraph.hold = asyncio.Event()  # never set: the subgraph never answers
    transport = _transport(client, subgraph, subgraph_timeouts_s={"hello": 0.05})
    with pytest.raises(SubgraphTimeoutError) as info:
        await transport.fetch("hello", _body("{ hello }"))
    assert info.value.code == "SUBGRAPH_REQUEST_TIMEOUT"


async def test_identical_concurrent_queries_share_one_request(
    client: httpx.AsyncClient, subgraph: Subgraph
) -> None:
    subgraph.hold = asyncio.Event()
    transport = _transport(client, subgraph)
    body = _body("{ hello }")
    tasks = [asyncio.create_task(transport.fetch("hello", body)) for _ in range(3)]
    await subgraph.received(1)
    subgraph.hold.set()
    results = await asyncio.gather(*tasks)
    assert subgraph.count == 1
    assert results == [{"data": {"hello": "hi world"}}] * 3
    # Each participant parsed its own copy: merges may mutate them independently.
    assert results[0] is not results[1]


async def test_deduplication_can_be_switched_off(
    client: httpx.AsyncClient, subgraph: Subgraph
) -> None:
    subgraph.hold = asyncio.Event()
    transport = _transport(client, subgraph, dedup_enabled=False)
    body = _body("{ hello }")
    tasks = [asyncio.create_task(transport.fetch("hello", body)) for _ in range(2)]
    await subgraph.received(2)
    subgraph.hold.set()
    await asyncio.gather(*tasks)
    assert subgraph.count == 2


async def test_identical_concurrent_mutations_are_both_sent(
    client: httpx.AsyncClient, subgraph: Subgraph
) -> None:
    transport = _transport(client, subgraph)
    body = _body("mutation { bump }")
    results = await asyncio.gather(
        transport.fetch("hello", body, kind="mutation"),
        transport.fetch("hello", body, kind="mutation"),
    )
    assert subgraph.count == 2
    assert sorted(r["data"]["bump"] for r in results) == [1, 2]


async def test_sequential_identical_queries_are_not_cached(
    client: httpx.AsyncClient, subgraph: Subgraph
) -> None:
    transport = _transport(client, subgraph)
    await transport.fetch("hello", _body("{ hello }"))
    await transport.fetch("hello", _body("{ hello }"))
    assert subgraph.count == 2


async def test_a_shared_failure_reaches_every_participant(
    client: httpx.AsyncClient, subgraph: Subgraph
) -> None:
    subgraph.hold = asyncio.Event()
    subgraph.status = 502
    subgraph.fixed_body = b"bad gateway"
    transport = _transport(client, subgraph)
    body = _body("{ hello }")
    tasks = [asyncio.create_task(transport.fetch("hello", body)) for _ in range(2)]
    await subgraph.received(1)
    subgraph.hold.set()
    results = await asyncio.gather(*tasks, return_exceptions=True)
    assert subgraph.count == 1
    assert all(isinstance(r, SubgraphHTTPError) for r in results)


async def test_the_observer_sees_each_real_request(
    client: httpx.AsyncClient, subgraph: Subgraph
) -> None:
    seen: list[tuple[str, str]] = []
    transport = Transport(
        client=client,
        urls={"hello": subgraph.url, "down": "http://127.0.0.1:1/graphql"},
        settings=Settings(),
        observer=lambda graph, _s, outcome: seen.append((graph, outcome)),
    )
    await transport.fetch("hello", _body("{ hello }"))
    with pytest.raises(SubgraphHTTPError):
        await transport.fetch("down", _body("{ hello }"))
    assert seen == [("hello", "ok"), ("down", "http_error")]

"""GuardedTransport over an in-process subgraph: header rules, retries, breaker."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator

import pytest
from gwharness import Subgraph
from gwharness.net import upstream_client

from gateway.edge.guarded import GuardedTransport
from gateway.edge.headers import HeaderRules
from gateway.edge.resilience import CircuitOpenError, RetryPolicy, SubgraphGuard
from gateway.settings import Settings
from gateway.transport import SubgraphHTTPError

BODY = b'{"query":"{ hello }"}'


class FakeClock:
    def __init__(self) -> None:
        self.t = 0.0

    def now(self) -> float:
        return self.t

    async def sleep(self, seconds: float) -> None:
        self.t += seconds


@pytest.fixture
def hello() -> Subgraph:
    return Subgraph(
        "hello", "type Query { hello: String }", resolvers={"Query": {"hello": lambda _p: "hi"}}
    )


@pytest.fixture
async def transport(hello: Subgraph) -> AsyncIterator[GuardedTransport]:
    client = upstream_client({"hello": hello})
    guard = SubgraphGuard(
        failure_threshold=2,
        reset_timeout_s=30,
        retry=RetryPolicy(max_attempts=2, budget_s=5),
        clock=FakeClock(),
        rng=random.Random(3),
    )
    rules = HeaderRules.from_config(
        {
            "all": [{"propagate": {"named": "authorization"}}],
            "subgraphs": {"hello": [{"propagate": {"named": "x-tenant", "rename": "x-org"}}]},
        }
    )
    yield GuardedTransport(
        client=client,
        urls={"hello": hello.url},
        settings=Settings(dedup_enabled=False),
        guard=guard,
        header_rules=rules,
    )
    await client.aclose()


async def test_headers_follow_the_rules(transport: GuardedTransport, hello: Subgraph) -> None:
    client_headers = {"authorization": "Bearer t", "x-tenant": "acme", "cookie": "s=1"}
    result = await transport.fetch("hello", BODY, headers=client_headers)
    assert result == {"data": {"hello": "hi"}}
    sent = hello.headers[0]
    assert sent["authorization"] == "Bearer t"
    assert sent["x-org"] == "acme"
    assert "cookie" not in sent
    assert "x-tenant" not in sent


async def test_a_query_is_retried_once_then_the_circuit_opens(
    transport: GuardedTransport, hello: Subgraph
) -> None:
    hello.status = 503
    hello.fixed_body = b"busy"
    with pytest.raises(SubgraphHTTPError):
        await transport.fetch("hello", BODY)
    assert hello.count == 2  # the first attempt and one retry, then the circuit opened
    assert transport.guard.states() == {"hello": 1}
    with pytest.raises(CircuitOpenError):
        await transport.fetch("hello", BODY)
    assert hello.count == 2


async def test_a_mutation_is_sent_once(transport: GuardedTransport, hello: Subgraph) -> None:
    hello.status = 503
    hello.fixed_body = b"busy"
    with pytest.raises(SubgraphHTTPError):
        await transport.fetch("hello", b'{"query":"mutation { x }"}', kind="mutation")
    assert hello.count == 1

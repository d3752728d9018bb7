"""The gateway's edge against the real platform (processes on loopback): authorization
directives of the platform's supergraph, authentication, and a subgraph killed under load.

A subgraph that was not called is proven by the gateway's own per-subgraph fetch counter
(``/metrics``), read before and after.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from tools.platform_runner import GATEWAY, SUBGRAPHS, PlatformRunner

from servicekit.pg_embedded import free_port
from tests.e2e.conftest import JWT_SECRET, token

UNAUTHORIZED = "UNAUTHORIZED_FIELD_OR_TYPE"
_FETCHES = re.compile(
    r'gateway_subgraph_fetch_duration_seconds_count\{outcome="(\w+)",subgraph="(\w+)"\} (\S+)'
)


async def fetches(http: httpx.AsyncClient, graphql_url: str, graph: str) -> float:
    text = (await http.get(graphql_url.replace("/graphql", "/metrics"))).text
    return sum(float(n) for _, g, n in _FETCHES.findall(text) if g == graph)


async def post(
    http: httpx.AsyncClient, url: str, query: str, bearer: str | None = None, **variables: Any
) -> httpx.Response:
    headers = {"authorization": f"Bearer {bearer}"} if bearer else {}
    return await http.post(url, json={"query": query, "variables": variables}, headers=headers)


async def test_authenticated_fields_are_null_for_anonymous_callers(
    platform: PlatformRunner, http: httpx.AsyncClient
) -> None:
    url = platform.url("gateway")
    before = await fetches(http, url, "payments")
    answer = (await post(http, url, '{ payment(id: "p-1") { id } events(first: 1) { id } }')).json()
    assert answer["data"]["payment"] is None
    assert isinstance(answer["data"]["events"], list)
    assert [(e["path"], e["extensions"]["code"]) for e in answer["errors"]] == [
        (["payment"], UNAUTHORIZED)
    ]
    assert await fetches(http, url, "payments") == before  # never asked


async def test_requires_scopes_removes_a_mutation_without_the_scope(
    platform: PlatformRunner, http: httpx.AsyncClient
) -> None:
    url = platform.url("gateway")
    mutation = """mutation($key: String!) {
      createPayment(input: {amount: 100, currency: "EUR"}, idempotencyKey: $key) { id }
    }"""
    before = await fetches(http, url, "payments")
    reader = token("reader@example.com")  # authenticated, no payments:write
    answer = (await post(http, url, mutation, reader, key="edge-scope-1")).json()
    assert answer["data"] is None  # createPayment is non-null: the null reaches the root
    assert [(e["path"], e["extensions"]["code"]) for e in answer["errors"]] == [
        (["createPayment"], UNAUTHORIZED)
    ]
    assert await fetches(http, url, "payments") == before


async def test_an_invalid_token_is_unauthenticated_before_any_subgraph(
    platform: PlatformRunner, http: httpx.AsyncClient
) -> None:
    url = platform.url("gateway")
    before = {s.name: await fetches(http, url, s.name) for s in SUBGRAPHS}
    forged = token("alice@example.com", "payments:write")[:-4] + "AAAA"
    response = await post(http, url, "{ events(first: 1) { id } }", forged)
    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert {s.name: await fetches(http, url, s.name) for s in SUBGRAPHS} == before


# --- a subgraph killed under load ---------------------------------------------------------


@pytest.fixture
def edge_gateway(platform: PlatformRunner) -> Iterator[str]:
    """A second gateway on the platform's subgraphs with a short breaker cool-down."""
    runner = PlatformRunner(
        database_urls={},
        ports={**platform.ports, "gateway": free_port()},
        jwt_secret=JWT_SECRET,
        env={
            "ENV": "test",
            "GATEWAY_BREAKER_FAILURE_THRESHOLD": "3",
            "GATEWAY_BREAKER_RESET_TIMEOUT_S": "1",
            "GATEWAY_REQUEST_TIMEOUT_S": "3",
            "GATEWAY_RETRY_MAX_ATTEMPTS": "2",
        },
        log_dir=platform.log_dir,
    )
    runner.start(GATEWAY)
    try:
        yield runner.url("gateway")
    finally:
        runner.stop_all()


@dataclass
class Load:
    statuses: list[int] = field(default_factory=list)
    untouched: list[dict[str, Any]] = field(default_factory=list)
    # (sent at, answered at, body) of queries that touch the killed subgraph
    touching: list[tuple[float, float, dict[str, Any]]] = field(default_factory=list)
    circuit_states: set[str] = field(default_factory=set)


DELIVERY = """query { delivery(id: "00000000-0000-4000-8000-000000000000") { id }
  events(first: 1) { id } }"""
EVENTS = "{ events(first: 1) { id } }"


@pytest.mark.slow
async def test_a_subgraph_killed_under_load_degrades_and_recovers(
    platform: PlatformRunner, edge_gateway: str
) -> None:
    delivery = next(s for s in SUBGRAPHS if s.name == "delivery")
    bearer = token("loader@example.com")
    load = Load()
    async with httpx.AsyncClient(timeout=30) as http:
        healthy = (await post(http, edge_gateway, DELIVERY, bearer)).json()
        assert "errors" not in healthy, healthy

        def ok(body: dict[str, Any]) -> bool:  # events(first: 1) may change under the load
            return "errors" not in body and body["data"]["delivery"] == healthy["data"]["delivery"]

        started = time.monotonic()
        # 30 s of load at least, and until a healthy answer came after the subgraph is back
        # plus a few more queries; bounded: platform.start gives up after 60 s, and recovery
        # is awaited at most 60 s more.
        end = {"at": float("inf")}

        async def worker(query: str) -> None:
            while time.monotonic() < end["at"]:
                sent = time.monotonic()
                response = await post(http, edge_gateway, query, bearer)
                load.statuses.append(response.status_code)
                body = response.json()
                if query is EVENTS:
                    load.untouched.append(body)
                else:
                    load.touching.append((sent, time.monotonic(), body))

        async def watch_metrics() -> None:
            metrics = edge_gateway.replace("/graphql", "/metrics")
            pattern = re.compile(r'gateway_subgraph_circuit_state\{subgraph="delivery"\} (\S+)')
            while time.monotonic() < end["at"]:
                found = pattern.search((await http.get(metrics)).text)
                if found:
                    load.circuit_states.add(found.group(1))
                await asyncio.sleep(0.2)

        async def chaos() -> None:
            await asyncio.sleep(5)
            platform.stop("delivery", kill=True)
            await asyncio.sleep(8)
            try:
                await asyncio.to_thread(platform.start, delivery)  # returns once /readyz is 200
            finally:
                back = time.monotonic()
                end["at"] = back + 60  # the recovery deadline, shortened below
            while time.monotonic() < end["at"]:
                if any(t >= back and ok(body) for _, t, body in load.touching):
                    break
                await asyncio.sleep(0.2)
            end["at"] = max(started + 30, time.monotonic() + 3)
            end["back"] = back

        tasks = [worker(EVENTS), worker(EVENTS), worker(DELIVERY), worker(DELIVERY)]
        await asyncio.gather(*tasks, watch_metrics(), chaos())
        back_at = end["back"]

    assert load.statuses
    assert all(s < 500 for s in load.statuses)
    assert all(body == {"data": body["data"]} and body["data"]["events"] is not None
               for body in load.untouched)  # fmt: skip
    failed = [body for _, _, body in load.touching if "errors" in body]
    assert failed, "the kill was not noticed"
    for body in failed:  # partial data: events still answered, delivery null with a code
        assert body["data"]["delivery"] is None
        assert isinstance(body["data"]["events"], list)
        codes = {e["extensions"]["code"] for e in body["errors"]}
        assert codes <= {"SUBREQUEST_HTTP_ERROR", "SUBGRAPH_REQUEST_TIMEOUT"}, body
    assert "1.0" in load.circuit_states  # the breaker opened

    recovered = [t for _, t, body in load.touching if t >= back_at and ok(body)]
    after = [(round(t - back_at, 2), body) for _, t, body in load.touching if t >= back_at]
    assert recovered, f"no healthy answer after the subgraph came back: {after[:2]} {after[-2:]}"
    # Once one answer was healthy again, every query sent after it is healthy too.
    later = [body for sent, _, body in load.touching if sent >= recovered[0]]
    assert later, "no query was sent after the recovery"
    assert all(ok(body) for body in later), [b for b in later if not ok(b)][:2]

"""Circuit breaker and query retries, driven by a fake clock (no sleeps)."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import httpx
import orjson
import pytest

from gateway.edge.resilience import (
    CircuitBreaker,
    CircuitOpenError,
    CircuitState,
    RetryPolicy,
    SubgraphGuard,
    is_transient,
)
from gateway.settings import Settings
from gateway.transport import Transport
from gateway.transport.errors import SubgraphHTTPError, SubgraphTimeoutError


class FakeClock:
    def __init__(self) -> None:
        self.t = 0.0
        self.sleeps: list[float] = []

    def now(self) -> float:
        return self.t

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.t += seconds


def failing(*outcomes: Exception | str) -> tuple[Callable[[], Awaitable[str]], list[int]]:
    """A send function that raises or returns the given outcomes in order."""
    calls: list[int] = []

    async def send() -> str:
        calls.append(1)
        outcome = outcomes[min(len(calls), len(outcomes)) - 1]
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    return send, calls


DOWN = SubgraphHTTPError("a", "connection refused")


def state_of(breaker: CircuitBreaker) -> CircuitState:
    return breaker.state  # read through a call: the state changes between reads


# --- breaker -----------------------------------------------------------------------------


def test_the_breaker_opens_after_n_consecutive_failures_only() -> None:
    clock = FakeClock()
    breaker = CircuitBreaker(failure_threshold=3, reset_timeout_s=10, clock=clock)
    for _ in range(2):
        breaker.failure()
    breaker.success()  # resets the count
    for _ in range(2):
        breaker.failure()
    assert state_of(breaker) is CircuitState.CLOSED
    breaker.failure()
    assert state_of(breaker) is CircuitState.OPEN
    assert not breaker.acquire()


def test_half_open_after_the_cool_down_then_closed_on_a_good_probe() -> None:
    clock = FakeClock()
    changes: list[CircuitState] = []
    breaker = CircuitBreaker(
        failure_threshold=1, reset_timeout_s=10, clock=clock, on_change=changes.append
    )
    breaker.failure()
    clock.t = 9.99
    assert state_of(breaker) is CircuitState.OPEN
    clock.t = 10.0
    assert state_of(breaker) is CircuitState.HALF_OPEN
    assert breaker.acquire()  # the probe
    assert not breaker.acquire()  # only one probe at a time
    breaker.success()
    assert state_of(breaker) is CircuitState.CLOSED
    assert changes == [CircuitState.OPEN, CircuitState.HALF_OPEN, CircuitState.CLOSED]


def test_a_failed_probe_reopens_for_a_new_cool_down() -> None:
    clock = FakeClock()
    breaker = CircuitBreaker(failure_threshold=1, reset_timeout_s=10, clock=clock)
    breaker.failure()
    clock.t = 10
    assert breaker.acquire()
    breaker.failure()
    assert state_of(breaker) is CircuitState.OPEN
    clock.t = 19
    assert state_of(breaker) is CircuitState.OPEN
    clock.t = 20
    assert state_of(breaker) is CircuitState.HALF_OPEN


def test_a_cancelled_probe_frees_its_slot() -> None:
    clock = FakeClock()
    breaker = CircuitBreaker(failure_threshold=1, reset_timeout_s=1, clock=clock)
    breaker.failure()
    clock.t = 1
    assert breaker.acquire()
    breaker.release()
    assert breaker.acquire()


def test_bad_breaker_settings_are_refused() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        CircuitBreaker(failure_threshold=0)


# --- guard: breaker + retries --------------------------------------------------------------


def guard(clock: FakeClock, **kw: Any) -> SubgraphGuard:
    kw.setdefault("retry", RetryPolicy(max_attempts=1))
    return SubgraphGuard(clock=clock, rng=random.Random(7), **kw)


async def test_an_open_circuit_fails_fast_without_sending() -> None:
    clock = FakeClock()
    changes: list[tuple[str, CircuitState]] = []
    g = guard(
        clock, failure_threshold=2, reset_timeout_s=30, on_change=lambda *c: changes.append(c)
    )
    send, calls = failing(DOWN)
    for _ in range(2):
        with pytest.raises(SubgraphHTTPError):
            await g.call("a", "query", send)
    assert g.states() == {"a": 1}
    with pytest.raises(CircuitOpenError) as err:
        await g.call("a", "query", send)
    assert len(calls) == 2  # not sent
    assert err.value.code == "SUBREQUEST_HTTP_ERROR"  # reported like any failed fetch
    assert "circuit open" in err.value.message
    clock.t = 30
    assert g.states() == {"a": 2}
    ok, _ = failing("data")
    assert await g.call("a", "query", ok) == "data"
    assert g.states() == {"a": 0}
    assert changes == [
        ("a", CircuitState.OPEN),
        ("a", CircuitState.HALF_OPEN),
        ("a", CircuitState.CLOSED),
    ]


async def test_breakers_are_per_subgraph() -> None:
    g = guard(FakeClock(), failure_threshold=1)
    send, _ = failing(DOWN)
    with pytest.raises(SubgraphHTTPError):
        await g.call("a", "query", send)
    ok, _ = failing("b-data")
    assert await g.call("b", "query", ok) == "b-data"
    assert g.states() == {"a": 1, "b": 0}


async def test_queries_retry_transient_failures_with_jittered_backoff() -> None:
    clock = FakeClock()
    policy = RetryPolicy(max_attempts=4, base_delay_s=0.1, max_delay_s=0.25, budget_s=10)
    g = guard(clock, retry=policy, failure_threshold=10)
    timeout = SubgraphTimeoutError("a", "timed out")
    busy = SubgraphHTTPError("a", "unavailable", status=503)
    send, calls = failing(DOWN, timeout, busy, "data")
    assert await g.call("a", "query", send) == "data"
    assert len(calls) == 4
    assert g.retries == 3
    caps = [0.1, 0.2, 0.25]
    assert len(clock.sleeps) == 3
    assert all(0 <= d <= cap for d, cap in zip(clock.sleeps, caps, strict=True))
    assert len(set(clock.sleeps)) == 3  # jittered, not a fixed schedule


async def test_mutations_are_never_retried() -> None:
    g = guard(FakeClock(), retry=RetryPolicy(max_attempts=5))
    send, calls = failing(DOWN, "data")
    with pytest.raises(SubgraphHTTPError):
        await g.call("a", "mutation", send)
    assert len(calls) == 1


async def test_client_errors_are_not_retried() -> None:
    g = guard(FakeClock(), retry=RetryPolicy(max_attempts=5))
    send, calls = failing(SubgraphHTTPError("a", "bad request", status=400), "data")
    with pytest.raises(SubgraphHTTPError):
        await g.call("a", "query", send)
    assert len(calls) == 1
    assert is_transient(SubgraphHTTPError("a", "x", status=429))
    assert not is_transient(CircuitOpenError("a"))
    assert not is_transient(ValueError())


async def test_retries_stop_at_the_time_budget() -> None:
    clock = FakeClock()

    starts: list[float] = []

    async def slow_failure() -> str:
        starts.append(clock.t)
        clock.t += 0.4  # each attempt takes 0.4 s before failing
        raise DOWN

    policy = RetryPolicy(max_attempts=10, base_delay_s=0.01, max_delay_s=0.01, budget_s=1.0)
    g = guard(clock, retry=policy, failure_threshold=100)
    with pytest.raises(SubgraphHTTPError):
        await g.call("a", "query", slow_failure)
    # attempts start at 0, ~0.41, ~0.82; a fourth would start past the 1 s budget
    assert len(starts) == 3
    assert g.retries == 2
    assert all(t <= 1.0 for t in starts)


async def test_retries_stop_when_the_circuit_opens() -> None:
    g = guard(FakeClock(), retry=RetryPolicy(max_attempts=5, budget_s=10), failure_threshold=2)
    send, calls = failing(DOWN)
    with pytest.raises(CircuitOpenError):
        await g.call("a", "query", send)
    assert len(calls) == 2


async def test_cancellation_is_not_a_failure() -> None:
    g = guard(FakeClock(), failure_threshold=1)

    async def cancelled() -> str:
        raise asyncio.CancelledError

    with pytest.raises(asyncio.CancelledError):
        await g.call("a", "query", cancelled)
    assert g.states() == {"a": 0}


async def test_a_disabled_guard_just_sends() -> None:
    g = guard(FakeClock(), failure_threshold=1, enabled=False)
    send, calls = failing(DOWN)
    for _ in range(3):
        with pytest.raises(SubgraphHTTPError):
            await g.call("a", "query", send)
    assert len(calls) == 3


async def test_wrapping_the_real_transport_over_a_flaky_subgraph() -> None:
    statuses = [503, 502, 200]
    seen: list[bytes] = []

    async def app(
        scope: MutableMapping[str, Any],
        receive: Callable[[], Awaitable[MutableMapping[str, Any]]],
        send: Callable[[MutableMapping[str, Any]], Awaitable[None]],
    ) -> None:
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        seen.append(body)
        status = statuses[min(len(seen), len(statuses)) - 1]
        payload = orjson.dumps({"data": {"hello": "hi"}}) if status == 200 else b"busy"
        await send({"type": "http.response.start", "status": status, "headers": []})
        await send({"type": "http.response.body", "body": payload})

    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app))
    transport = Transport(
        client=client, urls={"a": "http://a/graphql"}, settings=Settings(dedup_enabled=False)
    )
    g = SubgraphGuard(
        clock=FakeClock(), rng=random.Random(1), retry=RetryPolicy(max_attempts=3, budget_s=5)
    )
    body = b'{"query":"{ hello }"}'
    try:
        result = await g.call("a", "query", lambda: transport.fetch("a", body))
    finally:
        await client.aclose()
    assert result == {"data": {"hello": "hi"}}
    assert seen == [body, body, body]
    assert g.states() == {"a": 0}

"""Per-subgraph circuit breakers and retries for queries, as plain asyncio components.

Circuit breaker (one per subgraph)::

    CLOSED (0) --N consecutive failures--> OPEN (1) --cool-down elapsed--> HALF_OPEN (2)
    HALF_OPEN --probe succeeds--> CLOSED          HALF_OPEN --probe fails--> OPEN (cool-down again)

While OPEN, calls fail at once with ``CircuitOpenError`` (a ``SubgraphHTTPError``, so the
executor reports it like any failed fetch). In HALF_OPEN, ``half_open_probes`` calls go
through; the others fail fast. The state value (0/1/2) is what ``/metrics`` exports.

Retries: only ``kind == "query"`` (a mutation is never sent twice), only for transport
failures that may be transient (no HTTP status, 429, or 5xx), with full-jitter exponential
backoff ``uniform(0, min(max_delay, base_delay * 2**(attempt-1)))``, at most ``max_attempts``
attempts in all, and never past ``budget_s`` since the first attempt. Time comes from an
injectable ``Clock`` so tests need no sleeps.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import IntEnum
from typing import Protocol, TypeVar

from gateway.transport.errors import SubgraphHTTPError, TransportError

__all__ = [
    "CircuitBreaker",
    "CircuitOpenError",
    "CircuitState",
    "Clock",
    "MonotonicClock",
    "RetryPolicy",
    "SubgraphGuard",
    "is_transient",
]

T = TypeVar("T")


class Clock(Protocol):
    def now(self) -> float: ...

    async def sleep(self, seconds: float) -> None: ...


class MonotonicClock:
    """The real clock."""

    def now(self) -> float:
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


class CircuitState(IntEnum):
    CLOSED = 0
    OPEN = 1
    HALF_OPEN = 2


class CircuitOpenError(SubgraphHTTPError):
    """The subgraph's circuit is open: the request was not sent."""

    def __init__(self, graph: str) -> None:
        super().__init__(graph, f"Subgraph '{graph}' is unavailable (circuit open).")


class CircuitBreaker:
    """Consecutive-failure breaker for one subgraph."""

    def __init__(
        self,
        *,
        failure_threshold: int = 5,
        reset_timeout_s: float = 30.0,
        half_open_probes: int = 1,
        clock: Clock | None = None,
        on_change: Callable[[CircuitState], None] | None = None,
    ) -> None:
        if failure_threshold < 1 or half_open_probes < 1:
            raise ValueError("failure_threshold and half_open_probes must be at least 1")
        self.failure_threshold = failure_threshold
        self.reset_timeout_s = reset_timeout_s
        self.half_open_probes = half_open_probes
        self._clock = clock or MonotonicClock()
        self._on_change = on_change
        self._state = CircuitState.CLOSED
        self._failures = 0
        self._opened_at = 0.0
        self._probes = 0

    @property
    def state(self) -> CircuitState:
        """The state now (an OPEN circuit whose cool-down elapsed reads HALF_OPEN)."""
        if (
            self._state is CircuitState.OPEN
            and self._clock.now() - self._opened_at >= self.reset_timeout_s
        ):
            self._set(CircuitState.HALF_OPEN)
            self._probes = 0
        return self._state

    def _set(self, state: CircuitState) -> None:
        if state is not self._state:
            self._state = state
            if self._on_change is not None:
                self._on_change(state)

    def acquire(self) -> bool:
        """Reserve a call; False means fail fast. Pair with ``success``/``failure``/``release``."""
        state = self.state
        if state is CircuitState.CLOSED:
            return True
        if state is CircuitState.HALF_OPEN and self._probes < self.half_open_probes:
            self._probes += 1
            return True
        return False

    def success(self) -> None:
        self._failures = 0
        self._probes = 0
        self._set(CircuitState.CLOSED)

    def failure(self) -> None:
        if self._state is CircuitState.HALF_OPEN:
            self._open()
            return
        self._failures += 1
        if self._failures >= self.failure_threshold:
            self._open()

    def release(self) -> None:
        """The call ended without an outcome (e.g. cancelled): free its probe slot."""
        if self._state is CircuitState.HALF_OPEN and self._probes > 0:
            self._probes -= 1

    def _open(self) -> None:
        self._opened_at = self._clock.now()
        self._failures = 0
        self._probes = 0
        self._set(CircuitState.OPEN)


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Retries for queries; ``max_attempts=1`` switches them off."""

    max_attempts: int = 3
    base_delay_s: float = 0.05
    max_delay_s: float = 1.0
    budget_s: float = 2.0

    def delay(self, attempt: int, rng: random.Random) -> float:
        """Full-jitter backoff before attempt ``attempt + 1`` (``attempt`` >= 1)."""
        cap = min(self.max_delay_s, self.base_delay_s * 2 ** (attempt - 1))
        return rng.uniform(0.0, cap)


def is_transient(exc: BaseException) -> bool:
    """A transport failure worth retrying: no HTTP status (connection, timeout), 429 or 5xx."""
    if not isinstance(exc, TransportError) or isinstance(exc, CircuitOpenError):
        return False
    return exc.status is None or exc.status == 429 or exc.status >= 500


class SubgraphGuard:
    """Breakers for every subgraph plus the retry loop; one per process."""

    def __init__(
        self,
        *,
        failure_threshold: int = 5,
        reset_timeout_s: float = 30.0,
        half_open_probes: int = 1,
        retry: RetryPolicy | None = None,
        clock: Clock | None = None,
        rng: random.Random | None = None,
        on_change: Callable[[str, CircuitState], None] | None = None,
        enabled: bool = True,
    ) -> None:
        self._config = (failure_threshold, reset_timeout_s, half_open_probes)
        self.retry = retry or RetryPolicy()
        self._clock = clock or MonotonicClock()
        self._rng = rng or random.Random()  # noqa: S311 - jitter, not cryptography
        self._on_change = on_change
        self.enabled = enabled
        self._breakers: dict[str, CircuitBreaker] = {}
        self.retries = 0

    def breaker(self, graph: str) -> CircuitBreaker:
        found = self._breakers.get(graph)
        if found is None:
            threshold, timeout, probes = self._config
            hook = self._on_change
            found = self._breakers[graph] = CircuitBreaker(
                failure_threshold=threshold,
                reset_timeout_s=timeout,
                half_open_probes=probes,
                clock=self._clock,
                on_change=(lambda s: hook(graph, s)) if hook is not None else None,
            )
        return found

    def states(self) -> dict[str, int]:
        """Metric values per subgraph: 0 closed, 1 open, 2 half-open."""
        return {g: int(b.state) for g, b in sorted(self._breakers.items())}

    async def call(self, graph: str, kind: str, send: Callable[[], Awaitable[T]]) -> T:
        """Run ``send`` under ``graph``'s breaker, retrying transient failures of queries."""
        if not self.enabled:
            return await send()
        breaker = self.breaker(graph)
        started = self._clock.now()
        attempt = 0
        while True:
            if not breaker.acquire():
                raise CircuitOpenError(graph)
            attempt += 1
            try:
                result = await send()
            except TransportError as exc:
                breaker.failure()
                delay = self.retry.delay(attempt, self._rng)
                if not self._may_retry(exc, kind, attempt, self._clock.now() - started + delay):
                    raise
            except BaseException:
                breaker.release()
                raise
            else:
                breaker.success()
                return result
            self.retries += 1
            await self._clock.sleep(delay)

    def _may_retry(self, exc: TransportError, kind: str, attempt: int, done_at: float) -> bool:
        """Retry a transient query failure if the next attempt starts within the budget."""
        return (
            kind == "query"
            and attempt < self.retry.max_attempts
            and is_transient(exc)
            and done_at <= self.retry.budget_s
        )

"""Gateway metrics on top of the shared ``ServiceMetrics`` registry.

Requests by operation and outcome and their latency come from servicekit;
this adds subgraph fetch latency and errors, the circuit state per subgraph, the
two caches' size, hits and misses (read at scrape time, so never stale), and the
served supergraph (its hash, when it was loaded, reloads by outcome).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from servicekit.metrics import ServiceMetrics

__all__ = ["CacheStats", "GatewayMetrics"]


class CacheStats(Protocol):
    """What the metrics read from a cache: ``size``, ``hits``, ``misses``."""

    @property
    def size(self) -> int: ...
    @property
    def hits(self) -> int: ...
    @property
    def misses(self) -> int: ...


class GatewayMetrics:
    """The gateway's metrics; ``observe_fetch`` is the transport's observer."""

    def __init__(self) -> None:
        self.service = ServiceMetrics(service="gateway")
        self.fetch_latency = self.service.histogram(
            "gateway_subgraph_fetch_duration_seconds",
            "Subgraph request latency by subgraph and outcome (ok, http_error, timeout).",
            ["subgraph", "outcome"],
        )
        self.fetch_errors = self.service.counter(
            "gateway_subgraph_fetch_errors",
            "Subgraph requests that failed, by subgraph and kind (http_error, timeout).",
            ["subgraph", "kind"],
        )

        self.circuit_state = self.service.gauge(
            "gateway_subgraph_circuit_state",
            "Circuit breaker state per subgraph: 0 closed, 1 open, 2 half-open.",
            ["subgraph"],
        )

        self.supergraph_reloads = self.service.counter(
            "gateway_supergraph_reloads",
            "Supergraph polls by outcome: reloaded (swapped in), unchanged, failed (kept the "
            "old one).",
            ["outcome"],
        )
        self.supergraph_loaded_at = self.service.gauge(
            "gateway_supergraph_loaded_timestamp_seconds",
            "When the supergraph being served was loaded (Unix time).",
        )
        self.supergraph_info = self.service.gauge(
            "gateway_supergraph_info",
            "1 for the supergraph being served, labelled with the sha256 of its SDL.",
            ["sha256"],
        )

    def set_supergraph(self, sdl_hash: str, loaded_at: float) -> None:
        """Record the supergraph now served (the previous hash's series goes away)."""
        self.supergraph_info.clear()
        self.supergraph_info.labels(sdl_hash).set(1)
        self.supergraph_loaded_at.set(loaded_at)

    def set_circuit_state(self, graph: str, state: int) -> None:
        self.circuit_state.labels(graph).set(int(state))

    def observe_fetch(self, graph: str, seconds: float, outcome: str) -> None:
        self.fetch_latency.labels(graph, outcome).observe(seconds)
        if outcome != "ok":
            self.fetch_errors.labels(graph, outcome).inc()

    def observe_request(self, *, operation: str, outcome: str, seconds: float) -> None:
        self.service.observe_graphql(operation=operation, outcome=outcome, seconds=seconds)

    def watch_cache(self, name: str, read: Callable[[], CacheStats | None]) -> None:
        """Export ``gateway_<name>_cache_{size,hits,misses}`` gauges read from ``read()``."""

        def reader(attr: str) -> Callable[[], float]:
            def value() -> float:
                cache = read()
                return float(getattr(cache, attr)) if cache is not None else 0.0

            return value

        for attr in ("size", "hits", "misses"):
            self.service.gauge_callback(
                f"gateway_{name}_cache_{attr}",
                f"The {name} cache's {attr} since the process started.",
                reader(attr),
            )

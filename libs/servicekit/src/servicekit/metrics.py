"""Prometheus metrics shared by every service.

Each app gets its own :class:`CollectorRegistry` (so several apps can live in
one test process); ``/metrics`` renders it in the text exposition format.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

__all__ = ["LATENCY_BUCKETS", "ServiceMetrics"]

LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class _CallbackGauges(Collector):
    """Gauges read at scrape time (e.g. the database pool), never stale."""

    def __init__(self) -> None:
        self.callbacks: dict[str, tuple[str, Callable[[], float]]] = {}

    def collect(self):  # type: ignore[no-untyped-def]  # prometheus_client's own signature
        for name, (doc, read) in self.callbacks.items():
            family = GaugeMetricFamily(name, doc)
            family.add_metric([], float(read()))
            yield family


@dataclass
class ServiceMetrics:
    service: str
    registry: CollectorRegistry = field(
        default_factory=lambda: CollectorRegistry(auto_describe=True)
    )

    def __post_init__(self) -> None:
        self.requests = Counter(
            "graphql_requests",
            "GraphQL requests by operation name and outcome (ok, error, rejected).",
            ["service", "operation", "outcome"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "graphql_request_duration_seconds",
            "GraphQL request latency by operation name.",
            ["service", "operation"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.http_requests = Counter(
            "http_requests",
            "HTTP requests by route and status code.",
            ["service", "route", "status"],
            registry=self.registry,
        )
        self.gc_pause = Histogram(
            "gc_pause_seconds",
            "Timed garbage collections (<PREFIX>_GC_INTERVAL_S) by generation: how long each took.",
            ["service", "generation"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.gc_collected = Counter(
            "gc_collected_objects",
            "Unreachable objects the timed garbage collections found, by generation.",
            ["service", "generation"],
            registry=self.registry,
        )
        self._callbacks = _CallbackGauges()
        self.registry.register(self._callbacks)

    def observe_graphql(self, *, operation: str, outcome: str, seconds: float) -> None:
        self.requests.labels(self.service, operation, outcome).inc()
        self.latency.labels(self.service, operation).observe(seconds)

    def observe_gc(self, generation: int, collected: int, seconds: float) -> None:
        label = str(generation)
        self.gc_pause.labels(self.service, label).observe(seconds)
        self.gc_collected.labels(self.service, label).inc(collected)

    def gauge_callback(self, name: str, doc: str, read: Callable[[], float]) -> None:
        """Register a gauge whose value is read when Prometheus scrapes."""
        self._callbacks.callbacks[name] = (doc, read)

    def gauge(self, name: str, doc: str, labels: list[str] | None = None) -> Gauge:
        return Gauge(name, doc, labels or [], registry=self.registry)

    def counter(self, name: str, doc: str, labels: list[str] | None = None) -> Counter:
        return Counter(name, doc, labels or [], registry=self.registry)

    def histogram(self, name: str, doc: str, labels: list[str] | None = None) -> Histogram:
        return Histogram(name, doc, labels or [], buckets=LATENCY_BUCKETS, registry=self.registry)

"""OpenTelemetry traces, on only when ``GATEWAY_OTLP_ENDPOINT`` is set.

The SDK and the OTLP/HTTP exporter are imported lazily in ``Tracing.start`` so a gateway
without tracing never loads them. One server span per GraphQL request (its parent is the
client's W3C ``traceparent`` when present) and one client span per subgraph fetch, whose
context goes to the subgraph as ``traceparent``. Without tracing, the client's own
``traceparent`` is still forwarded by the header rules.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

__all__ = ["Tracing", "traces_url"]


def traces_url(endpoint: str) -> str:
    """The OTLP/HTTP traces URL for a collector base URL (``.../v1/traces`` kept as is)."""
    endpoint = endpoint.rstrip("/")
    return endpoint if endpoint.endswith("/v1/traces") else f"{endpoint}/v1/traces"


class Tracing:
    """A tracer provider exporting over OTLP/HTTP (protobuf), with W3C propagation."""

    def __init__(self, provider: Any, tracer: Any, propagator: Any) -> None:
        self.provider = provider
        self.tracer = tracer
        self.propagator = propagator
        self.server_kind: Any = None
        self.client_kind: Any = None

    @classmethod
    def start(
        cls, endpoint: str, *, service_name: str = "gateway", timeout_s: float = 5.0
    ) -> Tracing:
        # Lazy on purpose: the SDK is loaded only when tracing is configured.
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import (  # noqa: PLC0415
            OTLPSpanExporter,
        )
        from opentelemetry.sdk.resources import Resource  # noqa: PLC0415
        from opentelemetry.sdk.trace import TracerProvider  # noqa: PLC0415
        from opentelemetry.sdk.trace.export import BatchSpanProcessor  # noqa: PLC0415
        from opentelemetry.trace import SpanKind  # noqa: PLC0415
        from opentelemetry.trace.propagation.tracecontext import (  # noqa: PLC0415
            TraceContextTextMapPropagator,
        )

        provider = TracerProvider(resource=Resource.create({"service.name": service_name}))
        exporter = OTLPSpanExporter(endpoint=traces_url(endpoint), timeout=timeout_s)
        provider.add_span_processor(BatchSpanProcessor(exporter))
        tracing = cls(provider, provider.get_tracer("gateway"), TraceContextTextMapPropagator())
        tracing.server_kind, tracing.client_kind = SpanKind.SERVER, SpanKind.CLIENT
        return tracing

    @contextmanager
    def request(self, headers: Mapping[str, str], operation: str | None = None) -> Iterator[Any]:
        """The server span of one request, a child of the client's ``traceparent``."""
        parent = self.propagator.extract(
            {k: v for k, v in headers.items() if k in ("traceparent", "tracestate")}
        )
        with self.tracer.start_as_current_span(
            "graphql.request", context=parent, kind=self.server_kind
        ) as span:
            if operation:
                span.set_attribute("graphql.operation.name", operation)
            yield span

    @contextmanager
    def fetch(self, graph: str, headers: Mapping[str, str] | None) -> Iterator[dict[str, str]]:
        """A client span for one subgraph fetch; yields the headers with its ``traceparent``."""
        with self.tracer.start_as_current_span(
            "subgraph.fetch", kind=self.client_kind, attributes={"graphql.subgraph": graph}
        ):
            out = {
                k: v for k, v in (headers or {}).items() if k not in ("traceparent", "tracestate")
            }
            self.propagator.inject(out)
            yield out

    def force_flush(self) -> None:
        self.provider.force_flush()

    def shutdown(self) -> None:
        self.provider.shutdown()

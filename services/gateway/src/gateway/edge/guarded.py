"""``GuardedTransport``: the transport with header rules, circuit breakers and retries.

A drop-in ``Transport`` for the executor: ``fetch`` computes the headers for the subgraph from
the client's headers (``HeaderRules``), then sends under the subgraph's breaker with the retry
policy of ``SubgraphGuard``, inside a client span when tracing is on. In-flight
deduplication still applies per (graph, body, headers); with tracing each fetch carries its
own ``traceparent``, so only untraced fetches are shared.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gateway.edge.headers import HeaderRules
from gateway.edge.resilience import SubgraphGuard
from gateway.edge.tracing import Tracing
from gateway.transport import Transport

__all__ = ["GuardedTransport"]


class GuardedTransport(Transport):
    """``Transport`` + per-subgraph header rules + breaker/retries (see module docstring)."""

    def __init__(
        self,
        *,
        guard: SubgraphGuard,
        header_rules: HeaderRules | None = None,
        tracing: Tracing | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.guard = guard
        self.header_rules = header_rules
        self.tracing = tracing

    async def fetch(
        self,
        graph: str,
        body: bytes,
        *,
        kind: str = "query",
        headers: Mapping[str, str] | None = None,
    ) -> dict[str, Any]:
        """``headers`` are the client's request headers; the rules pick what ``graph`` gets."""
        forwarded = headers
        if self.header_rules is not None:
            forwarded = self.header_rules.for_subgraph(graph, headers or {}) or None
        send = super().fetch
        if self.tracing is None:
            return await self.guard.call(
                graph, kind, lambda: send(graph, body, kind=kind, headers=forwarded)
            )
        # One client span per fetch (retries inside it); its context is the traceparent.
        with self.tracing.fetch(graph, forwarded) as traced:
            return await self.guard.call(
                graph, kind, lambda: send(graph, body, kind=kind, headers=traced)
            )

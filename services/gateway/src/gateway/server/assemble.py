"""Build the per-supergraph ``Gateway`` from the process's long-lived parts.

The pooled HTTP client, persisted queries, header rules, circuit breakers, JWT verifier,
tracing and metrics live as long as the process. Everything derived from one supergraph
(planner and plan cache, request cache with limits and authorization, executor, routing
URLs) is built fresh by ``GatewayFactory.build``, so a new supergraph can be prepared off
to the side while the old one keeps serving, then swapped in with one assignment.
"""

from __future__ import annotations

import httpx

from gateway.edge import GuardedTransport
from gateway.edge.tracing import Tracing
from gateway.planner import Planner
from gateway.server.edge import EdgeRuntime, rebind_edge
from gateway.server.metrics import GatewayMetrics
from gateway.server.runtime import Gateway, PlanFunction
from gateway.settings import Settings
from gateway.supergraph import Supergraph
from gateway.transport import SubgraphClient

__all__ = ["GatewayFactory", "default_planner", "subgraph_urls"]


def subgraph_urls(supergraph: Supergraph, settings: Settings) -> dict[str, str]:
    """Routing URLs by graph name: the supergraph's, overridden by settings."""
    return {g.name: settings.subgraph_urls.get(g.name, g.url) for g in supergraph.graphs}


def default_planner(supergraph: Supergraph) -> PlanFunction:
    """The planner for ``supergraph``, uncached: the server's ``PlanCache`` caches."""
    planner = Planner(supergraph, cache_size=1)
    return planner.build


class GatewayFactory:
    """Makes a ``Gateway`` for any supergraph from the process-wide parts."""

    def __init__(
        self,
        *,
        settings: Settings,
        http: SubgraphClient | httpx.AsyncClient,
        edge: EdgeRuntime,
        edge_sdl: str,
        metrics: GatewayMetrics,
        tracing: Tracing | None,
    ) -> None:
        self.settings = settings
        self.http = http
        self.edge = edge
        self.edge_sdl = edge_sdl  # the supergraph ``edge`` was built for
        self.metrics = metrics
        self.tracing = tracing
        self._known_graphs: set[str] = set()

    def build(self, supergraph: Supergraph, planner: PlanFunction | None = None) -> Gateway:
        """A complete, unshared pipeline for ``supergraph`` (``planner``: tests' own)."""
        edge = self.edge
        if supergraph.sdl != self.edge_sdl:
            edge = rebind_edge(edge, sdl=supergraph.sdl, api_schema=supergraph.api_schema)
        for graph in supergraph.graph_names:
            if graph not in self._known_graphs:  # a breaker already open keeps its state
                self._known_graphs.add(graph)
                self.metrics.set_circuit_state(graph, 0)
        transport = GuardedTransport(
            client=self.http,
            urls=subgraph_urls(supergraph, self.settings),
            settings=self.settings,
            observer=self.metrics.observe_fetch,
            guard=edge.guard,
            header_rules=edge.header_rules,
            tracing=self.tracing,
        )
        return Gateway(
            settings=self.settings,
            supergraph=supergraph,
            transport=transport,
            planner=planner or default_planner(supergraph),
            edge=edge,
            metrics=self.metrics,
        )

"""Gateway settings: environment variables with the ``GATEWAY_`` prefix.

One class, built once and passed in (``create_app(settings)``), so tests build
their own. It extends the shared ``ServiceSettings`` (env, logging, JWT, GraphiQL,
introspection, body limit, depth) and the edge's ``EdgeSettings`` (limits,
authorization, persisted queries, CSRF, header rules, breaker and retries; see
``docs/edge.md``); a variable both declare exists once. Subgraph URL overrides are
keyed by graph *name*, e.g.
``GATEWAY_SUBGRAPH_URLS='{"payments": "http://payments:5002/graphql"}'``.

The supergraph comes from exactly one source: ``GATEWAY_SUPERGRAPH_PATH`` (a file composed
elsewhere), ``GATEWAY_SUPERGRAPH_CONFIG`` (a rover config composed at start) or
``GATEWAY_SUBGRAPHS`` (``{"name": "url"}``, composed at start from each subgraph's
``_service { sdl }``); ``gateway serve`` flags take precedence. ``GATEWAY_POLL_INTERVAL_S``
> 0 re-reads the source that often and swaps in a changed supergraph.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from gateway.edge.settings import EdgeSettings
from servicekit.settings import ServiceSettings

__all__ = ["Settings"]


class Settings(ServiceSettings, EdgeSettings):
    """Everything the gateway process reads from its environment."""

    model_config = SettingsConfigDict(env_prefix="GATEWAY_", extra="ignore", frozen=True)
    service_name: ClassVar[str] = "gateway"

    # Shared with ServiceSettings, where 0 is not allowed; here 0 switches the limit off.
    max_query_depth: int = Field(default=15, ge=0)

    # Batching: a JSON array of operations in one POST (GATEWAY_MAX_BATCH_SIZE bounds it).
    batching_enabled: bool = True
    # OpenTelemetry: OTLP/HTTP collector base URL (traces go to <url>/v1/traces); unset: off.
    otlp_endpoint: str | None = None
    # /readyz also asks every subgraph (a `{ __typename }` query) when true.
    ready_check_subgraphs: bool = False

    port: int = Field(default=5000, ge=1, le=65535)
    # The supergraph source (exactly one; see the module docstring).
    supergraph_path: Path | None = None
    supergraph_config: Path | None = None
    subgraphs: dict[str, str] = Field(default_factory=dict)
    # Seconds between polls of the source for a changed supergraph; 0: never.
    poll_interval_s: float = Field(default=0.0, ge=0)
    # One subgraph SDL fetch (`_service { sdl }`), at start and when polling.
    sdl_fetch_timeout_s: float = Field(default=10.0, gt=0)
    # At start, unreachable subgraphs are retried with backoff for this long, then: exit 2.
    startup_deadline_s: float = Field(default=60.0, ge=0)
    subgraph_urls: dict[str, str] = Field(default_factory=dict)

    # Transport: one pooled client per process; the connection limits are per subgraph.
    request_timeout_s: float = Field(default=30.0, gt=0)
    connect_timeout_s: float = Field(default=5.0, gt=0)
    subgraph_timeouts_s: dict[str, float] = Field(default_factory=dict)
    max_connections: int = Field(default=100, ge=1)
    # Below the concurrency, connections are closed and reopened on almost every fetch.
    max_keepalive_connections: int = Field(default=100, ge=0)
    # Must stay below the subgraphs' idle keep-alive (ours: servicekit.cli.SERVER_KEEP_ALIVE_S),
    # so the gateway, not the server, closes an idle connection.
    keepalive_expiry_s: float = Field(default=30.0, ge=0)
    dedup_enabled: bool = True

    # Progressive override (§1.3): every label is on unless named here.
    override_labels_off: frozenset[str] = frozenset()

    # Errors.
    expose_subgraph_errors: bool = False  # add extensions.serviceName to subgraph errors
    mask_uncoded_subgraph_errors: bool = False  # "Subgraph error" for errors without a code

    # Caches (entries, not bytes).
    request_cache_size: int = Field(default=1000, ge=1)
    plan_cache_size: int = Field(default=1000, ge=1)

    def timeout_for(self, graph: str) -> float:
        """The total timeout for one subgraph request, falling back to the global one."""
        return self.subgraph_timeouts_s.get(graph, self.request_timeout_s)

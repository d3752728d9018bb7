"""Gateway settings: environment variables with the ``GATEWAY_`` prefix.

One class, built once and passed in (``create_app(settings)``), so tests build
their own. Subgraph URL overrides are keyed by graph *name*, e.g.
``GATEWAY_SUBGRAPH_URLS='{"payments": "http://payments:5002/graphql"}'``.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Settings"]


class Settings(BaseSettings):
    """Everything the gateway process reads from its environment."""

    model_config = SettingsConfigDict(env_prefix="GATEWAY_", extra="ignore")

    host: str = "127.0.0.1"
    port: int = 5000
    supergraph_path: Path | None = None
    subgraph_urls: dict[str, str] = Field(default_factory=dict)

    # Transport: one pooled client per process.
    request_timeout_s: float = 30.0
    connect_timeout_s: float = 5.0
    subgraph_timeouts_s: dict[str, float] = Field(default_factory=dict)
    max_connections: int = 100
    max_keepalive_connections: int = 20
    keepalive_expiry_s: float = 30.0
    dedup_enabled: bool = True

    # Errors and responses.
    expose_subgraph_errors: bool = False
    mask_uncoded_subgraph_errors: bool = False

    # Caches (entries, not bytes).
    request_cache_size: int = 1000
    plan_cache_size: int = 1000

    def timeout_for(self, graph: str) -> float:
        """The read timeout for one subgraph, falling back to the global one."""
        return self.subgraph_timeouts_s.get(graph, self.request_timeout_s)

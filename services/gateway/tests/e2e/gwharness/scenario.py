"""Small helpers shared by the scenario test modules."""

from __future__ import annotations

from typing import Any

from gwharness.gatewayapp import GatewayClient

__all__ = ["calls", "representations", "stopped"]

_DOWN = "http://127.0.0.1:1/graphql"  # nothing listens there: connection refused


def stopped(*names: str) -> dict[str, Any]:
    """Gateway settings for a run where subgraphs ``names`` are down: their URL refuses
    connections; one attempt and no breaker, so no test depends on another's failures."""
    return {
        "subgraph_urls": dict.fromkeys(names, _DOWN),
        "breaker_enabled": False,
        "retry_max_attempts": 1,
    }


def calls(gw: GatewayClient) -> dict[str, int]:
    """Requests received per subgraph (only those that received any)."""
    return {name: s.count for name, s in gw.subgraphs.items() if s.count}


def representations(gw: GatewayClient, subgraph: str, n: int = 0) -> Any:
    """The representations of the ``n``-th request ``subgraph`` received."""
    return gw.subgraphs[subgraph].requests[n]["variables"]["representations"]

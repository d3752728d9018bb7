"""Subgraph transport: pooled HTTP, in-flight deduplication, typed failures."""

from gateway.transport.client import FetchObserver, RawResponse, Transport, build_client
from gateway.transport.errors import SubgraphHTTPError, SubgraphTimeoutError, TransportError

__all__ = [
    "FetchObserver",
    "RawResponse",
    "SubgraphHTTPError",
    "SubgraphTimeoutError",
    "Transport",
    "TransportError",
    "build_client",
]

"""Subgraph transport: pooled HTTP, in-flight deduplication, typed failures."""

from gateway.transport.client import (
    FetchObserver,
    HttpxClient,
    RawResponse,
    SubgraphClient,
    Transport,
    build_client,
)
from gateway.transport.errors import SubgraphHTTPError, SubgraphTimeoutError, TransportError
from gateway.transport.http11 import Http11Client, HTTPClientError

__all__ = [
    "FetchObserver",
    "HTTPClientError",
    "Http11Client",
    "HttpxClient",
    "RawResponse",
    "SubgraphClient",
    "SubgraphHTTPError",
    "SubgraphTimeoutError",
    "Transport",
    "TransportError",
    "build_client",
]

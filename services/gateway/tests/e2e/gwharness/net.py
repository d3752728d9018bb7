"""One SSL context for every test client: building one per client costs ~0.2 s."""

from __future__ import annotations

import ssl
from functools import cache

import httpx

from gwharness.subgraph import Subgraph

__all__ = ["upstream_client"]


@cache
def _ssl_context() -> ssl.SSLContext:
    return ssl.create_default_context()


def upstream_client(subgraphs: dict[str, Subgraph]) -> httpx.AsyncClient:
    """A client routing ``http://<name>`` to each in-process subgraph, anything else
    (e.g. a closed loopback port standing for a stopped subgraph) to the network."""
    return httpx.AsyncClient(
        verify=_ssl_context(),
        mounts={f"http://{name}": httpx.ASGITransport(s) for name, s in subgraphs.items()},
    )

"""The pooled subgraph client: precompiled bodies in, parsed GraphQL responses out.

One ``SubgraphClient`` per process (created in the server's lifespan) is shared by
every request: the server's is ``Http11Client`` (``transport/http11.py``); tests pass
an ``httpx.AsyncClient`` mounting ASGI subgraphs, used through ``HttpxClient``.
Identical in-flight *query* fetches are coalesced (design §6.7): the first caller
sends, the others await its raw bytes and parse them themselves, because merges
mutate the parsed objects.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Protocol

import httpx
import orjson

from gateway.transport.errors import SubgraphHTTPError, SubgraphTimeoutError
from gateway.transport.http11 import Http11Client, HTTPClientError, RawResponse

if TYPE_CHECKING:  # gateway.settings imports the edge, whose transport imports this module
    from gateway.settings import Settings

__all__ = [
    "FetchObserver",
    "HttpxClient",
    "RawResponse",
    "SubgraphClient",
    "Transport",
    "build_client",
]

# (graph, seconds, outcome) where outcome is "ok" | "http_error" | "timeout".
FetchObserver = Callable[[str, float, str], None]
_DedupKey = tuple[str, bytes, tuple[tuple[str, str], ...]]

_JSON_HEADERS = {
    "content-type": "application/json",
    "accept": "application/graphql-response+json, application/json",
}


class SubgraphClient(Protocol):
    """POSTs a body; raises ``HTTPClientError`` (no response) or ``TimeoutError``."""

    async def post(
        self, url: str, body: bytes, headers: Mapping[str, str] | None = None
    ) -> RawResponse: ...

    async def aclose(self) -> None: ...


class HttpxClient:
    """An ``httpx.AsyncClient`` as a ``SubgraphClient`` (tests mount ASGI subgraphs on one)."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def post(
        self, url: str, body: bytes, headers: Mapping[str, str] | None = None
    ) -> RawResponse:
        sent = _JSON_HEADERS | dict(headers) if headers else _JSON_HEADERS
        try:
            response = await self.client.post(url, content=body, headers=sent)
        except httpx.TimeoutException as exc:
            raise TimeoutError(type(exc).__name__) from exc
        except httpx.HTTPError as exc:
            raise HTTPClientError(type(exc).__name__) from exc
        return RawResponse(response.status_code, response.content, tuple(response.headers.items()))

    async def aclose(self) -> None:
        await self.client.aclose()


def build_client(settings: Settings) -> Http11Client:
    """The process-wide pooled client, with the limits and timeouts of ``settings``."""
    return Http11Client(
        max_connections=settings.max_connections,
        max_idle=settings.max_keepalive_connections,
        keepalive_expiry_s=settings.keepalive_expiry_s,
        connect_timeout_s=settings.connect_timeout_s,
        headers=_JSON_HEADERS,
    )


class Transport:
    """Sends precompiled request bodies to subgraphs by graph name."""

    def __init__(
        self,
        *,
        client: SubgraphClient | httpx.AsyncClient,
        urls: Mapping[str, str],
        settings: Settings,
        observer: FetchObserver | None = None,
    ) -> None:
        self._client = HttpxClient(client) if isinstance(client, httpx.AsyncClient) else client
        self._urls = dict(urls)
        self._settings = settings
        self._observer = observer
        self._inflight: dict[_DedupKey, asyncio.Future[RawResponse]] = {}
        self.requests_sent = 0  # real HTTP requests, after deduplication
        self.requests_shared = 0  # fetches answered by another caller's in-flight request

    @property
    def urls(self) -> Mapping[str, str]:
        return self._urls

    async def fetch(
        self,
        graph: str,
        body: bytes,
        *,
        kind: str = "query",
        headers: Mapping[str, str] | None = None,
    ) -> dict[str, Any]:
        """POST ``body`` to ``graph`` and return its parsed GraphQL response.

        Raises a ``TransportError`` when no GraphQL response came back.
        """
        forwarded = tuple(sorted(headers.items())) if headers else ()
        if kind == "query" and self._settings.dedup_enabled:
            raw = await self._shared(graph, body, forwarded)
        else:
            raw = await self._send(graph, body, forwarded)
        return _parse(graph, raw)

    async def _shared(
        self, graph: str, body: bytes, headers: tuple[tuple[str, str], ...]
    ) -> RawResponse:
        key = (graph, body, headers)
        pending = self._inflight.get(key)
        if pending is not None:
            self.requests_shared += 1
            # shield: a cancelled follower must not cancel the leader's request.
            return await asyncio.shield(pending)
        future: asyncio.Future[RawResponse] = asyncio.get_running_loop().create_future()
        self._inflight[key] = future
        try:
            raw = await self._send(graph, body, headers)
        except asyncio.CancelledError:
            # The leader was cancelled; its followers still deserve an answer.
            future.set_exception(SubgraphHTTPError(graph, f"Request to '{graph}' was cancelled."))
            future.exception()
            raise
        except Exception as exc:
            future.set_exception(exc)
            # Followers re-raise it; mark it retrieved so an unshared failure is not logged.
            future.exception()
            raise
        else:
            future.set_result(raw)
            return raw
        finally:
            del self._inflight[key]

    async def _send(
        self, graph: str, body: bytes, headers: tuple[tuple[str, str], ...]
    ) -> RawResponse:
        url = self._urls.get(graph)
        if url is None:
            raise SubgraphHTTPError(graph, f"No URL is configured for subgraph '{graph}'.")
        started = time.perf_counter()
        outcome = "http_error"
        self.requests_sent += 1
        try:
            # One deadline for the whole request: pool wait, connect, send and response.
            async with asyncio.timeout(self._settings.timeout_for(graph)):
                raw = await self._client.post(url, body, dict(headers) if headers else None)
            outcome = "ok"
            return raw
        except TimeoutError as exc:
            outcome = "timeout"
            raise SubgraphTimeoutError(graph, f"Request to subgraph '{graph}' timed out.") from exc
        except HTTPClientError as exc:
            raise SubgraphHTTPError(graph, f"HTTP fetch failed from '{graph}': {exc}") from exc
        finally:
            if self._observer is not None:
                self._observer(graph, time.perf_counter() - started, outcome)


def _parse(graph: str, raw: RawResponse) -> dict[str, Any]:
    try:
        parsed = orjson.loads(raw.content)
    except orjson.JSONDecodeError:
        parsed = None
    # A GraphQL body is honoured even under a non-2xx status (GraphQL-over-HTTP).
    if isinstance(parsed, dict) and ("data" in parsed or "errors" in parsed):
        return parsed
    if 200 <= raw.status < 300:
        raise SubgraphHTTPError(
            graph, f"HTTP fetch failed from '{graph}': invalid JSON response", status=raw.status
        )
    raise SubgraphHTTPError(
        graph, f"HTTP fetch failed from '{graph}': {raw.status}", status=raw.status
    )

"""A small HTTP/1.1 keep-alive client for subgraph POSTs: asyncio protocols + httptools.

Why not httpx on this path: httpcore's pool walks every pooled connection and polls its
socket on each request, so the cost of a request grows with the pool, and the pool grows
with concurrency (docs/benchmarks.md, "the dedup-off collapse"). Here each origin has a
LIFO stack of idle connections; a connection the peer closed is dropped by the event loop's
own callback (``connection_lost``), so picking one is O(1).

Framing is httptools' (llhttp): ``Content-Length``, chunked, or read-until-close. Bodies
with ``Content-Encoding: gzip``/``deflate`` are decoded. ``https`` URLs use TLS with the
default trust store. Failures raise ``HTTPClientError`` (no usable response) or
``TimeoutError`` (connect or pool wait past its deadline); the caller bounds the whole
request with ``asyncio.timeout``.
"""

from __future__ import annotations

import asyncio
import ssl
import time
import zlib
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from typing import cast
from urllib.parse import urlsplit

import httptools

__all__ = ["HTTPClientError", "Http11Client", "RawResponse"]

# Set by the client itself: a forwarded header with one of these names would break framing.
_OWNED = frozenset(
    {b"host", b"content-length", b"transfer-encoding", b"connection", b"content-type"}
)


class HTTPClientError(Exception):
    """No usable HTTP response: connection refused/reset/closed, malformed response."""


@dataclass(frozen=True, slots=True)
class RawResponse:
    """What a subgraph request produced: status, body bytes, headers (names lower-case)."""

    status: int
    content: bytes
    headers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class _Origin:
    scheme: str
    host: str
    port: int
    head: bytes  # "POST <path> HTTP/1.1\r\nHost: ...\r\n" + the fixed headers


class _Connection(asyncio.Protocol):
    """One TCP (or TLS) connection; one request at a time."""

    def __init__(self) -> None:
        # Made by the loop's create_connection; kept because get_running_loop() costs a
        # getpid() system call on Python 3.11, once per request otherwise.
        self._loop = asyncio.get_running_loop()
        self.transport: asyncio.Transport | None = None
        self.closed = False
        self.idle_since = 0.0
        self._parser = httptools.HttpResponseParser(self)
        self._waiter: asyncio.Future[RawResponse] | None = None
        self._headers: list[tuple[str, str]] = []
        self._body: list[bytes] = []
        self._framed = False  # Content-Length or Transfer-Encoding seen
        self._headers_done = False

    # asyncio.Protocol
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop's transports are not asyncio.Transport subclasses; they have its methods.
        self.transport = cast(asyncio.Transport, transport)

    def data_received(self, data: bytes) -> None:
        if self._waiter is None:  # bytes nobody asked for: the connection is not reusable
            self.close()
            return
        try:
            self._parser.feed_data(data)
        except httptools.HttpParserError as exc:
            self._fail(HTTPClientError(f"malformed HTTP response: {exc}"))
            self.close()

    def eof_received(self) -> bool:
        return False  # close our side too

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if self._waiter is not None and not self._waiter.done():
            if self._headers_done and not self._framed:  # body delimited by the close
                self._complete(keep_alive=False)
            else:
                self._fail(HTTPClientError("the connection was closed before the response"))

    # httptools callbacks
    def on_header(self, name: bytes, value: bytes) -> None:
        lower = name.lower()
        if lower in (b"content-length", b"transfer-encoding"):
            self._framed = True
        self._headers.append((lower.decode("latin-1"), value.decode("latin-1")))

    def on_headers_complete(self) -> None:
        self._headers_done = True

    def on_body(self, body: bytes) -> None:
        self._body.append(body)

    def on_message_complete(self) -> None:
        self._complete(keep_alive=self._parser.should_keep_alive())

    # requests
    def send(self, request: bytes) -> asyncio.Future[RawResponse]:
        assert self.transport is not None
        waiter = self._loop.create_future()
        self._waiter = waiter
        self._headers = []
        self._body = []
        self._framed = self._headers_done = False
        self.transport.write(request)
        return waiter

    def close(self) -> None:
        self.closed = True
        if self.transport is not None:
            self.transport.close()

    def _complete(self, *, keep_alive: bool) -> None:
        waiter, self._waiter = self._waiter, None
        if not keep_alive:
            self.close()
        if waiter is None or waiter.done():
            return
        status = self._parser.get_status_code()
        try:
            content = _decode(b"".join(self._body), self._headers)
        except zlib.error as exc:
            waiter.set_exception(HTTPClientError(f"undecodable response body: {exc}"))
            return
        waiter.set_result(RawResponse(status, content, tuple(self._headers)))

    def _fail(self, exc: Exception) -> None:
        waiter, self._waiter = self._waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_exception(exc)


def _decode(body: bytes, headers: list[tuple[str, str]]) -> bytes:
    for name, value in headers:
        if name == "content-encoding":
            coding = value.strip().lower()
            if coding in ("gzip", "x-gzip", "deflate"):
                # wbits 47: zlib or gzip header, detected from the data.
                return zlib.decompress(body, 47)
            if coding not in ("", "identity"):
                raise zlib.error(f"unsupported content-encoding {coding!r}")
    return body


class _Pool:
    """Connections to one origin: a LIFO stack of idle ones, at most ``max_connections`` open.

    Fair under load: a released connection (or the slot of a closed one) goes straight to the
    longest waiter, so a task that sends fetch after fetch cannot take it back first.
    """

    def __init__(self, origin: _Origin, client: Http11Client) -> None:
        self.origin = origin
        self._client = client
        self._idle: list[_Connection] = []
        self._open = 0  # idle + busy + connecting + handed to a waiter
        # A waiter gets a connection, or None: a free slot to connect with.
        self._waiters: deque[asyncio.Future[_Connection | None]] = deque()

    async def acquire(self) -> _Connection:
        while self._idle:
            conn = self._idle.pop()
            if not conn.closed and not self._client.expired(conn):
                return conn
            conn.close()
            self._open -= 1
        if self._open < self._client.max_connections:
            self._open += 1
            return await self._connect()
        waiter: asyncio.Future[_Connection | None] = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        try:
            handed = await waiter
        except BaseException:
            if waiter.cancelled():
                if waiter in self._waiters:
                    self._waiters.remove(waiter)
            elif (given := waiter.result()) is not None:  # handed over, but we are leaving
                self.release(given, reusable=True)
            else:
                self._free_slot()
            raise
        return handed if handed is not None else await self._connect()

    async def _connect(self) -> _Connection:
        """Opens a connection in a slot already counted in ``_open``."""
        try:
            return await self._client.connect(self.origin)
        except BaseException:
            self._free_slot()
            raise

    def release(self, conn: _Connection, *, reusable: bool) -> None:
        if not reusable or conn.closed:
            conn.close()
            self._free_slot()
            return
        waiter = self._next_waiter()
        if waiter is not None:
            waiter.set_result(conn)
        elif len(self._idle) < self._client.max_idle:
            conn.idle_since = time.monotonic()
            self._idle.append(conn)
        else:
            conn.close()
            self._open -= 1

    def _free_slot(self) -> None:
        waiter = self._next_waiter()
        if waiter is not None:
            waiter.set_result(None)  # the slot passes to the waiter, which connects
        else:
            self._open -= 1

    def _next_waiter(self) -> asyncio.Future[_Connection | None] | None:
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                return waiter
        return None

    def close(self) -> None:
        for conn in self._idle:
            conn.close()
        self._idle.clear()


class Http11Client:
    """POSTs over pooled HTTP/1.1 keep-alive connections, per origin."""

    def __init__(
        self,
        *,
        max_connections: int = 100,
        max_idle: int = 100,
        keepalive_expiry_s: float = 30.0,
        connect_timeout_s: float = 5.0,
        headers: Mapping[str, str] | None = None,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self.max_connections = max_connections
        self.max_idle = max_idle
        self.keepalive_expiry_s = keepalive_expiry_s
        self.connect_timeout_s = connect_timeout_s
        self._fixed = b"".join(_header_line(k, v) for k, v in (headers or {}).items())
        self._ssl = ssl_context
        self._pools: dict[str, _Pool] = {}

    async def post(
        self, url: str, body: bytes, headers: Mapping[str, str] | None = None
    ) -> RawResponse:
        pool = self._pools.get(url) or self._pool(url)
        head = pool.origin.head
        if headers:
            head += b"".join(_header_line(k, v) for k, v in headers.items() if _forwardable(k))
        request = b"%scontent-length: %d\r\n\r\n%s" % (head, len(body), body)
        conn = await pool.acquire()
        done = False
        try:
            response = await conn.send(request)
            done = True
        finally:
            # Cancelled or failed mid-request: the connection may still get that response.
            pool.release(conn, reusable=done and not conn.closed)
        return response

    def expired(self, conn: _Connection) -> bool:
        return time.monotonic() - conn.idle_since > self.keepalive_expiry_s

    async def connect(self, origin: _Origin) -> _Connection:
        loop = asyncio.get_running_loop()
        tls: ssl.SSLContext | None = None
        if origin.scheme == "https":
            if self._ssl is None:  # loading the trust store is slow: once per client
                self._ssl = ssl.create_default_context()
            tls = self._ssl
        try:
            async with asyncio.timeout(self.connect_timeout_s):
                _, conn = await loop.create_connection(
                    _Connection,
                    origin.host,
                    origin.port,
                    ssl=tls,
                    server_hostname=origin.host if tls else None,
                )
        except OSError as exc:
            raise HTTPClientError(f"cannot connect: {type(exc).__name__}") from exc
        return conn

    def _pool(self, url: str) -> _Pool:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise HTTPClientError(f"not an http(s) URL: {url!r}")
        port = parts.port or (443 if parts.scheme == "https" else 80)
        target = parts.path or "/"
        if parts.query:
            target += "?" + parts.query
        default = port == (443 if parts.scheme == "https" else 80)
        host = parts.hostname if default else f"{parts.hostname}:{port}"
        if ":" in parts.hostname:  # IPv6 literal
            host = f"[{parts.hostname}]" if default else f"[{parts.hostname}]:{port}"
        head = b"POST %s HTTP/1.1\r\nhost: %s\r\n%s" % (
            target.encode("ascii"),
            host.encode("ascii"),
            self._fixed,
        )
        pool = self._pools[url] = _Pool(_Origin(parts.scheme, parts.hostname, port, head), self)
        return pool

    async def aclose(self) -> None:
        for pool in self._pools.values():
            pool.close()
        self._pools.clear()


def _forwardable(name: str) -> bool:
    return name.lower().encode("latin-1") not in _OWNED


def _header_line(name: str, value: str) -> bytes:
    text = f"{name}: {value}"
    if "\r" in text or "\n" in text or "\0" in text:  # would split or end the header block
        raise HTTPClientError(f"header {name!r} has a line break or NUL")
    try:
        return text.encode("latin-1") + b"\r\n"
    except UnicodeEncodeError:
        raise HTTPClientError(f"header {name!r} is not latin-1") from None

"""The HTTP/1.1 subgraph client against a real TCP (and TLS) server on loopback.

The server is a few lines of asyncio that answers each request with the bytes a test
scripts, so framing (Content-Length, chunked, read-until-close), keep-alive, closed
connections, timeouts and the pool limit are all exercised over real sockets.
"""

from __future__ import annotations

import asyncio
import datetime
import gzip
import ipaddress
import ssl
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

import orjson
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from gateway.settings import Settings
from gateway.transport import (
    Http11Client,
    HTTPClientError,
    SubgraphHTTPError,
    SubgraphTimeoutError,
    Transport,
)


@dataclass
class Request:
    head: bytes
    body: bytes

    def header(self, name: str) -> list[str]:
        lines = self.head.decode("latin-1").split("\r\n")[1:]
        pairs = [line.split(":", 1) for line in lines if line]
        return [v.strip() for k, v in pairs if k.strip().lower() == name]


Responder = Callable[[Request], Awaitable[bytes | None]]  # None: close without answering


def ok(body: bytes = b'{"data":{"n":1}}', *extra: str) -> bytes:
    head = ["HTTP/1.1 200 OK", "content-type: application/json", *extra]
    return ("\r\n".join([*head, f"content-length: {len(body)}", "", ""])).encode() + body


@dataclass
class Server:
    """Counts connections and requests; answers with ``respond``."""

    respond: Responder
    connections: int = 0
    open_now: int = 0
    most_open: int = 0
    requests: list[Request] = field(default_factory=list)
    close_after_answer: bool = False
    port: int = 0
    arrived: asyncio.Condition = field(default_factory=asyncio.Condition)

    async def received(self, n: int) -> None:
        """Until ``n`` requests have arrived."""
        async with self.arrived:
            await self.arrived.wait_for(lambda: len(self.requests) >= n)

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        self.open_now += 1
        self.most_open = max(self.most_open, self.open_now)
        try:
            while True:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, ConnectionError):
                    return
                request = Request(head, b"")
                length = int((request.header("content-length") or ["0"])[0])
                request.body = await reader.readexactly(length)
                async with self.arrived:
                    self.requests.append(request)
                    self.arrived.notify_all()
                answer = await self.respond(request)
                if answer is None:
                    return
                writer.write(answer)
                await writer.drain()
                if self.close_after_answer:
                    return
        finally:
            self.open_now -= 1
            writer.close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/graphql"


async def _serve(respond: Responder, tls: ssl.SSLContext | None = None) -> AsyncIterator[Server]:
    server = Server(respond)
    listener = await asyncio.start_server(server.handle, "127.0.0.1", 0, ssl=tls)
    server.port = listener.sockets[0].getsockname()[1]
    async with listener:
        yield server
        listener.close()


async def _answer_ok(_request: Request) -> bytes:
    return ok()


@pytest.fixture
async def server() -> AsyncIterator[Server]:
    async for s in _serve(_answer_ok):
        yield s


@pytest.fixture
async def client() -> AsyncIterator[Http11Client]:
    c = Http11Client(headers={"content-type": "application/json"})
    yield c
    await c.aclose()


async def test_a_post_carries_host_headers_and_body_and_the_connection_is_reused(
    server: Server, client: Http11Client
) -> None:
    first = await client.post(server.url, b'{"query":"{ n }"}', {"authorization": "Bearer t"})
    second = await client.post(server.url, b'{"query":"{ m }"}')

    assert (first.status, orjson.loads(first.content)) == (200, {"data": {"n": 1}})
    assert ("content-type", "application/json") in first.headers
    assert second.status == 200
    assert server.connections == 1  # keep-alive
    sent = server.requests[0]
    assert sent.head.startswith(b"POST /graphql HTTP/1.1\r\n")
    assert sent.header("host") == [f"127.0.0.1:{server.port}"]
    assert sent.header("authorization") == ["Bearer t"]
    assert sent.header("content-type") == ["application/json"]
    assert sent.body == b'{"query":"{ n }"}'
    assert server.requests[1].header("authorization") == []


async def test_chunked_and_gzip_bodies_are_decoded(client: Http11Client) -> None:
    payload = gzip.compress(b'{"data":{"big":"' + b"x" * 5000 + b'"}}')
    chunks = [payload[: len(payload) // 2], payload[len(payload) // 2 :]]

    async def chunked(_request: Request) -> bytes:
        head = b"HTTP/1.1 200 OK\r\ncontent-encoding: gzip\r\ntransfer-encoding: chunked\r\n\r\n"
        body = b"".join(b"%x\r\n%s\r\n" % (len(c), c) for c in chunks) + b"0\r\n\r\n"
        return head + body

    async for server in _serve(chunked):
        response = await client.post(server.url, b"{}")
        again = await client.post(server.url, b"{}")
        assert orjson.loads(response.content) == {"data": {"big": "x" * 5000}}
        assert again.content == response.content
        assert server.connections == 1


async def test_a_body_delimited_by_the_close_is_complete_and_the_next_request_reconnects(
    client: Http11Client,
) -> None:
    async def until_close(_request: Request) -> bytes:
        return b'HTTP/1.1 200 OK\r\nconnection: close\r\n\r\n{"data":{"n":2}}'

    async for server in _serve(until_close):
        server.close_after_answer = True
        first = await client.post(server.url, b"{}")
        second = await client.post(server.url, b"{}")
        assert orjson.loads(first.content) == orjson.loads(second.content) == {"data": {"n": 2}}
        assert server.connections == 2


async def test_a_connection_the_server_closed_while_idle_is_not_reused(
    client: Http11Client,
) -> None:
    async for server in _serve(_answer_ok):
        server.close_after_answer = True  # but says nothing about it in the response
        for _ in range(3):
            assert (await client.post(server.url, b"{}")).status == 200
            await asyncio.sleep(0.05)  # let the event loop see the close (no timing asserted)
        assert server.connections == 3


async def test_idle_connections_are_kept_so_a_burst_then_a_stream_opens_no_new_ones(
    server: Server,
) -> None:
    # The pathology this client replaced: an idle limit below the concurrency closed and
    # reopened a connection on almost every fetch (thousands of TIME-WAIT sockets).
    gate = asyncio.Event()

    async def held(_request: Request) -> bytes:
        await gate.wait()
        return ok()

    server.respond = held
    client = Http11Client(max_connections=20, max_idle=20)
    try:
        burst = [asyncio.create_task(client.post(server.url, b"{}")) for _ in range(20)]
        await server.received(20)
        gate.set()
        assert all(r.status == 200 for r in await asyncio.gather(*burst))
        for _ in range(100):
            await client.post(server.url, b"{}")
        await asyncio.gather(*(client.post(server.url, b"{}") for _ in range(20)))
        assert server.connections == 20
    finally:
        await client.aclose()


async def test_the_pool_limit_queues_requests_and_a_cancelled_waiter_frees_its_turn(
    server: Server,
) -> None:
    gate = asyncio.Event()

    async def held(_request: Request) -> bytes:
        await gate.wait()
        return ok()

    server.respond = held
    client = Http11Client(max_connections=2)
    try:
        running = [asyncio.create_task(client.post(server.url, b"{}")) for _ in range(6)]
        await server.received(2)
        running[2].cancel()  # a waiter leaves the queue
        gate.set()
        done = await asyncio.gather(*running, return_exceptions=True)
        assert isinstance(done[2], asyncio.CancelledError)
        assert [r.status for r in done if not isinstance(r, BaseException)] == [200] * 5
        assert server.most_open == 2
        assert len(server.requests) == 5
    finally:
        await client.aclose()


async def test_framing_headers_from_the_caller_are_dropped_and_line_breaks_refused(
    server: Server, client: Http11Client
) -> None:
    await client.post(server.url, b"{}", {"Content-Length": "999", "host": "evil", "x-a": "1"})
    sent = server.requests[0]
    assert sent.header("content-length") == ["2"]
    assert sent.header("host") == [f"127.0.0.1:{server.port}"]
    assert sent.header("x-a") == ["1"]
    with pytest.raises(HTTPClientError, match="line break"):
        await client.post(server.url, b"{}", {"x-b": "1\r\nx-injected: yes"})


async def test_a_malformed_response_is_an_error(client: Http11Client) -> None:
    async def garbage(_request: Request) -> bytes:
        return b"NOT HTTP AT ALL\r\n\r\n"

    async for server in _serve(garbage):
        with pytest.raises(HTTPClientError, match="malformed"):
            await client.post(server.url, b"{}")


def _transport(url: str, client: Http11Client, **settings: object) -> Transport:
    return Transport(client=client, urls={"s": url}, settings=Settings(**settings))  # type: ignore[arg-type]


async def test_refused_closed_and_late_answers_become_the_transport_error_codes(
    client: Http11Client,
) -> None:
    refused = _transport("http://127.0.0.1:1/graphql", client)
    with pytest.raises(SubgraphHTTPError) as err:
        await refused.fetch("s", b"{}")
    assert err.value.code == "SUBREQUEST_HTTP_ERROR"

    async def hang_up(_request: Request) -> None:
        return None

    async for server in _serve(hang_up):
        with pytest.raises(SubgraphHTTPError, match="closed before the response"):
            await _transport(server.url, client).fetch("s", b"{}")

    late = asyncio.Event()
    calls = 0

    async def slow_first(_request: Request) -> bytes:
        nonlocal calls
        calls += 1
        if calls == 1:
            await late.wait()
            return ok(b'{"data":{"n":"late"}}')
        return ok(b'{"data":{"n":"second"}}')

    async for server in _serve(slow_first):
        transport = _transport(server.url, client, request_timeout_s=0.2, dedup_enabled=False)
        with pytest.raises(SubgraphTimeoutError) as timed_out:
            await transport.fetch("s", b"{}")
        assert timed_out.value.code == "SUBGRAPH_REQUEST_TIMEOUT"
        late.set()
        # The timed-out connection was closed: its late answer cannot reach this request.
        assert await transport.fetch("s", b"{}") == {"data": {"n": "second"}}
        assert server.connections == 2


def _certificate(tmp: Path) -> tuple[ssl.SSLContext, ssl.SSLContext]:
    """A self-signed certificate for 127.0.0.1: (server context, client context trusting it)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_pem = cert.public_bytes(serialization.Encoding.PEM)
    (tmp / "cert.pem").write_bytes(cert_pem)
    (tmp / "key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server.load_cert_chain(tmp / "cert.pem", tmp / "key.pem")
    client = ssl.create_default_context(cadata=cert_pem.decode())
    return server, client


async def test_https_urls_use_tls_and_verify_the_certificate(tmp_path: Path) -> None:
    server_tls, client_tls = _certificate(tmp_path)
    async for server in _serve(_answer_ok, tls=server_tls):
        url = server.url.replace("http://", "https://")
        trusting = Http11Client(ssl_context=client_tls)
        try:
            assert (await trusting.post(url, b"{}")).status == 200
            assert (await trusting.post(url, b"{}")).status == 200
            assert server.connections == 1
        finally:
            await trusting.aclose()
        default = Http11Client()  # the system trust store does not know this certificate
        try:
            with pytest.raises(HTTPClientError, match="SSLCertVerificationError"):
                await default.post(url, b"{}")
        finally:
            await default.aclose()


async def test_a_released_connection_goes_to_the_longest_waiter_not_back_to_its_sender(
    server: Server,
) -> None:
    # A request with sequential fetches must not keep the only connection while another
    # waits: the waiter is served between them (no starvation under load).
    gate = asyncio.Event()

    async def first_held(request: Request) -> bytes:
        if request.body == b'"a1"':
            await gate.wait()
        return ok()

    server.respond = first_held
    client = Http11Client(max_connections=1)

    async def sequential() -> None:
        for body in (b'"a1"', b'"a2"', b'"a3"'):
            await client.post(server.url, body)

    try:
        a = asyncio.create_task(sequential())
        await server.received(1)
        b = asyncio.create_task(client.post(server.url, b'"b"'))
        await asyncio.sleep(0)  # b is queued behind the busy connection
        gate.set()
        await asyncio.gather(a, b)
        assert [r.body for r in server.requests] == [b'"a1"', b'"b"', b'"a2"', b'"a3"']
        assert server.connections == 1
    finally:
        await client.aclose()

"""OpenTelemetry: a request span and one span per subgraph fetch reach an OTLP/HTTP collector
running on loopback (a tiny HTTP server decoding the protobuf POST), and every subgraph gets
a ``traceparent`` of the client's trace."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from gwharness import Subgraph
from gwharness.net import upstream_client
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

from gateway.edge import GuardedTransport, SubgraphGuard
from gateway.edge.tracing import Tracing, traces_url
from gateway.settings import Settings

CLIENT_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"
TRACEPARENT = f"00-{CLIENT_TRACE}-00f067aa0ba902b7-01"


class _Collector(ThreadingHTTPServer):
    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.spans: list[tuple[str, str, bytes, bytes, bytes]] = []  # name, path, ids
        self.paths: list[str] = []


class _Handler(BaseHTTPRequestHandler):
    server: _Collector

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["content-length"]))
        request = ExportTraceServiceRequest()
        request.ParseFromString(body)
        for resource in request.resource_spans:
            for scope in resource.scope_spans:
                for span in scope.spans:
                    self.server.spans.append(
                        (span.name, self.path, span.trace_id, span.span_id, span.parent_span_id)
                    )
        self.send_response(200)
        self.send_header("content-type", "application/x-protobuf")
        self.send_header("content-length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture
def collector() -> Iterator[_Collector]:
    server = _Collector()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_traces_url_appends_the_signal_path_once() -> None:
    assert traces_url("http://c:4318") == "http://c:4318/v1/traces"
    assert traces_url("http://c:4318/v1/traces/") == "http://c:4318/v1/traces"


async def test_request_and_fetch_spans_reach_the_collector(collector: _Collector) -> None:
    sub = Subgraph(
        "hello",
        "type Query { hello: String }",
        resolvers={"Query": {"hello": lambda _p: "hi"}},
    )
    tracing = Tracing.start(f"http://127.0.0.1:{collector.server_address[1]}")
    client = upstream_client({"hello": sub})
    transport = GuardedTransport(
        client=client,
        urls={"hello": sub.url},
        settings=Settings(dedup_enabled=False),
        guard=SubgraphGuard(),
        tracing=tracing,
    )
    try:
        with tracing.request({"traceparent": TRACEPARENT}, "Hello"):
            for _ in range(2):
                assert await transport.fetch("hello", b'{"query":"{ hello }"}') == {
                    "data": {"hello": "hi"}
                }
        tracing.force_flush()
    finally:
        tracing.shutdown()
        await client.aclose()

    names = sorted(name for name, *_ in collector.spans)
    assert names == ["graphql.request", "subgraph.fetch", "subgraph.fetch"]
    assert {path for _, path, *_ in collector.spans} == {"/v1/traces"}
    by_name = {name: (trace, span, parent) for name, _, trace, span, parent in collector.spans}
    request_trace, request_span, request_parent = by_name["graphql.request"]
    assert request_trace.hex() == CLIENT_TRACE
    assert request_parent.hex() == "00f067aa0ba902b7"
    fetch_spans = [s for s in collector.spans if s[0] == "subgraph.fetch"]
    assert all(s[2] == request_trace and s[4] == request_span for s in fetch_spans)
    # Each subgraph request carried its own fetch span as the parent, in the client's trace.
    sent = [h["traceparent"] for h in sub.headers]
    assert sorted(p.split("-")[2] for p in sent) == sorted(s[3].hex() for s in fetch_spans)
    assert all(p.split("-")[1] == CLIENT_TRACE for p in sent)

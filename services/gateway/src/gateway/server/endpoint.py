"""The ``/graphql`` route: GraphiQL for browsers, CSRF, body limit, batching, authentication,
then the pipeline (the order of ``docs/edge-wiring.md``)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from contextlib import nullcontext
from typing import Any

import orjson
from fastapi import Request
from starlette.responses import HTMLResponse, Response

from gateway.edge import EdgeError, check_batch_size, check_body_size, check_csrf, read_body
from gateway.edge.tracing import Tracing
from gateway.server.errors import MalformedRequestError, MethodNotAllowedError, RequestError
from gateway.server.http import (
    JSON,
    BatchItem,
    GraphQLRequest,
    negotiate,
    parse_get,
    parse_post,
)
from gateway.server.metrics import GatewayMetrics
from gateway.server.runtime import Gateway, Reply, edge_error_reply, request_error_reply
from servicekit.auth import Principal, TokenError
from servicekit.graphiql import graphiql_page

__all__ = ["GraphQLEndpoint"]

_STARTING = (
    b'{"errors":[{"message":"The gateway is starting.","extensions":{"code":"UNAVAILABLE"}}]}'
)


def _wants_html(request: Request) -> bool:
    # A browser navigating to /graphql: GET, HTML accepted, no operation in the URL.
    accept = request.headers.get("accept", "")
    return request.method == "GET" and "text/html" in accept and "query" not in request.query_params


class GraphQLEndpoint:
    """Answers GET and POST ``/graphql``; never a 500 and never a traceback for bad input."""

    def __init__(
        self,
        *,
        gateway: Callable[[], Gateway | None],
        metrics: GatewayMetrics,
        graphiql: bool = False,
        tracing: Callable[[], Tracing | None] = lambda: None,
    ) -> None:
        self._gateway = gateway
        self._metrics = metrics
        self._graphiql = graphiql_page(title="gateway · GraphiQL") if graphiql else None
        self._tracing = tracing

    async def __call__(self, request: Request) -> Response:
        if self._graphiql is not None and _wants_html(request):
            return HTMLResponse(self._graphiql)
        media = JSON
        try:
            media = negotiate(request.headers.get("accept"))
            gateway = self._gateway()
            if gateway is None:
                return Response(_STARTING, status_code=503, media_type=media)
            edge = gateway.edge
            if request.method not in ("GET", "POST"):
                raise MethodNotAllowedError(f"{request.method} is not supported; use GET or POST.")
            # Cheapest first: CSRF reads only the method and headers.
            if edge.settings.csrf_enabled:
                check_csrf(
                    request.method,
                    request.headers.items(),
                    required_headers=edge.settings.csrf_required_headers,
                )
            parsed = await self._parse(request, gateway)
            principal = await edge.authenticate(request.headers.get("authorization"))
        except (RequestError, EdgeError, TokenError) as err:
            return self._rejected(_refusal(err), media)
        headers = dict(request.headers)
        tracing = self._tracing()
        with tracing.request(headers) if tracing is not None else nullcontext():
            if isinstance(parsed, list):
                return await self._batch(
                    request, gateway, parsed, media=media, headers=headers, principal=principal
                )
            reply = await gateway.respond(
                parsed, media=media, method=request.method, headers=headers, principal=principal
            )
        _summary(request, reply)
        return _response(reply, media)

    def _rejected(self, reply: Reply, media: str) -> Response:
        self._metrics.observe_request(operation="anonymous", outcome="rejected", seconds=0.0)
        if reply.status == 405:
            reply = Reply(reply.status, reply.body, {"allow": "GET, POST"}, "", "rejected")
        return _response(reply, media)

    async def _parse(self, request: Request, gateway: Gateway) -> GraphQLRequest | list[BatchItem]:
        if request.method == "GET":
            return parse_get(request.query_params)
        limits = gateway.edge.limits
        declared = request.headers.get("content-length")
        if declared and declared.isdigit():
            check_body_size(int(declared), limits)  # refuse before reading anything
        raw = await read_body(request.stream(), limits)  # stops past the limit
        parsed = parse_post(
            request.headers.get("content-type"),
            raw,
            batching=gateway.settings.batching_enabled,
        )
        if isinstance(parsed, list):
            check_batch_size(len(parsed), limits)  # a batch is refused whole
        return parsed

    async def _batch(
        self,
        request: Request,
        gateway: Gateway,
        items: list[BatchItem],
        *,
        media: str,
        headers: dict[str, str],
        principal: Principal | None,
    ) -> Response:
        async def one(item: BatchItem) -> Reply:
            if isinstance(item, MalformedRequestError):
                return request_error_reply(item)
            return await gateway.respond(
                item, media=media, method="POST", headers=headers, principal=principal
            )

        # Concurrently, answered in order; each item is counted like a request.
        replies = await asyncio.gather(*(one(item) for item in items))
        body = b"[" + b",".join(r.body for r in replies) + b"]"
        fetches = sum(r.fetches for r in replies)
        request.state.summary = {"operation": "batch", "batch": len(replies), "fetches": fetches}
        return Response(body, status_code=200, media_type=media)


def _refusal(err: RequestError | EdgeError | TokenError) -> Reply:
    if isinstance(err, RequestError):
        return request_error_reply(err)
    if isinstance(err, EdgeError):
        return edge_error_reply(err)
    # An invalid token: refused before parsing or planning; no subgraph is called.
    body = {"errors": [{"message": err.message, "extensions": err.extensions}]}
    return Reply(401, orjson.dumps(body), {}, "anonymous", "rejected")


def _summary(request: Request, reply: Reply) -> None:
    summary: dict[str, Any] = {"operation": reply.operation, "fetches": reply.fetches}
    if reply.plan_hit is not None:
        summary["plan_cache_hit"] = reply.plan_hit
    request.state.summary = summary


def _response(reply: Reply, media: str) -> Response:
    return Response(
        reply.body, status_code=reply.status, media_type=media, headers=dict(reply.headers)
    )

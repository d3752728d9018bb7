"""The ``/graphql`` route: method, media negotiation, request parsing, then the pipeline."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import Request
from starlette.responses import Response

from gateway.server.errors import MethodNotAllowedError, PayloadTooLargeError, RequestError
from gateway.server.http import JSON, GraphQLRequest, negotiate, parse_get, parse_post
from gateway.server.metrics import GatewayMetrics
from gateway.server.runtime import Gateway, Reply, request_error_reply

__all__ = ["GraphQLEndpoint"]

_STARTING = (
    b'{"errors":[{"message":"The gateway is starting.","extensions":{"code":"UNAVAILABLE"}}]}'
)
# Headers passed on to subgraphs: the bearer token, which each subgraph verifies again.
_FORWARDED = ("authorization",)


class GraphQLEndpoint:
    """Answers GET and POST ``/graphql``; never a 500 and never a traceback for bad input."""

    def __init__(
        self, *, gateway: Callable[[], Gateway | None], metrics: GatewayMetrics, max_body: int
    ) -> None:
        self._gateway = gateway
        self._metrics = metrics
        self._max_body = max_body

    async def __call__(self, request: Request) -> Response:
        media = JSON
        try:
            media = negotiate(request.headers.get("accept"))
            gateway = self._gateway()
            if gateway is None:
                return Response(_STARTING, status_code=503, media_type=media)
            parsed = await self._parse(request)
        except RequestError as err:
            self._metrics.observe_request(operation="anonymous", outcome="rejected", seconds=0.0)
            reply = request_error_reply(err)
            if isinstance(err, MethodNotAllowedError):
                reply = Reply(reply.status, reply.body, {"allow": "GET, POST"}, "", "rejected")
            return _response(reply, media)
        forwarded = {h: request.headers[h] for h in _FORWARDED if h in request.headers}
        reply = await gateway.respond(
            parsed, media=media, method=request.method, headers=forwarded or None
        )
        return _response(reply, media)

    async def _parse(self, request: Request) -> GraphQLRequest:
        if request.method == "GET":
            return parse_get(request.query_params)
        if request.method == "POST":
            raw = await request.body()
            if len(raw) > self._max_body:
                raise PayloadTooLargeError(f"The request body exceeds {self._max_body} bytes.")
            return parse_post(request.headers.get("content-type"), raw)
        raise MethodNotAllowedError(f"{request.method} is not supported; use GET or POST.")


def _response(reply: Reply, media: str) -> Response:
    return Response(
        reply.body, status_code=reply.status, media_type=media, headers=dict(reply.headers)
    )

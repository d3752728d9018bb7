"""The gateway's FastAPI app: ``/graphql`` (GET and POST), ``/healthz``, ``/readyz``, ``/metrics``.

``create_app(settings)`` loads the supergraph from its source (``gateway.sources``: a file,
a rover config or subgraph URLs composed here), opens the pooled subgraph client and builds
the pipeline and the edge (``server/edge.py``) in the lifespan. With a poll interval the
source is polled and a changed supergraph is swapped in live (``server/reload.py``).
GraphiQL (``GET /graphql`` with ``Accept: text/html``) is served from
servicekit's pinned assets under ``/_graphiql`` when ``GATEWAY_GRAPHIQL`` allows
(default: off in prod). Tests pass their own ``supergraph``,
``planner`` and ``client`` (an ``httpx.AsyncClient`` mounting ASGI subgraphs).
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager

import httpx
from fastapi import FastAPI
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.edge.tracing import Tracing
from gateway.server.assemble import GatewayFactory, default_planner, subgraph_urls
from gateway.server.edge import build_edge
from gateway.server.endpoint import GraphQLEndpoint
from gateway.server.metrics import GatewayMetrics
from gateway.server.reload import Reloader, announce
from gateway.server.runtime import Gateway, PlanFunction
from gateway.settings import Settings
from gateway.sources import Loaded, SupergraphSource, load_at_start, source_from_settings
from gateway.supergraph import Supergraph
from gateway.transport import SubgraphClient, build_client
from servicekit.background import running_in_background
from servicekit.gc_timer import collecting_on_timer
from servicekit.graphiql import ASSETS_PATH, graphiql_assets
from servicekit.health import Readiness, health_router
from servicekit.logs import request_id_for, request_id_var

__all__ = ["create_app", "default_planner", "subgraph_urls"]

_log = logging.getLogger("gateway.request")


class _Front:
    """The outermost layer: request id (``x-request-id`` in and out), one summary log line
    per ``/graphql`` request, and ``/graphql`` itself answered here in plain ASGI. Routing,
    dependency solving and the exception wrappers cost about a quarter of a small request's
    CPU (py-spy, docs/benchmarks.md); everything else goes on to the FastAPI app."""

    def __init__(self, app: ASGIApp, graphql: GraphQLEndpoint) -> None:
        self.app = app
        self.graphql = graphql

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = request_id_for(scope["headers"])
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        status = 500

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [
                    *message.get("headers", []),
                    (b"x-request-id", request_id.encode()),
                ]
            await send(message)

        graphql = _route_path(scope) == "/graphql"
        try:
            if graphql:
                response = await self.graphql(Request(scope, receive))
                await response(scope, receive, send_wrapper)
            else:
                await self.app(scope, receive, send_wrapper)
        finally:
            if graphql:
                # The endpoint leaves operation, fetch count and plan-cache hit in the state.
                state = scope.get("state") or {}
                _log.info(
                    "request",
                    extra={
                        "method": scope.get("method"),
                        "status": status,
                        "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                        **state.get("summary", {}),
                    },
                )
            request_id_var.reset(token)


def _route_path(scope: Scope) -> str:
    """The path the router would match (without the ASGI ``root_path`` prefix)."""
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    return path[len(root) :] if root and path.startswith(root) else path


def _readiness(settings: Settings, holder: dict[str, Gateway]) -> Readiness:
    """``/readyz``: the supergraph is loaded and, when configured, every subgraph answers."""
    readiness = Readiness()

    async def supergraph_loaded() -> None:
        if "gateway" not in holder:
            raise RuntimeError("supergraph not loaded")

    async def subgraphs_answer() -> None:
        gateway = holder.get("gateway")
        if gateway is None:
            raise RuntimeError("supergraph not loaded")
        probe = b'{"query":"{ __typename }"}'
        failed = []
        for graph in gateway.supergraph.graph_names:
            try:
                await gateway.transport.fetch(graph, probe)
            except Exception:  # any failure means "not ready"; named below
                failed.append(graph)
        if failed:
            raise RuntimeError(f"subgraphs not answering: {', '.join(sorted(failed))}")

    readiness.add("supergraph", supergraph_loaded)
    if settings.ready_check_subgraphs:
        readiness.add("subgraphs", subgraphs_answer)
    return readiness


def create_app(
    settings: Settings,
    *,
    supergraph: Supergraph | Loaded | None = None,
    source: SupergraphSource | None = None,
    poll_interval_s: float | None = None,
    planner: PlanFunction | None = None,
    client: httpx.AsyncClient | None = None,
) -> FastAPI:
    """Build the gateway app; resources are opened and closed in the lifespan.

    ``source`` defaults to the one the settings name; ``supergraph`` is the first one to
    serve (else the lifespan loads it from the source, waiting for unreachable subgraphs
    up to ``GATEWAY_STARTUP_DEADLINE_S``). ``poll_interval_s`` (default
    ``GATEWAY_POLL_INTERVAL_S``; 0: off) polls the source for a new supergraph.
    """
    settings.check_production()
    metrics = GatewayMetrics()
    holder: dict[str, Gateway] = {}
    readiness = _readiness(settings, holder)
    traces: dict[str, Tracing] = {}
    interval = settings.poll_interval_s if poll_interval_s is None else poll_interval_s

    @asynccontextmanager
    async def lifespan(this: FastAPI) -> AsyncIterator[None]:
        async with AsyncExitStack() as stack:
            origin = source
            if origin is None and (supergraph is None or interval > 0):
                origin = source_from_settings(settings)
            first = await _first_supergraph(supergraph, origin, settings)
            loaded = first.supergraph
            upstream: SubgraphClient | httpx.AsyncClient | None = client
            if upstream is None:
                upstream = build_client(settings)
                stack.push_async_callback(upstream.aclose)
            edge = await build_edge(
                settings,
                sdl=loaded.sdl,
                api_schema=loaded.api_schema,
                http=client,  # JWKS: the tests' client, or the verifier's own
                stack=stack,
                on_circuit_change=metrics.set_circuit_state,
            )
            if settings.otlp_endpoint:
                tracing = Tracing.start(settings.otlp_endpoint)
                traces["tracing"] = tracing
                stack.callback(tracing.shutdown)  # flushes the last spans
                stack.callback(traces.clear)
            factory = GatewayFactory(
                settings=settings,
                http=upstream,
                edge=edge,
                edge_sdl=loaded.sdl,
                metrics=metrics,
                tracing=traces.get("tracing"),
            )
            holder["gateway"] = factory.build(loaded, planner)
            description = origin.description if origin is not None else "given"
            announce(first, metrics, source=description, reloaded=False)
            if origin is not None and interval > 0:
                this.state.reloader = Reloader(
                    source=origin,
                    factory=factory,
                    holder=holder,
                    metrics=metrics,
                    interval=interval,
                )
                await stack.enter_async_context(
                    running_in_background(this.state.reloader.run(), name="supergraph-reloader")
                )
            await stack.enter_async_context(
                collecting_on_timer(settings.gc_interval_s, metrics.service.observe_gc)
            )
            try:
                yield
            finally:
                holder.clear()

    metrics.watch_cache("request", lambda: holder["gateway"].operations if holder else None)
    metrics.watch_cache("plan", lambda: holder["gateway"].plans if holder else None)
    metrics.service.gauge_callback(
        "gateway_subgraph_retries",
        "Query fetch retries since the process started (all subgraphs).",
        lambda: float(holder["gateway"].edge.guard.retries) if holder else 0.0,
    )

    app = FastAPI(
        title="gateway", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None
    )
    app.state.gateway = holder

    endpoint = GraphQLEndpoint(
        gateway=lambda: holder.get("gateway"),
        metrics=metrics,
        graphiql=settings.graphiql_enabled,
        tracing=lambda: traces.get("tracing"),
    )
    # Answered by _Front; the route stays so that the router still knows the path
    # (e.g. the redirect of /graphql/).
    app.add_api_route(
        "/graphql",
        endpoint,
        methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
        include_in_schema=False,
    )
    app.include_router(health_router(readiness))
    if settings.graphiql_enabled:
        app.mount(ASSETS_PATH, graphiql_assets(), name="graphiql-assets")

    @app.get("/metrics", include_in_schema=False)
    async def metrics_endpoint() -> Response:
        return Response(generate_latest(metrics.service.registry), media_type=CONTENT_TYPE_LATEST)

    app.add_middleware(_Front, graphql=endpoint)
    return app


async def _first_supergraph(
    given: Supergraph | Loaded | None, source: SupergraphSource | None, settings: Settings
) -> Loaded:
    if isinstance(given, Loaded):
        return given
    if given is not None:
        return Loaded.of(given)
    assert source is not None
    return await load_at_start(source, deadline_s=settings.startup_deadline_s)

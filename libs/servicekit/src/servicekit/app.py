"""The app factory every subgraph uses.

``create_app(settings, schema=..., context_getter=...)`` returns a FastAPI app with
``/graphql`` (Strawberry, local GraphiQL), ``/healthz``, ``/readyz``, ``/metrics``,
a request id and one JSON summary line per request. Resources (database engine,
HTTP client, JWT verifier, service-specific background tasks, the timed garbage
collector) are opened and closed in the lifespan and handed to resolvers through the
context.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
import strawberry
from cross_web import HTTPException as CrossWebHTTPException
from fastapi import FastAPI, Request
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from starlette.responses import HTMLResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from strawberry.fastapi import GraphQLRouter

from servicekit.auth import JwtVerifier
from servicekit.database import create_engine, create_sessionmaker, ping, pool_in_use
from servicekit.gc_timer import collecting_on_timer
from servicekit.graphiql import ASSETS_PATH, graphiql_assets, graphiql_page
from servicekit.health import Readiness, health_router
from servicekit.logs import request_id_for, request_id_var
from servicekit.metrics import ServiceMetrics
from servicekit.request_info import RequestInfo, request_info_var
from servicekit.responses import graphql_error_response
from servicekit.settings import DatabaseSettings, ServiceSettings

__all__ = ["ResourceHook", "ServiceState", "create_app"]

_log = logging.getLogger("servicekit.request")


@dataclass
class ServiceState:
    """Everything a request handler may need, built once in the lifespan."""

    settings: ServiceSettings
    metrics: ServiceMetrics
    readiness: Readiness
    verifier: JwtVerifier
    http: httpx.AsyncClient | None = None
    engine: AsyncEngine | None = None
    sessionmaker: async_sessionmaker[AsyncSession] | None = None
    extras: dict[str, Any] = field(default_factory=dict)

    def sessions(self) -> async_sessionmaker[AsyncSession]:
        if self.sessionmaker is None:
            raise RuntimeError("this service has no database configured")
        return self.sessionmaker


ResourceHook = Callable[[ServiceState], AbstractAsyncContextManager[None]]
ContextGetter = Callable[[Request, ServiceState], Awaitable[Any]]


class _LocalGraphiQLRouter(GraphQLRouter[Any, Any]):
    def __init__(self, *args: Any, page: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._page = page

    async def render_graphql_ide(self, request: Request) -> HTMLResponse:
        return HTMLResponse(self._page)

    async def run(self, request: Any, context: Any = None, root_value: Any = None) -> Any:
        # Strawberry answers malformed requests in plain text; clients expect GraphQL JSON.
        try:
            return await super().run(request=request, context=context, root_value=root_value)
        except CrossWebHTTPException as err:
            return graphql_error_response(
                err.reason, code="BAD_REQUEST", status_code=err.status_code
            )


class _RequestMiddleware:
    """Request id, body-size limit, summary log line and request metrics (pure ASGI)."""

    def __init__(self, app: ASGIApp, *, state: ServiceState) -> None:
        self.app = app
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        request_id = request_id_for(headers.items())
        info = RequestInfo(request_id=request_id)
        id_token = request_id_var.set(request_id)
        info_token = request_info_var.set(info)
        started = time.perf_counter()
        status = 500
        limit = self.state.settings.max_body_bytes
        declared = headers.get(b"content-length")

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                extra_header = (b"x-request-id", request_id.encode())
                message["headers"] = [*message.get("headers", []), extra_header]
            await send(message)

        try:
            if declared is not None and declared.isdigit() and int(declared) > limit:
                response = graphql_error_response(
                    f"request body exceeds {limit} bytes", code="PAYLOAD_TOO_LARGE",
                    status_code=413, limit=limit,
                )  # fmt: skip
                await response(scope, receive, send_wrapper)
            else:
                await self.app(scope, receive, send_wrapper)
        finally:
            seconds = time.perf_counter() - started
            path = scope.get("path", "")
            self.state.metrics.http_requests.labels(
                self.state.metrics.service, path if path in _KNOWN_ROUTES else "other", str(status)
            ).inc()
            if info.operation is not None:
                self.state.metrics.observe_graphql(
                    operation=info.operation, outcome=info.outcome or "ok", seconds=seconds
                )
            if path not in _QUIET_ROUTES:
                _log.info(
                    "request",
                    extra={
                        "method": scope.get("method"),
                        "path": path,
                        "status": status,
                        "duration_ms": round(seconds * 1000, 2),
                        "operation": info.operation,
                        "outcome": info.outcome,
                    },
                )
            request_info_var.reset(info_token)
            request_id_var.reset(id_token)


_KNOWN_ROUTES = frozenset({"/graphql", "/healthz", "/readyz", "/metrics"})
_QUIET_ROUTES = frozenset({"/healthz", "/readyz", "/metrics"})


def create_app(
    settings: ServiceSettings,
    *,
    schema: strawberry.Schema,
    context_getter: ContextGetter,
    resources: Sequence[ResourceHook] = (),
    sessionmaker: async_sessionmaker[AsyncSession] | None = None,
    http_transport: httpx.AsyncBaseTransport | None = None,
    title: str | None = None,
) -> FastAPI:
    """Build the service. ``sessionmaker`` and ``http_transport`` let tests inject real
    but isolated parts (a savepoint-joined session, an ASGI transport to a peer)."""
    settings.check_production()
    name = settings.service_name
    state = ServiceState(
        settings=settings,
        metrics=ServiceMetrics(service=name),
        readiness=Readiness(),
        verifier=JwtVerifier.from_settings(settings),
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with AsyncExitStack() as stack:
            state.http = await stack.enter_async_context(
                httpx.AsyncClient(timeout=httpx.Timeout(5.0), transport=http_transport)
            )
            state.verifier._http = state.http
            if sessionmaker is not None:
                state.sessionmaker = sessionmaker
            elif isinstance(settings, DatabaseSettings) and settings.database_url:
                state.engine = create_engine(settings)
                stack.push_async_callback(state.engine.dispose)
                state.sessionmaker = create_sessionmaker(state.engine)
                engine = state.engine
                state.readiness.add("database", lambda: ping(engine))
                state.metrics.gauge_callback(
                    "db_pool_connections_in_use",
                    "Database connections checked out of the pool.",
                    lambda: pool_in_use(engine),
                )
            for hook in resources:
                await stack.enter_async_context(hook(state))
            await stack.enter_async_context(
                collecting_on_timer(settings.gc_interval_s, state.metrics.observe_gc)
            )
            yield

    app = FastAPI(title=title or name, lifespan=lifespan, docs_url=None, redoc_url=None,
                  openapi_url=None)  # fmt: skip
    app.state.service = state

    async def get_context(request: Request) -> Any:
        return await context_getter(request, state)

    router = _LocalGraphiQLRouter(
        schema,
        context_getter=get_context,
        graphql_ide="graphiql" if settings.graphiql_enabled else None,
        page=graphiql_page(title=f"{name} · GraphiQL"),
    )
    app.include_router(router, prefix="/graphql")
    app.include_router(health_router(state.readiness))
    if settings.graphiql_enabled:
        app.mount(ASSETS_PATH, graphiql_assets(), name="graphiql-assets")

    @app.get("/metrics", include_in_schema=False)
    async def metrics() -> Response:
        return Response(generate_latest(state.metrics.registry), media_type=CONTENT_TYPE_LATEST)

    app.add_middleware(_RequestMiddleware, state=state)
    return app

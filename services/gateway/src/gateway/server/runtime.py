"""The request pipeline (design §7): request LRU → plan cache → execute → response bytes.

``Gateway`` holds everything built once per loaded supergraph. ``respond`` never
raises for a client mistake or a subgraph failure: it returns a status code and
a GraphQL response body; unexpected bugs become one ``INTERNAL_SERVER_ERROR``
error without internals (the traceback goes to the log).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import orjson

from gateway.executor import Executor
from gateway.operation import (
    BadRequestError,
    NormalizedOperation,
    OperationCache,
    OperationError,
    coerce_variables,
)
from gateway.plan import QueryPlan
from gateway.server.errors import MethodNotAllowedError, RequestError
from gateway.server.http import GRAPHQL_RESPONSE, GraphQLRequest
from gateway.server.metrics import GatewayMetrics
from gateway.server.plan_cache import PlanCache
from gateway.settings import Settings
from gateway.supergraph import Supergraph
from gateway.transport import Transport

__all__ = ["Gateway", "PlanFunction", "Reply"]

_log = logging.getLogger("gateway.server")

# (operation, active override labels) -> plan
PlanFunction = Callable[[NormalizedOperation, frozenset[str]], QueryPlan]


@dataclass(frozen=True, slots=True)
class Reply:
    """An HTTP answer: status, body bytes, and extra headers."""

    status: int
    body: bytes
    headers: Mapping[str, str]
    operation: str  # metrics label
    outcome: str  # "ok" | "error" | "rejected"


def _operation_label(name: str | None) -> str:
    if not name:
        return "anonymous"
    # Client-chosen names are label values: keep them short and printable.
    return name if len(name) <= 64 and name.isidentifier() else "invalid"


class Gateway:
    """Everything one process needs to answer GraphQL requests for one supergraph."""

    def __init__(
        self,
        *,
        settings: Settings,
        supergraph: Supergraph,
        transport: Transport,
        planner: PlanFunction,
        metrics: GatewayMetrics | None = None,
    ) -> None:
        self.settings = settings
        self.supergraph = supergraph
        self.transport = transport
        self.planner = planner
        self.metrics = metrics
        # Every label is on by default (a full override); settings may turn some off.
        self.labels = frozenset(supergraph.override_labels) - settings.override_labels_off
        self.operations = OperationCache(supergraph.api_schema, settings.request_cache_size)
        self.plans = PlanCache(settings.plan_cache_size)
        self.executor = Executor(
            api_schema=supergraph.api_schema,
            supergraph_schema=supergraph.supergraph_schema,
            transport=transport,
            expose_subgraph_errors=settings.expose_subgraph_errors,
            mask_uncoded_subgraph_errors=settings.mask_uncoded_subgraph_errors,
            graph_type=self._graph_type,
        )

    def _graph_type(self, parent: str, field: str, graph: str) -> str | None:
        """The subgraph's type of ``parent.field`` when it differs from the supergraph's."""
        info = self.supergraph.field(parent, field)
        if info is None:
            return "?"  # unknown to the model: never pass through
        in_graph = info.in_graphs.get(graph)
        return None if in_graph is None else in_graph.graph_type

    async def respond(
        self,
        request: GraphQLRequest,
        *,
        media: str,
        method: str = "POST",
        headers: Mapping[str, str] | None = None,
    ) -> Reply:
        started = time.perf_counter()
        reply = await self._respond(request, media=media, method=method, headers=headers)
        if self.metrics is not None:
            self.metrics.observe_request(
                operation=reply.operation,
                outcome=reply.outcome,
                seconds=time.perf_counter() - started,
            )
        return reply

    async def _respond(
        self,
        request: GraphQLRequest,
        *,
        media: str,
        method: str,
        headers: Mapping[str, str] | None,
    ) -> Reply:
        label = _operation_label(request.operation_name)
        try:
            operation = self.operations.get(request.query, request.operation_name)
            label = _operation_label(operation.name)
            if operation.kind == "subscription":
                raise BadRequestError.single("Subscriptions are not supported by this gateway.")
            if method == "GET" and operation.kind == "mutation":
                raise MethodNotAllowedError("Mutations cannot be sent over GET; use POST.")
            coerced = coerce_variables(self.supergraph.api_schema, operation, request.variables)
        except OperationError as err:
            status = 400 if media == GRAPHQL_RESPONSE else 200
            return Reply(status, orjson.dumps({"errors": err.to_json()}), {}, label, "rejected")
        except RequestError as err:
            return request_error_reply(err, label)
        try:
            plan = self.plans.get_or_build(
                (operation.hash, self.labels), lambda: self.planner(operation, self.labels)
            )
            result = await self.executor.execute(
                plan, variables=request.variables, coerced=coerced, headers=headers
            )
        except Exception:
            _log.exception("request failed unexpectedly", extra={"operation": label})
            body = {
                "errors": [
                    {
                        "message": "Internal server error",
                        "extensions": {"code": "INTERNAL_SERVER_ERROR"},
                    }
                ]
            }
            status = 500 if media == GRAPHQL_RESPONSE else 200
            return Reply(status, orjson.dumps(body), {}, label, "error")
        outcome = "error" if result.errors else "ok"
        return Reply(200, orjson.dumps(result.to_dict()), {}, label, outcome)


def request_error_reply(err: RequestError, label: str = "anonymous") -> Reply:
    """A coded error body for a request refused before planning."""
    body: dict[str, Any] = {"errors": [{"message": err.message, "extensions": {"code": err.code}}]}
    headers = {"allow": "POST"} if isinstance(err, MethodNotAllowedError) else {}
    return Reply(err.status, orjson.dumps(body), headers, label, "rejected")

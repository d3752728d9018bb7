"""The request pipeline (design §7): persisted query → request LRU with limits and
authorization → plan cache → execute → restore nulls → response bytes.

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

from gateway.edge import EdgeError, restore_nulls
from gateway.executor import Executor
from gateway.operation import (
    BadRequestError,
    NormalizedOperation,
    OperationError,
    coerce_variables,
)
from gateway.plan import QueryPlan
from gateway.server.edge import EdgeRuntime
from gateway.server.errors import MethodNotAllowedError, RequestError
from gateway.server.http import GRAPHQL_RESPONSE, GraphQLRequest
from gateway.server.metrics import GatewayMetrics
from gateway.server.plan_cache import PlanCache
from gateway.settings import Settings
from gateway.supergraph import Supergraph
from gateway.transport import Transport
from servicekit.auth import Principal

__all__ = ["Gateway", "PlanFunction", "Reply", "edge_error_reply", "request_error_reply"]

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
    fetches: int = 0  # subgraph requests (for the summary log line)
    plan_hit: bool | None = None  # plan-cache hit; None when nothing was planned


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
        edge: EdgeRuntime,
        metrics: GatewayMetrics | None = None,
    ) -> None:
        self.settings = settings
        self.edge = edge
        self.supergraph = supergraph
        self.transport = transport
        self.planner = planner
        self.metrics = metrics
        # Every label is on by default (a full override); settings may turn some off.
        self.labels = frozenset(supergraph.override_labels) - settings.override_labels_off
        self.operations = edge.operations
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
        principal: Principal | None = None,
    ) -> Reply:
        """``headers`` are all the client's headers (the header rules pick per subgraph)."""
        started = time.perf_counter()
        reply = await self._respond(
            request, media=media, method=method, headers=headers, principal=principal
        )
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
        principal: Principal | None,
    ) -> Reply:
        label = _operation_label(request.operation_name)
        edge = self.edge
        try:
            # APQ / trusted documents: PERSISTED_QUERY_NOT_FOUND is HTTP 200 (clients resend).
            text = await edge.persisted.resolve(request.query, request.extensions)
            prepared = edge.operations.get(
                text,
                request.operation_name,
                principal=principal,
                granted=edge.granted(principal),
                variables=request.variables,
            )
            label = _operation_label(prepared.name)
            if prepared.kind == "subscription":
                raise BadRequestError.single("Subscriptions are not supported by this gateway.")
            if method == "GET" and prepared.kind == "mutation":
                raise MethodNotAllowedError("Mutations cannot be sent over GET; use POST.")
            operation = prepared.operation
            if operation is None:  # every root field unauthorized: call no subgraph
                body = {"data": restore_nulls({}, prepared.nulls), "errors": list(prepared.errors)}
                return Reply(200, orjson.dumps(body), {}, label, "error")
            coerced = coerce_variables(self.supergraph.api_schema, operation, request.variables)
        except OperationError as err:
            status = 400 if media == GRAPHQL_RESPONSE else 200
            return Reply(status, orjson.dumps({"errors": err.to_json()}), {}, label, "rejected")
        except EdgeError as err:
            return edge_error_reply(err, label)
        except RequestError as err:
            return request_error_reply(err, label)
        try:
            hits = self.plans.hits
            plan = self.plans.get_or_build(
                (operation.hash, self.labels), lambda: self._plan(operation)
            )
            plan_hit = self.plans.hits > hits
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
        errors = [*prepared.errors, *result.errors]  # UNAUTHORIZED_FIELD_OR_TYPE first
        data = restore_nulls(result.data, prepared.nulls)
        out: dict[str, Any] = {"data": data}
        if errors:
            out["errors"] = errors
        outcome = "error" if errors else "ok"
        return Reply(200, orjson.dumps(out), {}, label, outcome, result.fetches, plan_hit)

    def _plan(self, operation: NormalizedOperation) -> QueryPlan:
        return self.planner(operation, self.labels)


def request_error_reply(err: RequestError, label: str = "anonymous") -> Reply:
    """A coded error body for a request refused before planning."""
    body: dict[str, Any] = {"errors": [{"message": err.message, "extensions": {"code": err.code}}]}
    headers = {"allow": "POST"} if isinstance(err, MethodNotAllowedError) else {}
    return Reply(err.status, orjson.dumps(body), headers, label, "rejected")


def edge_error_reply(err: EdgeError, label: str = "anonymous") -> Reply:
    """A limit, persisted-query, CSRF or authorization refusal, with its code and status."""
    return Reply(err.status, orjson.dumps(err.to_response()), {}, label, "rejected")

"""The executor's entry point: run a plan, answer introspection, shape, finish errors."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    GraphQLInterfaceType,
    GraphQLSchema,
    GraphQLUnionType,
    execute_sync,
)

from gateway.executor.errors import ResponseError, finish_errors
from gateway.executor.fetch import ExecutionState
from gateway.executor.passthrough import GraphTypeLookup, is_passthrough
from gateway.executor.shape import SelShape, Shaper, shape_for
from gateway.executor.shape_program import SlowPath, shape_program
from gateway.executor.walk import run_node
from gateway.plan import QueryPlan
from gateway.transport import Transport

__all__ = ["ExecutionResult", "Executor"]


@dataclass(slots=True)
class ExecutionResult:
    """The client response body, plus what metrics and logs want to know."""

    data: dict[str, Any] | None
    errors: list[dict[str, Any]] = field(default_factory=list)
    fetches: int = 0

    def to_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"data": self.data}
        if self.errors:
            body["errors"] = self.errors
        return body


class Executor:
    """Executes plans for one loaded supergraph; shared by all requests of a process."""

    def __init__(
        self,
        *,
        api_schema: GraphQLSchema,
        transport: Transport,
        supergraph_schema: GraphQLSchema | None = None,
        expose_subgraph_errors: bool = False,
        mask_uncoded_subgraph_errors: bool = False,
        graph_type: GraphTypeLookup | None = None,
    ) -> None:
        """``graph_type`` (from the supergraph model) enables passthrough plans (§7)."""
        self.api_schema = api_schema
        self.transport = transport
        self._types_schema = supergraph_schema or api_schema
        self._expose = expose_subgraph_errors
        self._mask = mask_uncoded_subgraph_errors
        self._abstract = frozenset(
            name
            for name, t in self._types_schema.type_map.items()
            if isinstance(t, GraphQLInterfaceType | GraphQLUnionType)
        )
        self._possible: dict[str, frozenset[str]] = {}
        self._graph_type = graph_type
        self.passthrough_count = 0  # responses that skipped shaping

    def possible_types(self, name: str) -> frozenset[str]:
        """Object types matching a type condition (itself for object types)."""
        found = self._possible.get(name)
        if found is None:
            t = self._types_schema.type_map.get(name)
            if isinstance(t, GraphQLInterfaceType | GraphQLUnionType):
                found = frozenset(o.name for o in self._types_schema.get_possible_types(t))
            else:
                found = frozenset((name,))
            self._possible[name] = found
        return found

    async def execute(
        self,
        plan: QueryPlan,
        *,
        variables: Mapping[str, Any] | None = None,
        coerced: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> ExecutionResult:
        """Run ``plan``; never raises because of a subgraph (invariant 4)."""
        raw = variables or {}
        values = coerced if coerced is not None else raw
        state = ExecutionState(
            plan=plan,
            transport=self.transport,
            variables=raw,
            coerced=values,
            abstract_types=self._abstract,
            possible=self.possible_types,
            headers=headers,
        )
        if plan.node is not None:
            await run_node(state, plan.node)
        if self._passthrough(plan) and not state.errors and not state.covered:
            # The subgraph's data already has the client's shape and null propagation.
            self.passthrough_count += 1
            return ExecutionResult(state.data, [], state.fetches)
        introspection = self._introspect(plan, raw, state.errors)
        shapes = plan.compiled.setdefault("shapes", {})
        assert isinstance(shapes, dict)
        root = shape_for(self.api_schema, plan.operation, values, shapes)
        data = _shape(root, state, introspection)
        errors = finish_errors(
            state.errors, data, expose_service=self._expose, mask_uncoded=self._mask
        )
        return ExecutionResult(data, errors, state.fetches)

    def _passthrough(self, plan: QueryPlan) -> bool:
        if self._graph_type is None:
            return False
        return is_passthrough(plan, graph_type=self._graph_type)

    def _introspect(
        self, plan: QueryPlan, variables: Mapping[str, Any], errors: list[ResponseError]
    ) -> dict[str, Any] | None:
        document = plan.operation.introspection_document
        if document is None:
            return None
        result = execute_sync(self.api_schema, document, variable_values=dict(variables))
        for err in result.errors or ():
            errors.append(ResponseError(err.message, tuple(err.path or ()) or None, None))
        return result.data


def _shape(
    root: SelShape, state: ExecutionState, introspection: dict[str, Any] | None
) -> dict[str, Any] | None:
    """The compiled program when the data is normal; the interpreter otherwise (§6.5)."""
    if introspection is None:
        try:
            data: dict[str, Any] = shape_program(root)(state.data)
            return data
        except SlowPath:
            pass  # a null, a wrong type or an unknown type name: errors to report
    shaper = Shaper(errors=state.errors, covered=state.covered, introspection=introspection)
    return shaper.shape(root, state.data)

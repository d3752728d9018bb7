"""Helpers for executor tests that build plans by hand (no planner involved)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from graphql import GraphQLSchema, build_schema

from gateway.executor import ExecutionResult, Executor
from gateway.operation import coerce_variables, prepare_operation
from gateway.plan import PlanNode, QueryPlan, ReqField, ReqFragment, ReqShape
from gateway.settings import Settings
from gateway.transport import Transport
from gwharness.net import upstream_client
from gwharness.subgraph import Subgraph

__all__ = ["HandRunner", "key_requires", "leaf"]


def leaf(key: str, *, non_null: bool = True, source: str | None = None) -> ReqField:
    """A scalar required field."""
    return ReqField(key, source or key, non_null, 0, False, None)


def key_requires(type_name: str, *fields: ReqField, possible: Iterable[str] = ()) -> ReqShape:
    """``... on T { __typename <fields> }`` as a requires projection."""
    return ReqShape(
        (),
        (
            ReqFragment(
                type_name,
                frozenset(possible) or frozenset((type_name,)),
                (leaf("__typename"), *fields),
            ),
        ),
    )


class HandRunner:
    """An API schema, some subgraphs and an executor wired together over ASGI."""

    def __init__(self, api_sdl: str, subgraphs: Iterable[Subgraph], **settings: Any) -> None:
        self.schema: GraphQLSchema = build_schema(api_sdl)
        self.subgraphs = {s.name: s for s in subgraphs}
        self.settings = Settings(**settings)
        self.client = upstream_client(self.subgraphs)
        urls = {name: s.url for name, s in self.subgraphs.items()}
        urls["down"] = "http://127.0.0.1:1/graphql"
        self.transport = Transport(client=self.client, urls=urls, settings=self.settings)
        self.executor = Executor(
            api_schema=self.schema,
            transport=self.transport,
            expose_subgraph_errors=self.settings.expose_subgraph_errors,
        )

    def plan(self, query: str, node: PlanNode | None, name: str | None = None) -> QueryPlan:
        operation = prepare_operation(self.schema, query, name)
        return QueryPlan(node=node, root_kind=operation.kind, operation=operation)

    async def run(
        self, plan: QueryPlan, variables: Mapping[str, Any] | None = None
    ) -> ExecutionResult:
        coerced = coerce_variables(self.schema, plan.operation, dict(variables or {}))
        return await self.executor.execute(plan, variables=variables, coerced=coerced)

    async def close(self) -> None:
        await self.client.aclose()

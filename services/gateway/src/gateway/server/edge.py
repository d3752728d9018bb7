"""The edge components of one gateway process, built once in the lifespan.

``build_edge`` turns ``Settings`` into the objects the endpoint and the pipeline call (the
order of ``docs/edge-wiring.md``): limits, CSRF, the JWT verifier, persisted queries, the
operation cache with limits and authorization, header rules and the subgraph guard. A bad
header rule or manifest raises ``EdgeConfigError`` at startup (fail fast).
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass, replace

import httpx
from graphql import GraphQLSchema

from gateway.edge import (
    AuthorizationRules,
    CostModel,
    HeaderRules,
    OperationLimits,
    PersistedQueries,
    RedisStore,
    SubgraphGuard,
    claims_policy_evaluator,
)
from gateway.edge.pipeline import EdgeOperations
from gateway.edge.resilience import CircuitState
from gateway.settings import Settings
from servicekit.auth import JwtVerifier, Principal

__all__ = ["EdgeRuntime", "build_edge", "rebind_edge"]


@dataclass(slots=True)
class EdgeRuntime:
    """What the endpoint and ``Gateway`` need from the edge."""

    settings: Settings
    limits: OperationLimits
    rules: AuthorizationRules
    operations: EdgeOperations
    persisted: PersistedQueries
    header_rules: HeaderRules
    guard: SubgraphGuard
    verifier: JwtVerifier

    async def authenticate(self, authorization: str | None) -> Principal | None:
        """The caller, None when anonymous; raises ``TokenError`` for a bad token."""
        return await self.verifier.principal(authorization)

    def granted(self, principal: Principal | None) -> frozenset[str]:
        """The ``@policy`` names this caller satisfies (claims-based, see edge.md)."""
        if not self.rules.policy_names:
            return frozenset()
        return claims_policy_evaluator(principal, self.rules.policy_names)


async def build_edge(
    settings: Settings,
    *,
    sdl: str,
    api_schema: GraphQLSchema,
    http: httpx.AsyncClient | None,
    stack: AsyncExitStack,
    on_circuit_change: Callable[[str, CircuitState], None] | None = None,
) -> EdgeRuntime:
    """Every edge component from ``settings``; resources are closed by ``stack``."""
    rules, operations = _schema_parts(settings, sdl=sdl, api_schema=api_schema)
    store = settings.apq_store()
    if isinstance(store, RedisStore):
        stack.push_async_callback(store.aclose)
    return EdgeRuntime(
        settings=settings,
        limits=operations.limits,
        rules=rules,
        operations=operations,
        persisted=settings.persisted_queries(store),
        header_rules=settings.header_rule_set(),
        guard=settings.subgraph_guard(on_change=on_circuit_change),
        verifier=JwtVerifier.from_settings(settings, http_client=http),
    )


def rebind_edge(edge: EdgeRuntime, *, sdl: str, api_schema: GraphQLSchema) -> EdgeRuntime:
    """The edge for another supergraph: new authorization rules, costs and request cache;
    the persisted queries, header rules, breakers and JWT verifier are the process's own
    and carry over."""
    rules, operations = _schema_parts(edge.settings, sdl=sdl, api_schema=api_schema)
    return replace(edge, limits=operations.limits, rules=rules, operations=operations)


def _schema_parts(
    settings: Settings, *, sdl: str, api_schema: GraphQLSchema
) -> tuple[AuthorizationRules, EdgeOperations]:
    """What depends on the supergraph: ``@authenticated``/``@policy`` rules, ``@cost``, and
    the request cache of operations validated against the API schema."""
    cost = CostModel.from_supergraph_sdl(sdl, default_list_size=settings.cost_default_list_size)
    rules = (
        AuthorizationRules.from_supergraph_sdl(sdl)
        if settings.authorization_enabled
        else AuthorizationRules()
    )
    operations = EdgeOperations(
        api_schema,
        limits=settings.limits(),
        cost=cost,
        rules=rules,
        validation_rules=settings.validation_rules(),
        hide_suggestions=not settings.field_suggestions_enabled,
        reject_unauthorized=settings.authorization_reject_unauthorized,
        max_errors=settings.authorization_max_errors,
        maxsize=settings.request_cache_size,
    )
    return rules, operations

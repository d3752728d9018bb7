"""The edge hooks around the real operation, planner and executor (the order of
``docs/edge-wiring.md``): limits -> validate -> authorize -> normalize -> plan -> execute ->
restore nulls. Subgraph traffic is real HTTP semantics over ``httpx.ASGITransport``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
from graphql import parse, validate
from gwharness import Subgraph
from gwharness.net import upstream_client

from gateway.edge import (
    AuthorizationRules,
    CostModel,
    GuardedTransport,
    LimitExceeded,
    OperationLimits,
    RetryPolicy,
    SubgraphGuard,
    authorize,
    check_operation,
    check_tokens,
    claims_policy_evaluator,
    restore_nulls,
)
from gateway.executor import Executor
from gateway.operation import coerce_variables, normalize_operation
from gateway.planner import Planner
from gateway.settings import Settings
from gateway.supergraph import Supergraph
from gateway.transport import Transport
from servicekit.auth import Principal

SHOP_SDL = """
type Query {
  me: User
  users(first: Int): [User!]!
  user(id: ID!): User
  posts: [Post!]!
  post(id: ID!): Post
  search(term: String): [SearchResult!]!
  feed(limit: Int): PostConnection
  expensive: Int
  hello: String
  badge: Badge
}
type Mutation { createPost(title: String!): PublicPost! deletePost(id: ID!): Boolean }
type User { id: ID! name: String email: String secret: String! posts: [Post!]! profile: Profile }
type Profile { bio: String }
interface Post { id: ID! title: String! }
type PublicPost implements Post { id: ID! title: String! views: Int }
type PrivatePost implements Post { id: ID! title: String! }
type PostConnection { edges: [PostEdge!]! }
type PostEdge { node: Post! }
union SearchResult = User | PublicPost
enum Badge { GOLD SILVER }
"""

USERS: list[dict[str, Any]] = [
    {"id": "1", "name": "Ada", "email": "ada@x", "secret": "s1"},
    {"id": "2", "name": "Bob", "email": "bob@x", "secret": "s2"},
]
POSTS: list[dict[str, Any]] = [
    {"__typename": "PublicPost", "id": "p1", "title": "Open", "views": 7},
    {"__typename": "PrivatePost", "id": "p2", "title": "Closed"},
]


def shop() -> Subgraph:
    return Subgraph(
        "shop",
        SHOP_SDL,
        resolvers={
            "Query": {
                "hello": lambda _parent: "hi",
                "me": lambda _parent: USERS[0],
                "users": lambda _parent, **_args: USERS,
                "user": lambda _parent, id: next(u for u in USERS if u["id"] == id),
                "posts": lambda _parent: POSTS,
                "search": lambda _parent, **_args: [
                    {"__typename": "User", **USERS[0]},
                    {**POSTS[0]},
                ],
            }
        },
    )


@dataclass
class Edge:
    supergraph: Supergraph
    subgraph: Subgraph
    planner: Planner
    executor: Executor
    rules: AuthorizationRules
    cost: CostModel
    limits: OperationLimits

    async def run(
        self,
        query: str,
        principal: Principal | None = None,
        variables: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        api = self.supergraph.api_schema
        check_tokens(query, self.limits)
        doc = parse(query)
        check_operation(doc, self.limits, schema=api, cost_model=self.cost, variables=variables)
        assert validate(api, doc) == []
        granted = claims_policy_evaluator(principal, self.rules.policy_names)
        auth = authorize(
            doc, schema=api, rules=self.rules, principal=principal, granted_policies=granted
        )
        if auth.document is None:  # nothing left to run: no subgraph call at all
            return {"data": restore_nulls({}, auth.nulls), "errors": list(auth.errors)}
        operation = normalize_operation(api, auth.document, None)
        plan = self.planner.plan(operation)
        coerced = coerce_variables(api, operation, variables)
        result = await self.executor.execute(plan, variables=variables, coerced=coerced)
        body: dict[str, Any] = {"data": restore_nulls(result.data, auth.nulls)}
        errors = [*auth.errors, *result.errors]
        if errors:
            body["errors"] = errors
        return body


@pytest.fixture
async def edge(supergraph: Supergraph) -> AsyncIterator[Edge]:
    subgraph = shop()
    client = upstream_client({"shop": subgraph})
    transport = Transport(
        client=client, urls={"shop": subgraph.url}, settings=Settings(dedup_enabled=False)
    )
    executor = Executor(
        api_schema=supergraph.api_schema,
        supergraph_schema=supergraph.supergraph_schema,
        transport=transport,
    )
    try:
        yield Edge(
            supergraph,
            subgraph,
            Planner(supergraph),
            executor,
            AuthorizationRules.from_supergraph_sdl(supergraph.sdl),
            CostModel.from_supergraph_sdl(supergraph.sdl),
            OperationLimits(max_cost=100),
        )
    finally:
        await client.aclose()


UNAUTHORIZED = {"code": "UNAUTHORIZED_FIELD_OR_TYPE"}


async def test_an_anonymous_caller_gets_null_for_the_removed_field(edge: Edge) -> None:
    result = await edge.run("{ me { name } hello }")
    assert result == {
        "data": {"me": None, "hello": "hi"},
        "errors": [
            {"message": "Unauthorized field or type", "path": ["me"], "extensions": UNAUTHORIZED}
        ],
    }
    assert "me" not in edge.subgraph.operations()[0]  # never asked for


async def test_an_authenticated_caller_gets_everything(edge: Edge) -> None:
    result = await edge.run("{ me { name } hello }", Principal(subject="u1"))
    assert result == {"data": {"me": {"name": "Ada"}, "hello": "hi"}}


async def test_missing_scopes_null_the_field_in_every_item(edge: Edge) -> None:
    reader = Principal(subject="u1", scopes=frozenset({"read:users"}))
    result = await edge.run("{ users { name email } }", reader)
    assert result == {
        "data": {"users": [{"name": "Ada", "email": None}, {"name": "Bob", "email": None}]},
        "errors": [
            {
                "message": "Unauthorized field or type",
                "path": ["users", "@", "email"],
                "extensions": UNAUTHORIZED,
            }
        ],
    }
    assert "email" not in edge.subgraph.operations()[0]


async def test_a_removed_non_null_field_nulls_its_parent(edge: Edge) -> None:
    result = await edge.run('{ user(id: "1") { id secret } hello }', Principal(subject="u1"))
    assert result == {
        "data": {"user": None, "hello": "hi"},
        "errors": [
            {
                "message": "Unauthorized field or type",
                "path": ["user", "secret"],
                "extensions": UNAUTHORIZED,
            }
        ],
    }
    owner = Principal(subject="u1", claims={"owner": True})
    assert (await edge.run('{ user(id: "1") { id secret } }', owner)) == {
        "data": {"user": {"id": "1", "secret": "s1"}}
    }


async def test_removed_fields_under_a_type_condition_and_no_internal_key_leaks(
    edge: Edge,
) -> None:
    result = await edge.run("{ posts { ... on PublicPost { title views } } }")
    assert result == {
        "data": {"posts": [{"title": "Open", "views": None}, {}]},
        "errors": [
            {
                "message": "Unauthorized field or type",
                "path": ["posts", "@", "views"],
                "extensions": UNAUTHORIZED,
            }
        ],
    }


async def test_a_fragment_on_a_union_member_through_a_named_fragment(edge: Edge) -> None:
    query = """
    { search { ...Q ... on User { id } } }
    fragment Q on SearchResult { ... on User { email } }
    """
    result = await edge.run(query, Principal(subject="u1"))
    assert result == {
        "data": {"search": [{"email": None, "id": "1"}, {}]},
        "errors": [
            {
                "message": "Unauthorized field or type",
                "path": ["search", "@", "email"],
                "extensions": UNAUTHORIZED,
            }
        ],
    }


async def test_a_fully_removed_operation_makes_no_subgraph_call(edge: Edge) -> None:
    result = await edge.run("{ me { id } }")
    assert result == {
        "data": {"me": None},
        "errors": [
            {"message": "Unauthorized field or type", "path": ["me"], "extensions": UNAUTHORIZED}
        ],
    }
    assert edge.subgraph.count == 0


async def test_a_costly_request_is_refused_and_the_next_one_served(edge: Edge) -> None:
    reader = Principal(subject="u1", scopes=frozenset({"read:users"}))
    with pytest.raises(LimitExceeded) as err:
        await edge.run("{ users(first: 500) { profile { bio } } }", reader)
    assert err.value.code == "COST_ESTIMATED_TOO_EXPENSIVE"
    assert edge.subgraph.count == 0
    assert await edge.run("{ hello }") == {"data": {"hello": "hi"}}


async def test_an_open_circuit_becomes_a_coded_error_for_that_fetch(supergraph: Supergraph) -> None:
    subgraph = shop()
    subgraph.status = 503
    subgraph.fixed_body = b"busy"
    client = upstream_client({"shop": subgraph})
    guard = SubgraphGuard(
        failure_threshold=1, reset_timeout_s=60, retry=RetryPolicy(max_attempts=1)
    )
    transport = GuardedTransport(
        client=client,
        urls={"shop": subgraph.url},
        settings=Settings(dedup_enabled=False),
        guard=guard,
    )
    executor = Executor(api_schema=supergraph.api_schema, transport=transport)
    api = supergraph.api_schema
    plan = Planner(supergraph).plan(normalize_operation(api, parse("{ hello }"), None))
    try:
        first = await executor.execute(plan)
        second = await executor.execute(plan)
    finally:
        await client.aclose()
    assert first.data == {"hello": None}
    assert [e["extensions"]["code"] for e in first.errors] == ["SUBREQUEST_HTTP_ERROR"]
    assert second.data == {"hello": None}
    assert [e["extensions"]["code"] for e in second.errors] == ["SUBREQUEST_HTTP_ERROR"]
    assert "circuit open" in second.errors[0]["message"]
    assert subgraph.count == 1  # the second request never left the gateway
    assert guard.states() == {"shop": 1}

"""A Federation 1 supergraph (join v0.1, ``@core``, ``@join__owner``) over Fed1-style
subgraphs that ``extend type`` entities with ``@external`` key fields, plus a value
type with no ``@join__type`` and a ``@requires`` on an external field."""

from __future__ import annotations

from typing import Any

from gwharness.subgraph import Subgraph

__all__ = ["FED1_SUPERGRAPH", "fed1_subgraphs"]

FED1_SUPERGRAPH = """
schema
  @core(feature: "https://specs.apollo.dev/core/v0.1")
  @core(feature: "https://specs.apollo.dev/join/v0.1")
{ query: Query }

directive @core(feature: String!) repeatable on SCHEMA
directive @join__field(graph: join__Graph, requires: join__FieldSet, provides: join__FieldSet)
  on FIELD_DEFINITION
directive @join__type(graph: join__Graph!, key: join__FieldSet) repeatable on OBJECT | INTERFACE
directive @join__owner(graph: join__Graph!) on OBJECT | INTERFACE
directive @join__graph(name: String!, url: String!) on ENUM_VALUE

scalar join__FieldSet

enum join__Graph {
  ACCOUNTS @join__graph(name: "accounts", url: "http://accounts/graphql")
  ORDERS @join__graph(name: "orders", url: "http://orders/graphql")
}

type Money {
  amount: Int!
  currency: String!
}

type Order
  @join__owner(graph: ORDERS)
  @join__type(graph: ORDERS, key: "id")
{
  id: ID! @join__field(graph: ORDERS)
  total: Money @join__field(graph: ORDERS)
  buyer: User @join__field(graph: ORDERS)
}

type Query {
  me: User @join__field(graph: ACCOUNTS)
  orders: [Order] @join__field(graph: ORDERS)
}

type User
  @join__owner(graph: ACCOUNTS)
  @join__type(graph: ACCOUNTS, key: "id")
  @join__type(graph: ORDERS, key: "id")
{
  id: ID! @join__field(graph: ACCOUNTS)
  name: String @join__field(graph: ACCOUNTS)
  orders: [Order] @join__field(graph: ORDERS)
  greeting: String @join__field(graph: ORDERS, requires: "name")
}
"""

USERS: dict[str, dict[str, Any]] = {"u1": {"id": "u1", "name": "Grace"},
                                    "u2": {"id": "u2", "name": "Edsger"}}  # fmt: skip
ORDERS: list[dict[str, Any]] = [
    {"id": "o1", "total": {"amount": 120, "currency": "EUR"}, "buyer": {"id": "u1"}},
    {"id": "o2", "total": None, "buyer": {"id": "u2"}},
    {"id": "o3", "total": {"amount": 5, "currency": "EUR"}, "buyer": {"id": "u1"}},
]


def accounts() -> Subgraph:
    return Subgraph(
        "accounts",
        """
        type User @key(fields: "id") { id: ID! name: String }
        extend type Query { me: User }
        """,
        resolvers={"Query": {"me": lambda _p: USERS["u1"]}},
        entities={"User": lambda r: USERS.get(r["id"])},
        federation=1,
    )


def orders() -> Subgraph:
    def user(rep: dict[str, Any]) -> dict[str, Any]:
        mine = [o for o in ORDERS if o["buyer"]["id"] == rep["id"]]
        out: dict[str, Any] = {"id": rep["id"], "orders": mine}
        if "name" in rep:
            out["greeting"] = f"Hello, {rep['name']}!"
        return out

    return Subgraph(
        "orders",
        """
        type Money { amount: Int! currency: String! }
        type Order @key(fields: "id") { id: ID! total: Money buyer: User }
        extend type User @key(fields: "id") {
          id: ID! @external
          name: String @external
          orders: [Order]
          greeting: String @requires(fields: "name")
        }
        extend type Query { orders: [Order] }
        """,
        resolvers={"Query": {"orders": lambda _p: ORDERS}},
        entities={"User": user, "Order": lambda r: next(o for o in ORDERS if o["id"] == r["id"])},
        federation=1,
    )


def fed1_subgraphs() -> list[Subgraph]:
    return [accounts(), orders()]

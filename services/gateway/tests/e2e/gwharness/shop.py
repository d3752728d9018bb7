"""The shop scenario: products, inventory, reviews and accounts (keys, requires,
provides, shareable fields, entity lists, lists of lists, mutations)."""

from __future__ import annotations

from typing import Any

from gwharness.sdl import join_v03
from gwharness.subgraph import Subgraph

__all__ = ["SHOP_SUPERGRAPH", "shop_subgraphs"]

SHOP_SUPERGRAPH = join_v03(
    ["accounts", "inventory", "products", "reviews"],
    """
type Query
  @join__type(graph: ACCOUNTS) @join__type(graph: INVENTORY)
  @join__type(graph: PRODUCTS) @join__type(graph: REVIEWS)
{
  me: User @join__field(graph: ACCOUNTS)
  user(id: ID!): User @join__field(graph: ACCOUNTS)
  topProducts(first: Int = 5): [Product!]! @join__field(graph: PRODUCTS)
  product(upc: String!): Product @join__field(graph: PRODUCTS)
  productGrid: [[Product]] @join__field(graph: PRODUCTS)
  latestReviews: [Review!]! @join__field(graph: REVIEWS)
}

type Mutation @join__type(graph: ACCOUNTS) @join__type(graph: REVIEWS) {
  rename(id: ID!, name: String!): User @join__field(graph: ACCOUNTS)
  addReview(upc: String!, body: String!): Review @join__field(graph: REVIEWS)
}

type Product
  @join__type(graph: INVENTORY, key: "upc")
  @join__type(graph: PRODUCTS, key: "upc")
  @join__type(graph: REVIEWS, key: "upc")
{
  upc: String!
  weight: Int @join__field(graph: INVENTORY, external: true) @join__field(graph: PRODUCTS)
  price: Int @join__field(graph: INVENTORY, external: true) @join__field(graph: PRODUCTS)
  inStock: Boolean @join__field(graph: INVENTORY)
  shippingEstimate: Int @join__field(graph: INVENTORY, requires: "price weight")
  name: String @join__field(graph: PRODUCTS)
  category: Category @join__field(graph: PRODUCTS)
  reviews: [Review!]! @join__field(graph: REVIEWS)
}

type Review @join__type(graph: REVIEWS) {
  id: ID!
  body: String!
  author: User @join__field(graph: REVIEWS, provides: "username")
  product: Product
}

type User @join__type(graph: ACCOUNTS, key: "id") @join__type(graph: REVIEWS, key: "id") {
  id: ID!
  name: String @join__field(graph: ACCOUNTS)
  username: String @join__field(graph: ACCOUNTS) @join__field(graph: REVIEWS, external: true)
  reviews: [Review!]! @join__field(graph: REVIEWS)
}

enum Category @join__type(graph: PRODUCTS) {
  FURNITURE @join__enumValue(graph: PRODUCTS)
  LIGHTING @join__enumValue(graph: PRODUCTS)
}
""",
    mutation=True,
)

USERS: dict[str, dict[str, Any]] = {
    "u1": {"id": "u1", "name": "Ada Lovelace", "username": "@ada"},
    "u2": {"id": "u2", "name": "Alan Turing", "username": "@alan"},
}
PRODUCTS: list[dict[str, Any]] = [
    {"upc": "1", "name": "Table", "price": 899, "weight": 100, "category": "FURNITURE"},
    {"upc": "2", "name": "Couch", "price": 1299, "weight": 1000, "category": "FURNITURE"},
    {"upc": "3", "name": "Lamp", "price": 54, "weight": 50, "category": "LIGHTING"},
    {"upc": "4", "name": "Ghost", "price": 5, "weight": 1, "category": "SPOOKY"},
]
INVENTORY: dict[str, dict[str, Any]] = {"1": {"inStock": True}, "2": {"inStock": False},
                                        "3": {"inStock": True}}  # fmt: skip
REVIEWS: list[dict[str, Any]] = [
    {"id": "r1", "body": "Love it!", "author": "u1", "product": "1"},
    {"id": "r2", "body": "Too expensive.", "author": "u2", "product": "2"},
    {"id": "r3", "body": "Could be better.", "author": "u1", "product": "3"},
    {"id": "r4", "body": "Prefer something else.", "author": "u1", "product": "1"},
]


def _by_upc(upc: str) -> dict[str, Any] | None:
    return next((p for p in PRODUCTS if p["upc"] == upc), None)


def _review(r: dict[str, Any]) -> dict[str, Any]:
    author = USERS[r["author"]]
    return {
        "id": r["id"],
        "body": r["body"],
        "author": {"id": author["id"], "username": author["username"]},
        "product": {"upc": r["product"]},
    }


def accounts() -> Subgraph:
    users = {k: dict(v) for k, v in USERS.items()}

    def rename(_p: object, id: str, name: str) -> dict[str, Any] | None:
        user = users.get(id)
        if user is not None:
            user["name"] = name
        return user

    return Subgraph(
        "accounts",
        """
        type User @key(fields: "id") { id: ID! name: String username: String @shareable }
        type Query { me: User user(id: ID!): User }
        type Mutation { rename(id: ID!, name: String!): User }
        schema { query: Query mutation: Mutation }
        """,
        resolvers={
            "Query": {"me": lambda _p: users["u1"], "user": lambda _p, id: users.get(id)},
            "Mutation": {"rename": rename},
        },
        entities={"User": lambda rep: users.get(rep["id"])},
    )


def products() -> Subgraph:
    def top(_p: object, first: int = 5) -> list[dict[str, Any]]:
        return PRODUCTS[:first]

    return Subgraph(
        "products",
        """
        type Product @key(fields: "upc") {
          upc: String! name: String price: Int weight: Int category: Category
        }
        enum Category { FURNITURE LIGHTING SPOOKY @inaccessible }
        type Query { topProducts(first: Int = 5): [Product!]!  product(upc: String!): Product
                     productGrid: [[Product]] }
        """,
        resolvers={
            "Query": {
                "topProducts": top,
                "product": lambda _p, upc: _by_upc(upc),
                "productGrid": lambda _p: [
                    [PRODUCTS[0], None, PRODUCTS[2]],
                    [],
                    [PRODUCTS[1], PRODUCTS[0]],
                ],
            }
        },
        entities={"Product": lambda rep: _by_upc(rep["upc"])},
    )


def inventory() -> Subgraph:
    def estimate(product: dict[str, Any]) -> int | None:
        price, weight = product.get("price"), product.get("weight")
        if price is None or weight is None:
            raise ValueError("price and weight are required")
        return 0 if price > 1000 else weight // 2

    def stock(product: dict[str, Any]) -> bool | None:
        if product["upc"] == "4":
            raise ValueError("Ghost is not in the warehouse")
        return bool(INVENTORY[product["upc"]]["inStock"])

    return Subgraph(
        "inventory",
        """
        type Product @key(fields: "upc") {
          upc: String! weight: Int @external price: Int @external
          inStock: Boolean shippingEstimate: Int @requires(fields: "price weight")
        }
        """,
        resolvers={"Product": {"shippingEstimate": estimate, "inStock": stock}},
        entities={"Product": dict},
    )


def reviews() -> Subgraph:
    added: list[dict[str, Any]] = []

    def add(_p: object, upc: str, body: str) -> dict[str, Any]:
        r = {"id": f"n{len(added) + 1}", "body": body, "author": "u2", "product": upc}
        added.append(r)
        return _review(r)

    def user_entity(rep: dict[str, Any]) -> dict[str, Any]:
        mine = [_review(r) for r in REVIEWS if r["author"] == rep["id"]]
        return {"id": rep["id"], "reviews": mine}

    def product_entity(rep: dict[str, Any]) -> dict[str, Any]:
        mine = [_review(r) for r in [*REVIEWS, *added] if r["product"] == rep["upc"]]
        return {"upc": rep["upc"], "reviews": mine}

    return Subgraph(
        "reviews",
        """
        type Review { id: ID! body: String! author: User @provides(fields: "username")
                      product: Product }
        type User @key(fields: "id") { id: ID! username: String @external reviews: [Review!]! }
        type Product @key(fields: "upc") { upc: String! reviews: [Review!]! }
        type Query { latestReviews: [Review!]! }
        type Mutation { addReview(upc: String!, body: String!): Review }
        schema { query: Query mutation: Mutation }
        """,
        resolvers={
            "Query": {"latestReviews": lambda _p: [_review(r) for r in REVIEWS]},
            "Mutation": {"addReview": add},
        },
        entities={"User": user_entity, "Product": product_entity},
    )


def shop_subgraphs(journal: list[str] | None = None) -> list[Subgraph]:
    """Fresh subgraphs (their own state and request counters)."""
    graphs = [accounts(), inventory(), products(), reviews()]
    for g in graphs:
        g.journal = journal
    return graphs

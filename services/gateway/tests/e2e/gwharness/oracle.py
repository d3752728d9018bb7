"""A differential oracle for the shop: the same data served by one monolithic
graphql-core schema (the supergraph's API schema), and a seeded generator of
client queries over it (design §8)."""

from __future__ import annotations

import random
from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLInterfaceType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    get_named_type,
)

from gwharness.shop import INVENTORY, PRODUCTS, REVIEWS, USERS

__all__ = ["generate_queries", "install_shop_resolvers"]


def _user(id_: str) -> dict[str, Any] | None:
    return USERS.get(id_)


def _product(upc: str) -> dict[str, Any] | None:
    return next((p for p in PRODUCTS if p["upc"] == upc), None)


def _stock(product: dict[str, Any], _info: Any) -> bool:
    if product["upc"] == "4":
        raise ValueError("Ghost is not in the warehouse")
    return bool(INVENTORY[product["upc"]]["inStock"])


def _estimate(product: dict[str, Any], _info: Any) -> int:
    return 0 if product["price"] > 1000 else product["weight"] // 2


def _reviews_of(key: str, value: str) -> list[dict[str, Any]]:
    return [r for r in REVIEWS if r[key] == value]


def install_shop_resolvers(schema: GraphQLSchema) -> None:
    """Resolvers for the shop's API schema over the same data as the subgraphs."""
    enum = schema.type_map["Category"]
    assert isinstance(enum, GraphQLEnumType)
    for value in enum.values.values():  # values are served as their names
        value.value = None
    resolvers: dict[str, dict[str, Any]] = {
        "Query": {
            "me": lambda _p, _i: USERS["u1"],
            "user": lambda _p, _i, id: _user(id),
            "topProducts": lambda _p, _i, first=5: PRODUCTS[:first],
            "product": lambda _p, _i, upc: _product(upc),
            "productGrid": lambda _p, _i: [
                [PRODUCTS[0], None, PRODUCTS[2]],
                [],
                [PRODUCTS[1], PRODUCTS[0]],
            ],
            "latestReviews": lambda _p, _i: REVIEWS,
        },
        "Product": {
            "inStock": _stock,
            "shippingEstimate": _estimate,
            "reviews": lambda p, _i: _reviews_of("product", p["upc"]),
        },
        "Review": {
            "author": lambda r, _i: _user(r["author"]),
            "product": lambda r, _i: _product(r["product"]),
        },
        "User": {"reviews": lambda u, _i: _reviews_of("author", u["id"])},
    }
    for type_name, fields in resolvers.items():
        gql_type = schema.type_map[type_name]
        assert isinstance(gql_type, GraphQLObjectType)
        for name, fn in fields.items():
            gql_type.fields[name].resolve = fn


_ARGS = {
    ("Query", "user"): ['(id: "u1")', '(id: "u2")', '(id: "zz")'],
    ("Query", "product"): ['(upc: "1")', '(upc: "3")', '(upc: "9")'],
    ("Query", "topProducts"): ["", "(first: 2)", "(first: 4)"],
}


def _selection(schema: GraphQLSchema, type_name: str, rng: random.Random, depth: int) -> str:
    gql_type = schema.type_map[type_name]
    assert isinstance(gql_type, GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType)
    if isinstance(gql_type, GraphQLUnionType):
        return "__typename"
    names = [n for n in gql_type.fields if not n.startswith("_")]
    picked = rng.sample(names, k=min(len(names), rng.randint(1, 4)))
    parts: list[str] = []
    for n, name in enumerate(picked):
        field = gql_type.fields[name]
        named = get_named_type(field.type)
        composite = isinstance(named, GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType)
        if composite and depth >= 3:
            continue
        alias = f"a{n}: " if rng.random() < 0.2 else ""
        args = rng.choice(_ARGS.get((type_name, name), [""]))
        if any(a.type.__class__ is GraphQLNonNull for a in field.args.values()) and not args:
            continue
        sub = ""
        if composite:
            sub = " { " + _selection(schema, named.name, rng, depth + 1) + " }"
        parts.append(f"{alias}{name}{args}{sub}")
    if rng.random() < 0.25:
        parts.append("__typename")
    if rng.random() < 0.2 and parts:
        parts = [f"... on {type_name} {{ {' '.join(parts)} }}"]
    return " ".join(parts) or "__typename"


def generate_queries(schema: GraphQLSchema, count: int, seed: int) -> list[str]:
    """``count`` random but valid client queries over ``schema`` (deterministic by seed)."""
    rng = random.Random(seed)
    return ["{ " + _selection(schema, "Query", rng, 1) + " }" for _ in range(count)]

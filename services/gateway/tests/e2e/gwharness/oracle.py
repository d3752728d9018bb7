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

from gwharness import catalog
from gwharness.shop import INVENTORY, PRODUCTS, REVIEWS, USERS

__all__ = [
    "CATALOG_ARGS",
    "SHOP_ARGS",
    "generate_queries",
    "install_catalog_resolvers",
    "install_shop_resolvers",
]


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


SHOP_ARGS: dict[tuple[str, str], list[str]] = {
    ("Query", "user"): ['(id: "u1")', '(id: "u2")', '(id: "zz")'],
    ("Query", "product"): ['(upc: "1")', '(upc: "3")', '(upc: "9")'],
    ("Query", "topProducts"): ["", "(first: 2)", "(first: 4)"],
}


class _Generator:
    def __init__(
        self, schema: GraphQLSchema, rng: random.Random, args: dict[tuple[str, str], list[str]]
    ) -> None:
        self.schema = schema
        self.rng = rng
        self.args = args

    def selection(self, type_name: str, depth: int) -> str:
        rng = self.rng
        gql_type = self.schema.type_map[type_name]
        assert isinstance(gql_type, GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType)
        parts: list[str] = []
        if not isinstance(gql_type, GraphQLUnionType):
            parts = self.fields(gql_type, depth)
        if not isinstance(gql_type, GraphQLObjectType):
            # Abstract: fragments on some of the possible types.
            members = [t.name for t in self.schema.get_possible_types(gql_type)]
            for member in rng.sample(members, k=rng.randint(0, len(members))):
                member_type = self.schema.type_map[member]
                assert isinstance(member_type, GraphQLObjectType)
                inner = self.fields(member_type, depth)
                if inner:
                    parts.append(f"... on {member} {{ {' '.join(inner)} }}")
        if rng.random() < 0.25:
            parts.append("__typename")
        if rng.random() < 0.2 and parts:
            parts = [f"... on {type_name} {{ {' '.join(parts)} }}"]
        return " ".join(parts) or "__typename"

    def fields(self, gql_type: GraphQLObjectType | GraphQLInterfaceType, depth: int) -> list[str]:
        rng = self.rng
        names = [n for n in gql_type.fields if not n.startswith("_")]
        picked = rng.sample(names, k=min(len(names), rng.randint(1, 4)))
        parts: list[str] = []
        for n, name in enumerate(picked):
            field = gql_type.fields[name]
            named = get_named_type(field.type)
            composite = isinstance(
                named, GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType
            )
            if composite and depth >= 3:
                continue
            args = rng.choice(self.args.get((gql_type.name, name), [""]))
            if not args and any(isinstance(a.type, GraphQLNonNull) for a in field.args.values()):
                continue
            # Aliases keep response keys unique per type, so fragments always merge.
            alias = f"{name}_{n}: " if rng.random() < 0.2 else ""
            sub = ""
            if composite:
                sub = " { " + self.selection(named.name, depth + 1) + " }"
            parts.append(f"{alias}{name}{args}{sub}")
        return parts


def generate_queries(
    schema: GraphQLSchema,
    count: int,
    seed: int,
    args: dict[tuple[str, str], list[str]] | None = None,
) -> list[str]:
    """``count`` random but valid client queries over ``schema`` (deterministic by seed)."""
    generator = _Generator(schema, random.Random(seed), args if args is not None else SHOP_ARGS)
    return ["{ " + generator.selection("Query", 1) + " }" for _ in range(count)]


CATALOG_ARGS: dict[tuple[str, str], list[str]] = {
    ("Query", "search"): ['(term: "all")', '(term: "x")'],
    ("Query", "node"): ['(id: "b1")', '(id: "f1")', '(id: "b2")', '(id: "zz")'],
}


def install_catalog_resolvers(schema: GraphQLSchema) -> None:
    """Resolvers for the catalog's API schema over the same data as its subgraphs."""
    enum = schema.type_map["Format"]
    assert isinstance(enum, GraphQLEnumType)
    for value in enum.values.values():
        value.value = None
    books, films = catalog.BOOKS, catalog.FILMS

    def node(id_: str) -> dict[str, Any] | None:
        return books.get(id_) or films.get(id_)

    def search(_p: Any, _i: Any, term: str) -> list[dict[str, Any]]:
        hits: list[dict[str, Any]] = [books["b1"], {"__typename": "Author", "name": "Ursula"}]
        return [*hits, films["f1"]] if term == "all" else hits

    def store(field: str) -> Any:
        return lambda b, _i: catalog.STORE.get(b["id"], {}).get(field)

    resolvers: dict[str, dict[str, Any]] = {
        "Query": {
            "media": lambda _p, _i: [books["b1"], films["f1"], books["b2"]],
            "search": search,
            "node": lambda _p, _i, id: node(id),
            "nodes": lambda _p, _i: [books["b2"], films["f1"]],
            "topRated": lambda _p, _i: [
                node(i) for i, _r in sorted(catalog.RATINGS.items(), key=lambda kv: -kv[1])
            ],
            "bestseller": lambda _p, _i: books["b1"],
        },
        "Book": {
            "price": store("price"),
            "stock": store("stock"),
            "format": store("format"),
            "rating": lambda b, _i: catalog.RATINGS.get(b["id"]),
        },
        "Film": {"rating": lambda f, _i: catalog.RATINGS.get(f["id"])},
    }
    for type_name, fields in resolvers.items():
        gql_type = schema.type_map[type_name]
        assert isinstance(gql_type, GraphQLObjectType)
        for name, fn in fields.items():
            gql_type.fields[name].resolve = fn

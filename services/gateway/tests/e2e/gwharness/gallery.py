"""The gallery scenario: interface fields that are ``@external`` in the listing subgraph,
``@provides`` with type conditions on an interface-typed field, and an interface
implementing another.

- shop: ``interface Product { id name }``, ``interface Printed implements Product
  { pages }``, Book (Product & Printed) and Game whose ``name`` is ``@external``;
  ``Query.picks @provides("... on Book { name } ... on Game { name }")``, ``shelf``,
  ``printed``.
- names: ``Book``/``Game @key(id) { name @shareable }`` (no interface there).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from gwharness.composed import compose_subgraphs, fed2
from gwharness.subgraph import Subgraph

__all__ = ["NAMES", "SHOP", "gallery_subgraphs", "gallery_supergraph"]

# Names live in the names subgraph; shop only has them along the picks path.
NAMES: dict[str, str | None] = {"b1": "Dune", "b2": None, "g1": "Chess"}
SHOP: dict[str, dict[str, Any]] = {
    "b1": {"__typename": "Book", "id": "b1", "isbn": "978-0441", "pages": 412},
    "b2": {"__typename": "Book", "id": "b2", "isbn": None, "pages": None},
    "g1": {"__typename": "Game", "id": "g1", "players": 2},
}
PICKS = ["g1", "b1", "b2"]
SHELF = ["b2", "g1", "b1"]
PRINTED = ["b1", "b2"]


def shop() -> Subgraph:
    def listed(ids: list[str], *, with_names: bool) -> list[dict[str, Any]]:
        if with_names:
            return [{**SHOP[i], "name": NAMES[i]} for i in ids]
        return [SHOP[i] for i in ids]

    return Subgraph(
        "shop",
        fed2(
            """
            interface Product { id: ID! name: String }
            interface Printed implements Product { id: ID! name: String pages: Int }
            type Book implements Product & Printed @key(fields: "id") {
              id: ID! name: String @external isbn: String pages: Int
            }
            type Game implements Product @key(fields: "id") {
              id: ID! name: String @external players: Int
            }
            type Query {
              picks: [Product!]! @provides(fields: "... on Book { name } ... on Game { name }")
              shelf: [Product!]!
              printed: [Printed!]!
            }
            """,
            "@key",
            "@external",
            "@provides",
        ),
        resolvers={
            "Query": {
                "picks": lambda _p: listed(PICKS, with_names=True),
                "shelf": lambda _p: listed(SHELF, with_names=False),
                "printed": lambda _p: listed(PRINTED, with_names=False),
            }
        },
        entities={"Book": lambda r: SHOP.get(r["id"]), "Game": lambda r: SHOP.get(r["id"])},
    )


def names() -> Subgraph:
    def named(rep: dict[str, Any]) -> dict[str, Any] | None:
        if rep["id"] not in NAMES:
            return None
        return {"id": rep["id"], "name": NAMES[rep["id"]]}

    return Subgraph(
        "names",
        fed2(
            """
            type Book @key(fields: "id") { id: ID! name: String @shareable }
            type Game @key(fields: "id") { id: ID! name: String @shareable }
            """,
            "@key",
            "@shareable",
        ),
        entities={"Book": named, "Game": named},
    )


def gallery_subgraphs() -> list[Subgraph]:
    return [shop(), names()]


@cache
def gallery_supergraph() -> str:
    """Composed once per process by our composer."""
    return compose_subgraphs(gallery_subgraphs())

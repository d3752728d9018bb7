"""The catalog scenario: interfaces, unions, an ``@interfaceObject``, a full
``@override``, ``@inaccessible`` fields and enum values.

- library: ``interface Node @key(id)``, ``interface Media``, Book, Film, Author,
  ``union SearchHit``; it still *has* ``Book.price`` but store overrides it.
- ratings: ``Node @interfaceObject @key(id) { rating }`` and ``topRated``.
- store: ``Book @key(id) { price @override(from: "library") stock format }``.
"""

from __future__ import annotations

from typing import Any

from gwharness.sdl import join_v03
from gwharness.subgraph import Subgraph

__all__ = ["CATALOG_SUPERGRAPH", "catalog_subgraphs"]

CATALOG_SUPERGRAPH = join_v03(
    ["library", "ratings", "store"],
    """
type Query
  @join__type(graph: LIBRARY) @join__type(graph: RATINGS) @join__type(graph: STORE)
{
  media: [Media!]! @join__field(graph: LIBRARY)
  search(term: String!): [SearchHit!]! @join__field(graph: LIBRARY)
  node(id: ID!): Node @join__field(graph: LIBRARY)
  nodes: [Node!]! @join__field(graph: LIBRARY)
  topRated: [Node!]! @join__field(graph: RATINGS)
  bestseller: Book @join__field(graph: STORE)
}

interface Node
  @join__type(graph: LIBRARY, key: "id")
  @join__type(graph: RATINGS, key: "id", isInterfaceObject: true)
{
  id: ID!
  rating: Int @join__field(graph: RATINGS)
}

interface Media @join__type(graph: LIBRARY) {
  title: String!
}

type Book implements Node & Media
  @join__implements(graph: LIBRARY, interface: "Node")
  @join__implements(graph: LIBRARY, interface: "Media")
  @join__type(graph: LIBRARY, key: "id")
  @join__type(graph: STORE, key: "id")
{
  id: ID!
  title: String! @join__field(graph: LIBRARY)
  year: Int @join__field(graph: LIBRARY)
  author: Author @join__field(graph: LIBRARY)
  internalCode: String @join__field(graph: LIBRARY) @inaccessible
  price: Int @join__field(graph: STORE, override: "library")
  stock: Int @join__field(graph: STORE)
  format: Format @join__field(graph: STORE)
  rating: Int @join__field
}

type Film implements Node & Media
  @join__implements(graph: LIBRARY, interface: "Node")
  @join__implements(graph: LIBRARY, interface: "Media")
  @join__type(graph: LIBRARY, key: "id")
{
  id: ID!
  title: String! @join__field(graph: LIBRARY)
  minutes: Int @join__field(graph: LIBRARY)
  rating: Int @join__field
}

type Author @join__type(graph: LIBRARY) {
  name: String!
}

union SearchHit
  @join__type(graph: LIBRARY)
  @join__unionMember(graph: LIBRARY, member: "Book")
  @join__unionMember(graph: LIBRARY, member: "Film")
  @join__unionMember(graph: LIBRARY, member: "Author")
 = Book | Film | Author

enum Format @join__type(graph: STORE) {
  PAPER @join__enumValue(graph: STORE)
  EBOOK @join__enumValue(graph: STORE)
  AUDIO @join__enumValue(graph: STORE) @inaccessible
}
""",
)

BOOKS: dict[str, dict[str, Any]] = {
    "b1": {"__typename": "Book", "id": "b1", "title": "Dune", "year": 1965,
           "author": {"name": "Frank Herbert"}, "internalCode": "X-1", "price": -1},
    "b2": {"__typename": "Book", "id": "b2", "title": "Emma", "year": 1815,
           "author": {"name": "Jane Austen"}, "internalCode": "X-2", "price": -1},
}  # fmt: skip
FILMS: dict[str, dict[str, Any]] = {
    "f1": {"__typename": "Film", "id": "f1", "title": "Alien", "minutes": 117},
}
STORE: dict[str, dict[str, Any]] = {
    "b1": {"price": 1999, "stock": 3, "format": "PAPER"},
    "b2": {"price": 899, "stock": 0, "format": "AUDIO"},  # AUDIO is inaccessible
}
RATINGS: dict[str, int] = {"b1": 5, "b2": 4, "f1": 3}


def _node(id_: str) -> dict[str, Any] | None:
    return BOOKS.get(id_) or FILMS.get(id_)


def library() -> Subgraph:
    def search(_p: object, term: str) -> list[dict[str, Any]]:
        hits: list[dict[str, Any]] = [BOOKS["b1"], {"__typename": "Author", "name": "Ursula"}]
        return [*hits, FILMS["f1"]] if term == "all" else hits

    return Subgraph(
        "library",
        """
        interface Node @key(fields: "id") { id: ID! }
        interface Media { title: String! }
        type Book implements Node & Media @key(fields: "id") {
          id: ID! title: String! year: Int author: Author internalCode: String @inaccessible
          price: Int
        }
        type Film implements Node & Media @key(fields: "id") { id: ID! title: String! minutes: Int }
        type Author { name: String! }
        union SearchHit = Book | Film | Author
        type Query { media: [Media!]! search(term: String!): [SearchHit!]! node(id: ID!): Node
                     nodes: [Node!]! }
        """,
        resolvers={
            "Query": {
                "media": lambda _p: [BOOKS["b1"], FILMS["f1"], BOOKS["b2"]],
                "search": search,
                "node": lambda _p, id: _node(id),
                "nodes": lambda _p: [BOOKS["b2"], FILMS["f1"]],
            }
        },
        entities={
            "Book": lambda r: BOOKS.get(r["id"]),
            "Film": lambda r: FILMS.get(r["id"]),
            "Node": lambda r: _node(r["id"]),
        },
    )


def ratings() -> Subgraph:
    def node(rep: dict[str, Any]) -> dict[str, Any] | None:
        if rep["id"] not in RATINGS:
            return None
        return {"__typename": "Node", "id": rep["id"], "rating": RATINGS[rep["id"]]}

    return Subgraph(
        "ratings",
        """
        type Node @key(fields: "id") @interfaceObject { id: ID! rating: Int }
        type Query { topRated: [Node!]! }
        """,
        resolvers={
            "Query": {
                "topRated": lambda _p: [
                    {"__typename": "Node", "id": i, "rating": r}
                    for i, r in sorted(RATINGS.items(), key=lambda kv: -kv[1])
                ]
            }
        },
        entities={"Node": node},
    )


def store() -> Subgraph:
    def book(rep: dict[str, Any]) -> dict[str, Any] | None:
        data = STORE.get(rep["id"])
        return None if data is None else {"id": rep["id"], **data}

    return Subgraph(
        "store",
        """
        type Book @key(fields: "id") { id: ID! price: Int @override(from: "library")
                                       stock: Int format: Format }
        enum Format { PAPER EBOOK AUDIO @inaccessible }
        type Query { bestseller: Book }
        """,
        resolvers={"Query": {"bestseller": lambda _p: book({"id": "b1"})}},
        entities={"Book": book},
    )


def catalog_subgraphs() -> list[Subgraph]:
    return [library(), ratings(), store()]

"""The abstract-type case of ``bench.executor``: interfaces, a union and an entity jump.

Two Python subgraphs (the e2e harness's graphql-core ``Subgraph``, served in-process
over ASGI) answer from generated data: ``library`` has ``interface Media``, ``interface
Node @key(id)``, ``union SearchHit = Book | Film | Author`` and 300 media; ``store`` adds
``Book.price`` and ``Book.stock`` by entity fetch. Used only to record the answers
(``python -m bench.executor --record``); the replay needs neither the harness nor them.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from gateway.composition import SubgraphSource, compose

HARNESS = Path(__file__).resolve().parent.parent / "services" / "gateway" / "tests" / "e2e"
MEDIA = 300

LIBRARY_SDL = """
interface Node @key(fields: "id") { id: ID! }
interface Media { title: String! }
type Book implements Node & Media @key(fields: "id") { id: ID! title: String! year: Int }
type Film implements Node & Media @key(fields: "id") { id: ID! title: String! minutes: Int! }
type Author { name: String! born: Int }
union SearchHit = Book | Film | Author
type Query { media: [Media!]! search(term: String!): [SearchHit]! }
"""
STORE_SDL = 'type Book @key(fields: "id") { id: ID! price: Int! stock: Int }'


def _media() -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for i in range(MEDIA):
        if i % 3:
            out.append(
                {"__typename": "Book", "id": f"b{i}", "title": f"Book {i}", "year": 1900 + i}
            )
        else:
            out.append({"__typename": "Film", "id": f"f{i}", "title": f"Film {i}", "minutes": i})
    return out


def subgraphs() -> dict[str, Any]:
    """The two harness subgraphs by name (imports the harness from the gateway's tests)."""
    if str(HARNESS) not in sys.path:
        sys.path.insert(0, str(HARNESS))
    from gwharness.subgraph import Subgraph  # type: ignore[import-not-found]

    media = _media()
    hits: list[Any] = []
    for i, item in enumerate(media):
        hits.append(item)
        if i % 5 == 0:
            hits.append({"__typename": "Author", "name": f"Author {i}", "born": None})
        if i % 50 == 0:
            hits.append(None)
    library = Subgraph(
        "library",
        LIBRARY_SDL,
        resolvers={"Query": {"media": lambda _p: media, "search": lambda _p, term: hits}},
    )
    store = Subgraph(
        "store",
        STORE_SDL,
        entities={
            "Book": lambda rep: {"id": rep["id"], "price": 100 + len(rep["id"]), "stock": None}
        },
    )
    return {"library": library, "store": store}


def supergraph_sdl() -> str:
    """Our composition of the two subgraphs (kept in the recording for the replay)."""
    served = subgraphs()
    result = compose(
        [SubgraphSource(name, f"http://{name}/graphql", s.served_sdl) for name, s in served.items()]
    )
    if not result.ok:
        raise SystemExit(f"composition failed: {result.codes}")
    return result.supergraph_sdl

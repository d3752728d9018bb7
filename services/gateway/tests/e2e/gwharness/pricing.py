"""The pricing scenario: ``@requires`` in depth, and progressive override.

- items: ``Item @key(id) { name stock }`` and ``Query.items``; ``stock`` is overridden by
  prices under the label ``move-stock`` (join v0.4).
- prices: ``Item { price(currency: String! = "USD") discount stock }``.
- tax: ``Item { taxEur @requires(fields: "price(currency: \\"EUR\\")") }`` (a requirement
  with an argument, which may conflict with the client's own ``price``).
- ship: ``Item { finalEur @requires(fields: "taxEur discount") }``: a chain through tax,
  with requirements from two subgraphs.
"""

from __future__ import annotations

from typing import Any

from gwharness.sdl import join_v04
from gwharness.subgraph import Subgraph

__all__ = ["PRICING_SUPERGRAPH", "pricing_subgraphs"]

PRICING_SUPERGRAPH = join_v04(
    ["items", "prices", "ship", "tax"],
    """
type Query
  @join__type(graph: ITEMS) @join__type(graph: PRICES) @join__type(graph: SHIP)
  @join__type(graph: TAX)
{
  items: [Item!]! @join__field(graph: ITEMS)
  itemsBy(filter: ItemFilter!): [Item!]! @join__field(graph: ITEMS)
}

input ItemFilter @join__type(graph: ITEMS) {
  ids: [ID!]
  currency: String
}

type Item
  @join__type(graph: ITEMS, key: "id")
  @join__type(graph: PRICES, key: "id")
  @join__type(graph: SHIP, key: "id")
  @join__type(graph: TAX, key: "id")
{
  id: ID!
  name: String @join__field(graph: ITEMS)
  stock: Int
    @join__field(graph: ITEMS, overrideLabel: "move-stock")
    @join__field(graph: PRICES, override: "items", overrideLabel: "move-stock")
  price(currency: String! = "USD"): Float
    @join__field(graph: PRICES) @join__field(graph: TAX, external: true)
  discount: Float @join__field(graph: PRICES) @join__field(graph: SHIP, external: true)
  taxEur: Float @join__field(graph: SHIP, external: true)
    @join__field(graph: TAX, requires: "price(currency: \\"EUR\\")")
  finalEur: Float @join__field(graph: SHIP, requires: "taxEur discount")
}
""",
)

ITEMS = [{"id": "i1", "name": "Pen", "stock": 1}, {"id": "i2", "name": "Ink", "stock": 2}]
PRICES = {"i1": {"USD": 2.0, "EUR": 1.8}, "i2": {"USD": 10.0, "EUR": 9.0}}
DISCOUNT = {"i1": 0.5, "i2": None}
NEW_STOCK = {"i1": 100, "i2": 200}


def items() -> Subgraph:
    return Subgraph(
        "items",
        """
        type Item @key(fields: "id") { id: ID! name: String stock: Int }
        input ItemFilter { ids: [ID!] currency: String }
        type Query { items: [Item!]!  itemsBy(filter: ItemFilter!): [Item!]! }
        """,
        resolvers={
            "Query": {
                "items": lambda _p: ITEMS,
                "itemsBy": lambda _p, filter: [
                    i for i in ITEMS if filter.get("ids") is None or i["id"] in filter["ids"]
                ],
            }
        },
        entities={"Item": lambda r: next(i for i in ITEMS if i["id"] == r["id"])},
    )


def prices() -> Subgraph:
    def price(item: dict[str, Any], currency: str = "USD") -> float:
        return PRICES[item["id"]][currency]

    return Subgraph(
        "prices",
        """
        type Item @key(fields: "id") {
          id: ID! price(currency: String! = "USD"): Float discount: Float
          stock: Int @override(from: "items", label: "move-stock")
        }
        """,
        resolvers={"Item": {"price": price}},
        entities={
            "Item": lambda r: {
                "id": r["id"],
                "discount": DISCOUNT[r["id"]],
                "stock": NEW_STOCK[r["id"]],
            }
        },
    )


def tax() -> Subgraph:
    def item(rep: dict[str, Any]) -> dict[str, Any]:
        eur = rep.get("price")
        return {"id": rep["id"], "taxEur": None if eur is None else round(eur * 0.2, 2)}

    return Subgraph(
        "tax",
        """
        type Item @key(fields: "id") {
          id: ID! price(currency: String!): Float @external
          taxEur: Float @requires(fields: "price(currency: \\"EUR\\")")
        }
        """,
        entities={"Item": item},
    )


def ship() -> Subgraph:
    def item(rep: dict[str, Any]) -> dict[str, Any]:
        tax_eur, discount = rep.get("taxEur"), rep.get("discount")
        final = None if tax_eur is None else round(tax_eur + 5 - (discount or 0), 2)
        return {"id": rep["id"], "finalEur": final}

    return Subgraph(
        "ship",
        """
        type Item @key(fields: "id") {
          id: ID! taxEur: Float @external discount: Float @external
          finalEur: Float @requires(fields: "taxEur discount")
        }
        """,
        entities={"Item": item},
    )


def pricing_subgraphs() -> list[Subgraph]:
    return [items(), prices(), ship(), tax()]

"""Sibling entity steps to one subgraph at one path are merged into one fetch."""

from __future__ import annotations

from textwrap import dedent

from qpkit import fetch_operations, plan_text, supergraph

# The benchmark's shape: inventory answers inStock by key alone and shippingEstimate with
# price and weight required from products (both come with the product list).
STORE = supergraph(
    "products inventory reviews",
    """
type Query
  @join__type(graph: PRODUCTS) @join__type(graph: INVENTORY) @join__type(graph: REVIEWS)
{
  topProducts: [Product!]! @join__field(graph: PRODUCTS)
  reviews: [Review!]! @join__field(graph: REVIEWS)
}
type Product
  @join__type(graph: PRODUCTS, key: "upc")
  @join__type(graph: INVENTORY, key: "upc")
  @join__type(graph: REVIEWS, key: "upc")
{
  upc: String!
  name: String @join__field(graph: PRODUCTS)
  price: Int @join__field(graph: PRODUCTS) @join__field(graph: INVENTORY, external: true)
  weight: Int @join__field(graph: PRODUCTS) @join__field(graph: INVENTORY, external: true)
  inStock: Boolean @join__field(graph: INVENTORY)
  shippingEstimate: Int @join__field(graph: INVENTORY, requires: "price weight")
}
type Review @join__type(graph: REVIEWS, key: "id") {
  id: ID!
  product: Product! @join__field(graph: REVIEWS)
}
""",
)


def test_a_plain_and_a_requires_step_after_one_parent_share_a_fetch() -> None:
    expected = dedent(
        """\
        QueryPlan {
          Sequence {
            Fetch(service: "products") {
              {
                topProducts {
                  __typename
                  upc
                  price
                  weight
                }
              }
            },
            Flatten(path: "topProducts.@") {
              Fetch(service: "inventory") {
                { ... on Product { __typename upc price weight } } =>
                { ... on Product { inStock shippingEstimate } }
              },
            },
          },
        }
        """
    ).strip()
    assert plan_text(STORE, "{ topProducts { inStock shippingEstimate } }") == expected


def test_steps_under_different_conditions_stay_apart() -> None:
    """Merged, the conditioned part would run (or be skipped) with the other."""
    query = "query($v: Boolean!) { topProducts { inStock shippingEstimate @include(if: $v) } }"
    services = [service for service, _ in fetch_operations(STORE, query)]
    assert services == ["products", "inventory", "inventory"]


def test_steps_after_different_parents_stay_apart() -> None:
    """inStock can go as soon as the reviews answer; shippingEstimate waits for products."""
    query = "{ reviews { product { inStock shippingEstimate } } }"
    services = [service for service, _ in fetch_operations(STORE, query)]
    assert sorted(services) == ["inventory", "inventory", "products", "reviews"]

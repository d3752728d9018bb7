"""Entity steps to one subgraph at one path share one fetch when that delays nothing."""

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
  warehouse: Warehouse @join__field(graph: INVENTORY)
}
type Warehouse @join__type(graph: INVENTORY, key: "id") @join__type(graph: REVIEWS, key: "id") {
  id: ID!
  rating: Int @join__field(graph: REVIEWS)
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


def test_a_conditioned_step_joins_the_other_under_its_directive() -> None:
    """inStock's fetch is made anyway, and price and weight come with the product list
    whatever $v: shippingEstimate joins it, guarded by the client's directive."""
    query = "query($v: Boolean!) { topProducts { inStock shippingEstimate @include(if: $v) } }"
    assert fetch_operations(STORE, query) == [
        ("products", "query { topProducts { __typename upc price weight } }"),
        (
            "inventory",
            "query($representations: [_Any!]!, $v: Boolean!) { _entities(representations: "
            "$representations) { ... on Product { inStock ... @include(if: $v) "
            "{ shippingEstimate } } } }",
        ),
    ]


def test_a_leaf_step_joins_a_later_step_whose_parents_come_after_its_own() -> None:
    """inStock could go right after reviews, but shippingEstimate waits for products anyway
    and nothing waits for inStock: one inventory fetch after products answers both."""
    expected = dedent(
        """\
        QueryPlan {
          Sequence {
            Fetch(service: "reviews") {
              {
                reviews {
                  product { __typename upc }
                }
              }
            },
            Flatten(path: "reviews.@.product") {
              Fetch(service: "products") {
                { ... on Product { __typename upc } } =>
                { ... on Product { price weight } }
              },
            },
            Flatten(path: "reviews.@.product") {
              Fetch(service: "inventory") {
                { ... on Product { __typename upc price weight } } =>
                { ... on Product { shippingEstimate inStock } }
              },
            },
          },
        }
        """
    ).strip()
    query = "{ reviews { product { inStock shippingEstimate } } }"
    assert plan_text(STORE, query) == expected


def test_a_step_others_wait_for_does_not_wait_for_a_later_one() -> None:
    """The warehouse step has a dependent (rating): joined to the shippingEstimate step it
    would wait for products, and rating with it."""
    query = "{ reviews { product { warehouse { rating } shippingEstimate } } }"
    services = [service for service, _ in fetch_operations(STORE, query)]
    assert sorted(services) == ["inventory", "inventory", "products", "reviews", "reviews"]

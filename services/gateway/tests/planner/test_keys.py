"""Planning entity jumps through @key: single jumps, chains, composite keys, lists."""

from __future__ import annotations

from textwrap import dedent

from qpkit import plan_text, supergraph

KEYS = supergraph(
    "a b c d",
    """
type Query
  @join__type(graph: A) @join__type(graph: B) @join__type(graph: C) @join__type(graph: D)
{
  product(upc: String!): Product @join__field(graph: A)
  products: [Product!]! @join__field(graph: A)
  matrix: [[Product]] @join__field(graph: A)
  top: Product @join__field(graph: D)
  org: Organization @join__field(graph: A)
}
type Product
  @join__type(graph: A, key: "upc")
  @join__type(graph: B, key: "upc")
  @join__type(graph: B, key: "sku")
  @join__type(graph: C, key: "sku")
  @join__type(graph: D, key: "upc", resolvable: false)
{
  upc: String! @join__field(graph: A) @join__field(graph: B) @join__field(graph: D)
  sku: String! @join__field(graph: B) @join__field(graph: C)
  name: String @join__field(graph: A)
  price: Int @join__field(graph: B)
  weight: Int @join__field(graph: C)
}
type Organization
  @join__type(graph: A, key: "id tenant { id }")
  @join__type(graph: C, key: "id tenant { id }")
{
  id: ID!
  tenant: Tenant!
  name: String @join__field(graph: A)
  budget: Int @join__field(graph: C)
}
type Tenant @join__type(graph: A) @join__type(graph: C) {
  id: ID!
}
""",
)


def test_a_single_jump_fetches_the_key_and_then_the_entity() -> None:
    """One key jump: the root fetch adds __typename and the key; the entity fetch sends them."""
    expected = dedent(
        """\
        QueryPlan {
          Sequence {
            Fetch(service: "a") {
              {
                product(upc: "1") {
                  name
                  __typename
                  upc
                }
              }
            },
            Flatten(path: "product") {
              Fetch(service: "b") {
                { ... on Product { __typename upc } } =>
                { ... on Product { price } }
              },
            },
          },
        }
        """
    ).strip()
    assert plan_text(KEYS, '{ product(upc: "1") { name price } }') == expected


def test_a_chain_through_different_keys_crosses_three_graphs() -> None:
    """A lacks C's key (sku): B supplies it, so the plan chains A -> B -> C."""
    expected = dedent(
        """\
        QueryPlan {
          Sequence {
            Fetch(service: "a") {
              {
                product(upc: "1") {
                  name
                  __typename
                  upc
                }
              }
            },
            Flatten(path: "product") {
              Fetch(service: "b") {
                { ... on Product { __typename upc } } =>
                {
                  ... on Product {
                    price
                    __typename
                    sku
                  }
                }
              },
            },
            Flatten(path: "product") {
              Fetch(service: "c") {
                { ... on Product { __typename sku } } =>
                { ... on Product { weight } }
              },
            },
          },
        }
        """
    ).strip()
    assert plan_text(KEYS, '{ product(upc: "1") { name price weight } }') == expected


def test_entity_lists_flatten_over_every_item() -> None:
    """A list of entities is flattened with one '@' per list level."""
    expected = dedent(
        """\
        QueryPlan {
          Sequence {
            Fetch(service: "a") {
              {
                products { __typename upc }
              }
            },
            Flatten(path: "products.@") {
              Fetch(service: "b") {
                { ... on Product { __typename upc } } =>
                { ... on Product { __typename sku } }
              },
            },
            Flatten(path: "products.@") {
              Fetch(service: "c") {
                { ... on Product { __typename sku } } =>
                { ... on Product { weight } }
              },
            },
          },
        }
        """
    ).strip()
    assert plan_text(KEYS, "{ products { weight } }") == expected


def test_lists_of_lists_flatten_twice() -> None:
    """A list of lists gets '@.@' in the Flatten path."""
    expected = dedent(
        """\
        QueryPlan {
          Sequence {
            Fetch(service: "a") {
              {
                matrix { __typename upc }
              }
            },
            Flatten(path: "matrix.@.@") {
              Fetch(service: "b") {
                { ... on Product { __typename upc } } =>
                { ... on Product { price } }
              },
            },
          },
        }
        """
    ).strip()
    assert plan_text(KEYS, "{ matrix { price } }") == expected


def test_non_resolvable_keys_are_never_a_target() -> None:
    """D only references Product (resolvable: false): other graphs answer its fields."""
    expected = dedent(
        """\
        QueryPlan {
          Sequence {
            Fetch(service: "d") {
              {
                top { __typename upc }
              }
            },
            Parallel {
              Flatten(path: "top") {
                Fetch(service: "a") {
                  { ... on Product { __typename upc } } =>
                  { ... on Product { name } }
                },
              },
              Flatten(path: "top") {
                Fetch(service: "b") {
                  { ... on Product { __typename upc } } =>
                  { ... on Product { price } }
                },
              },
            },
          },
        }
        """
    ).strip()
    assert plan_text(KEYS, "{ top { name price } }") == expected


def test_composite_and_nested_keys_are_sent_whole() -> None:
    """A key with a nested selection is collected and sent as written."""
    expected = dedent(
        """\
        QueryPlan {
          Sequence {
            Fetch(service: "a") {
              {
                org {
                  name
                  __typename
                  id
                  tenant { id }
                }
              }
            },
            Flatten(path: "org") {
              Fetch(service: "c") {
                { ... on Organization { __typename id tenant { id } } } =>
                { ... on Organization { budget } }
              },
            },
          },
        }
        """
    ).strip()
    assert plan_text(KEYS, "{ org { name budget } }") == expected


def test_fields_local_to_the_root_graph_need_no_jump() -> None:
    """A selection the root graph answers alone is one fetch."""
    expected = dedent(
        """\
        QueryPlan {
          Fetch(service: "a") {
            {
              product(upc: "1") { upc name }
            }
          },
        }
        """
    ).strip()
    assert plan_text(KEYS, '{ product(upc: "1") { upc name } }') == expected


TWO_KEYS = supergraph(
    "a b",
    """
type Query @join__type(graph: A) @join__type(graph: B) {
  product: Product @join__field(graph: A)
}
type Product
  @join__type(graph: A, key: "upc")
  @join__type(graph: B, key: "upc region { code }")
  @join__type(graph: B, key: "sku")
{
  upc: String!
  sku: String!
  region: Region!
  price: Int @join__field(graph: B)
}
type Region @join__type(graph: A) @join__type(graph: B) {
  code: String!
}
""",
)


def test_the_cheapest_of_several_keys_is_chosen() -> None:
    """B accepts (upc, region.code) or sku: the one-field key is sent, and only that one."""
    expected = dedent(
        """\
        QueryPlan {
          Sequence {
            Fetch(service: "a") {
              {
                product { __typename sku }
              }
            },
            Flatten(path: "product") {
              Fetch(service: "b") {
                { ... on Product { __typename sku } } =>
                { ... on Product { price } }
              },
            },
          },
        }
        """
    ).strip()
    assert plan_text(TWO_KEYS, "{ product { price } }") == expected

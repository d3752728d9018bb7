"""Planning @interfaceObject in both directions (§4.10)."""

from __future__ import annotations

from textwrap import dedent

from qpkit import plan, plan_text, supergraph

from gateway.plan import SetValue
from gateway.planner import iter_fetches

IO = supergraph(
    "catalog reviews",
    """
type Query @join__type(graph: CATALOG) @join__type(graph: REVIEWS) {
  products: [Product!]! @join__field(graph: CATALOG)
  topNodes: [Node!]! @join__field(graph: REVIEWS)
}
interface Node
  @join__type(graph: CATALOG, key: "id")
  @join__type(graph: REVIEWS, key: "id", isInterfaceObject: true)
{
  id: ID!
  reviewCount: Int @join__field(graph: REVIEWS)
}
type Product implements Node
  @join__implements(graph: CATALOG, interface: "Node")
  @join__type(graph: CATALOG, key: "id")
{
  id: ID!
  name: String @join__field(graph: CATALOG)
  reviewCount: Int @join__field
}
type Shop implements Node
  @join__implements(graph: CATALOG, interface: "Node")
  @join__type(graph: CATALOG, key: "id")
{
  id: ID!
  city: String @join__field(graph: CATALOG)
  reviewCount: Int @join__field
}
""",
)


def test_an_implementation_reaches_the_interface_object() -> None:
    """Product -> Node in reviews: inputs are Product, the fetch says ... on Node."""
    expected = dedent(
        """\
        QueryPlan {
          Sequence {
            Fetch(service: "catalog") {
              {
                products {
                  name
                  __typename
                  id
                }
              }
            },
            Flatten(path: "products.@") {
              Fetch(service: "reviews") {
                { ... on Product { __typename id } } =>
                { ... on Node { reviewCount } }
              },
            },
          },
        }
        """
    ).strip()
    assert plan_text(IO, "{ products { name reviewCount } }") == expected


def test_interface_object_fields_need_no_jump() -> None:
    """Fields of the interface object are answered by its own graph."""
    expected = dedent(
        """\
        QueryPlan {
          Fetch(service: "reviews") {
            {
              topNodes { id reviewCount }
            }
          },
        }
        """
    ).strip()
    assert plan_text(IO, "{ topNodes { id reviewCount } }") == expected


def test_typename_behind_an_interface_object_comes_from_the_real_graph() -> None:
    """reviews cannot tell the runtime type: catalog answers __typename."""
    expected = dedent(
        """\
        QueryPlan {
          Sequence {
            Fetch(service: "reviews") {
              {
                topNodes {
                  reviewCount
                  __typename
                  id
                }
              }
            },
            Flatten(path: "topNodes.@") {
              Fetch(service: "catalog") {
                { ... on Node { __typename id } } =>
                { ... on Node { __typename } }
              },
            },
          },
        }
        """
    ).strip()
    assert plan_text(IO, "{ topNodes { __typename reviewCount } }") == expected


def test_type_conditions_behind_an_interface_object_jump_first() -> None:
    """... on Product/Shop are resolved in catalog; reviewCount stays in reviews."""
    expected = dedent(
        """\
        QueryPlan {
          Sequence {
            Fetch(service: "reviews") {
              {
                topNodes {
                  reviewCount
                  __typename
                  id
                }
              }
            },
            Flatten(path: "topNodes.@") {
              Fetch(service: "catalog") {
                { ... on Node { __typename id } } =>
                {
                  ... on Node {
                    __typename
                    ... on Product { name }
                    ... on Shop { city }
                  }
                }
              },
            },
          },
        }
        """
    ).strip()
    assert (
        plan_text(
            IO,
            "{ topNodes { reviewCount ... on Product { name } ... on Shop { city reviewCount } } }",
        )
        == expected
    )


def test_the_representation_typename_is_rewritten_to_the_interface() -> None:
    """Representations sent to the interface-object graph say __typename: "Node"."""
    fetch = list(iter_fetches(plan(IO, "{ products { reviewCount } }")))[1]
    assert fetch.input_rewrites == (SetValue(("... on Product", "__typename"), "Node"),)


def test_a_type_condition_whose_fields_exist_on_the_interface_object_still_jumps() -> None:
    """Only catalog can tell which items are Products, so its __typename is fetched."""
    expected = dedent(
        """\
        QueryPlan {
          Sequence {
            Fetch(service: "reviews") {
              {
                topNodes {
                  reviewCount
                  id_0: id
                  __typename
                }
              }
            },
            Flatten(path: "topNodes.@") {
              Fetch(service: "catalog") {
                { ... on Node { __typename id } } =>
                { ... on Node { __typename } }
              },
            },
          },
        }
        """
    ).strip()
    query = "{ topNodes { reviewCount ... on Product { id_0: id reviewCount } } }"
    assert plan_text(IO, query) == expected

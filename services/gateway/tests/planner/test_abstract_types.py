"""Planning abstract types: interfaces and unions whose members differ by graph."""

from __future__ import annotations

from textwrap import dedent

from qpkit import plan_text, supergraph

ABS = supergraph(
    "shop extra",
    """
type Query @join__type(graph: SHOP) @join__type(graph: EXTRA) {
  items: [Item!]! @join__field(graph: SHOP)
  feed: [FeedItem!]! @join__field(graph: SHOP)
  promos: [Promo!]! @join__field(graph: EXTRA)
}
interface Item @join__type(graph: SHOP) @join__type(graph: EXTRA) {
  id: ID!
  name: String
}
type Shoe implements Item
  @join__type(graph: SHOP, key: "id") @join__type(graph: EXTRA, key: "id")
  @join__implements(graph: SHOP, interface: "Item") @join__implements(graph: EXTRA, interface: "Item")
{
  id: ID!
  name: String
  size: Int @join__field(graph: EXTRA)
}
type Hat implements Item
  @join__type(graph: SHOP, key: "id")
  @join__implements(graph: SHOP, interface: "Item")
{
  id: ID!
  name: String @join__field(graph: SHOP)
}
type Banner @join__type(graph: SHOP) { text: String }
union FeedItem @join__type(graph: SHOP)
  @join__unionMember(graph: SHOP, member: "Shoe") @join__unionMember(graph: SHOP, member: "Banner")
  = Shoe | Banner
union Promo @join__type(graph: EXTRA) @join__unionMember(graph: EXTRA, member: "Shoe") = Shoe | Hat
""",
)


def test_interface_fields_in_one_graph_implementation_fields_in_another() -> None:
    """Item fields come from shop; Shoe.size from extra, for Shoe items only."""
    expected = dedent(
        """\
        QueryPlan {
          Sequence {
            Fetch(service: "shop") {
              {
                items {
                  __typename
                  id
                  name
                  ... on Shoe { __typename id }
                }
              }
            },
            Flatten(path: "items.@") {
              Fetch(service: "extra") {
                { ... on Shoe { __typename id } } =>
                { ... on Shoe { size } }
              },
            },
          },
        }
        """
    ).strip()
    assert plan_text(ABS, "{ items { id name ... on Shoe { size } } }") == expected


def test_a_union_mixing_entities_and_value_types() -> None:
    """Banner is a value type answered in place; Shoe jumps for size."""
    expected = dedent(
        """\
        QueryPlan {
          Sequence {
            Fetch(service: "shop") {
              {
                feed {
                  __typename
                  ... on Banner { text }
                  ... on Shoe {
                    name
                    __typename
                    id
                  }
                }
              }
            },
            Flatten(path: "feed.@") {
              Fetch(service: "extra") {
                { ... on Shoe { __typename id } } =>
                { ... on Shoe { size } }
              },
            },
          },
        }
        """
    ).strip()
    assert (
        plan_text(ABS, "{ feed { ... on Banner { text } ... on Shoe { name size } } }") == expected
    )


def test_a_type_condition_unknown_to_the_graph_gives_an_empty_object() -> None:
    """extra cannot return Hat: only __typename is selected, so the client gets {} (H6)."""
    expected = dedent(
        """\
        QueryPlan {
          Fetch(service: "extra") {
            { promos { __typename } }
          },
        }
        """
    ).strip()
    assert plan_text(ABS, "{ promos { ... on Hat { name } } }") == expected


def test_union_members_differ_by_graph() -> None:
    """Only the members extra knows are fetched from it."""
    expected = dedent(
        """\
        QueryPlan {
          Fetch(service: "extra") {
            {
              promos {
                __typename
                ... on Shoe { size name }
              }
            }
          },
        }
        """
    ).strip()
    assert plan_text(ABS, "{ promos { ... on Shoe { size name } ... on Hat { id } } }") == expected

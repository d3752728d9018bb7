"""Planning unions (§4.10, H9): members that differ by graph, entities mixed with value types.

What must hold: a graph is only ever asked about the members it can return at that
position (type conditions it does not know are dropped, and an emptied selection asks
``__typename`` so the client gets ``{}``); entity members jump for their fields elsewhere,
value members are answered in place; a shared field returning the union goes to the graph
that can return the members asked.
"""

from __future__ import annotations

from textwrap import dedent

from qpkit import composed, fetch_operations, plan_text, supergraph

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


# The same union with different members in two graphs: Author is a's only, Publisher and
# the value type Note are b's only; Book is in both.
RESULTS = composed(
    a="""
    type Query { search: [Result!]! everything: [Result!]! @shareable }
    union Result = Book | Author
    type Book @key(fields: "id") { id: ID! title: String }
    type Author @key(fields: "id") { id: ID! name: String }
    """,
    b="""
    type Query { find: [Result!]! everything: [Result!]! @shareable }
    union Result = Book | Publisher | Note
    type Book @key(fields: "id") { id: ID! stock: Int }
    type Publisher @key(fields: "id") { id: ID! city: String }
    type Note { text: String }
    """,
)


def test_a_member_known_to_another_graph_only_is_not_asked() -> None:
    """a's search cannot return a Publisher; Books jump to b for stock."""
    expected = dedent(
        """\
        QueryPlan {
          Sequence {
            Fetch(service: "a") {
              {
                search {
                  __typename
                  ... on Book {
                    title
                    __typename
                    id
                  }
                }
              }
            },
            Flatten(path: "search.@") {
              Fetch(service: "b") {
                { ... on Book { __typename id } } =>
                { ... on Book { stock } }
              },
            },
          },
        }
        """
    ).strip()
    query = "{ search { ... on Book { title stock } ... on Publisher { city } } }"
    assert plan_text(RESULTS, query) == expected


def test_the_same_union_with_different_members_per_graph() -> None:
    """b's find asks its own members; Author (a's only) is dropped; Books get title from a."""
    expected = dedent(
        """\
        QueryPlan {
          Sequence {
            Fetch(service: "b") {
              {
                find {
                  __typename
                  ... on Book {
                    stock
                    __typename
                    id
                  }
                  ... on Publisher { city }
                }
              }
            },
            Flatten(path: "find.@") {
              Fetch(service: "a") {
                { ... on Book { __typename id } } =>
                { ... on Book { title } }
              },
            },
          },
        }
        """
    ).strip()
    query = (
        "{ find { ... on Book { title stock } ... on Author { name } ... on Publisher { city } } }"
    )
    assert plan_text(RESULTS, query) == expected


def test_only_members_unknown_to_the_graph_leave_typename() -> None:
    """Nothing b can return matches: items still exist, as {} (H6)."""
    expected = dedent(
        """\
        QueryPlan {
          Fetch(service: "b") {
            { find { __typename } }
          },
        }
        """
    ).strip()
    query = "{ find { ... on Author { name } } }"
    assert plan_text(RESULTS, query) == expected


def test_a_shared_union_field_goes_to_the_graph_knowing_the_member_asked() -> None:
    """Only b can return Publishers."""
    expected = dedent(
        """\
        QueryPlan {
          Fetch(service: "b") {
            {
              everything { __typename ... on Publisher { city } }
            }
          },
        }
        """
    ).strip()
    query = "{ everything { ... on Publisher { city } } }"
    assert plan_text(RESULTS, query) == expected


def test_a_shared_union_field_goes_to_the_other_graph_for_its_member() -> None:
    """Only a can return Authors."""
    expected = dedent(
        """\
        QueryPlan {
          Fetch(service: "a") {
            {
              everything { __typename ... on Author { name } }
            }
          },
        }
        """
    ).strip()
    query = "{ everything { ... on Author { name } } }"
    assert plan_text(RESULTS, query) == expected


def test_a_value_type_member_is_answered_in_place() -> None:
    """Note has no key: its fields come from the fetch that returned it."""
    expected = dedent(
        """\
        QueryPlan {
          Fetch(service: "b") {
            {
              find { __typename ... on Note { text } }
            }
          },
        }
        """
    ).strip()
    query = "{ find { __typename ... on Note { text } } }"
    assert plan_text(RESULTS, query) == expected


def test_a_member_no_graph_on_the_path_returns_is_never_named() -> None:
    """Publisher appears in no fetch of a's search: a would reject the type condition."""
    operations = fetch_operations(RESULTS, "{ search { ... on Publisher { city } } }")
    assert operations == [("a", "query { search { __typename } }")]

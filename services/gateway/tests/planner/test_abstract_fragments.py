"""Planning fragments on abstract types: on interfaces, on members, nested, named, under
@skip/@include, and with type conditions that exist only in some graphs.

What must hold: a fragment on an abstract type the graph knows is sent as written (no
explosion into every implementation); a type condition the graph does not know is asked
as the runtime types it can return here; members the client did not ask for never appear;
a fragment's variable condition travels with the fragment, and guards the fetches that
only it needs (an Include/Skip node).
"""

from __future__ import annotations

from textwrap import dedent

from qpkit import composed, fetch_operations, plan_text

# shop has the Node/Product interfaces and the FeedItem union; stock has its own interface
# Stocked, implemented by Book and Pen there only.
FEED = composed(
    shop="""
    type Query { feed: [FeedItem!]! node(id: ID!): Node }
    interface Node { id: ID! }
    interface Product implements Node { id: ID! name: String }
    union FeedItem = Book | Pen | Ad
    type Book implements Product & Node @key(fields: "id") { id: ID! name: String pages: Int }
    type Pen implements Product & Node @key(fields: "id") { id: ID! name: String ink: String }
    type Ad { text: String }
    """,
    stock="""
    type Query { stocked: [Stocked!]! }
    interface Stocked { inStock: Boolean }
    type Book implements Stocked @key(fields: "id") { id: ID! inStock: Boolean }
    type Pen implements Stocked @key(fields: "id") { id: ID! inStock: Boolean }
    """,
)


def test_a_fragment_on_an_interface_inside_a_union_is_sent_as_written() -> None:
    """shop knows Product: one ... on Product, with the nested member fragment inside."""
    expected = dedent(
        """\
        QueryPlan {
          Fetch(service: "shop") {
            {
              feed {
                __typename
                ... on Product { name ... on Book { pages } }
                ... on Ad { text }
              }
            }
          },
        }
        """
    ).strip()
    query = "{ feed { ... on Product { name ... on Book { pages } } ... on Ad { text } } }"
    assert plan_text(FEED, query) == expected


def test_nested_fragments_on_interfaces() -> None:
    """Node then Product, both known to shop, nested as the client wrote them."""
    expected = dedent(
        """\
        QueryPlan {
          Fetch(service: "shop") {
            {
              feed {
                __typename
                ... on Node { id ... on Product { name } }
              }
            }
          },
        }
        """
    ).strip()
    query = "{ feed { ... on Node { id ... on Product { name } } } }"
    assert plan_text(FEED, query) == expected


def test_a_fragment_on_one_member_asks_that_member_only() -> None:
    """Pens only: no Book or Ad in the fetch."""
    expected = dedent(
        """\
        QueryPlan {
          Fetch(service: "shop") {
            {
              feed { __typename ... on Pen { ink } }
            }
          },
        }
        """
    ).strip()
    query = "{ feed { ... on Pen { ink } } }"
    assert plan_text(FEED, query) == expected


def test_a_named_fragment_on_an_interface_with_a_member_jump() -> None:
    """The named fragment is inlined; only Pens jump to stock."""
    expected = dedent(
        """\
        QueryPlan {
          Sequence {
            Fetch(service: "shop") {
              {
                feed {
                  __typename
                  ... on Product {
                    name
                    ... on Pen { __typename id }
                  }
                }
              }
            },
            Flatten(path: "feed.@") {
              Fetch(service: "stock") {
                { ... on Pen { __typename id } } =>
                { ... on Pen { inStock } }
              },
            },
          },
        }
        """
    ).strip()
    query = "{ feed { ...P } } fragment P on Product { name ... on Pen { inStock } }"
    assert plan_text(FEED, query) == expected


def test_include_on_a_member_fragment_guards_its_jump() -> None:
    """The fragment keeps @include in shop's fetch; stock runs only when $v is true."""
    expected = dedent(
        """\
        QueryPlan {
          Sequence {
            Fetch(service: "shop", variables: [v]) {
              {
                feed {
                  __typename
                  ... on Book @include(if: $v) {
                    pages
                    __typename
                    id
                  }
                  ... on Ad { text }
                }
              }
            },
            Include(if: $v) {
              Flatten(path: "feed.@") {
                Fetch(service: "stock") {
                  { ... on Book { __typename id } } =>
                  { ... on Book { inStock } }
                },
              },
            },
          },
        }
        """
    ).strip()
    query = (
        "query ($v: Boolean!) { feed {"
        " ... on Book @include(if: $v) { pages inStock } ... on Ad { text } } }"
    )
    assert plan_text(FEED, query) == expected


def test_skip_on_an_interface_fragment_is_forwarded() -> None:
    """No jump depends on it: the directive rides in the fetch, with its variable."""
    expected = dedent(
        """\
        QueryPlan {
          Fetch(service: "shop", variables: [v]) {
            {
              feed { __typename ... on Product @skip(if: $v) { name } }
            }
          },
        }
        """
    ).strip()
    query = "query ($v: Boolean!) { feed { ... on Product @skip(if: $v) { name } } }"
    assert plan_text(FEED, query) == expected


def test_literal_conditions_on_fragments_are_evaluated() -> None:
    """@include(if: false) drops the Book fragment; @skip(if: false) vanishes."""
    expected = dedent(
        """\
        QueryPlan {
          Fetch(service: "shop") {
            {
              feed { __typename ... on Pen { ink } }
            }
          },
        }
        """
    ).strip()
    query = (
        "{ feed { ... on Book @include(if: false) { pages } ... on Pen @skip(if: false) { ink } } }"
    )
    assert plan_text(FEED, query) == expected


def test_include_on_a_field_inside_a_member_fragment() -> None:
    """Only inStock is conditioned: shop's fetch is unconditional, stock's is guarded."""
    expected = dedent(
        """\
        QueryPlan {
          Sequence {
            Fetch(service: "shop") {
              {
                feed {
                  __typename
                  ... on Book {
                    pages
                    __typename
                    id
                  }
                }
              }
            },
            Include(if: $v) {
              Flatten(path: "feed.@") {
                Fetch(service: "stock") {
                  { ... on Book { __typename id } } =>
                  { ... on Book { inStock } }
                },
              },
            },
          },
        }
        """
    ).strip()
    query = "query ($v: Boolean!) { feed { ... on Book { pages inStock @include(if: $v) } } }"
    assert plan_text(FEED, query) == expected


def test_a_type_condition_unknown_to_the_graph_becomes_its_runtime_types() -> None:
    """shop does not know Stocked: Books and Pens are asked for their keys, stock answers."""
    expected = dedent(
        """\
        QueryPlan {
          Sequence {
            Fetch(service: "shop") {
              {
                feed {
                  __typename
                  ... on Book { __typename id }
                  ... on Pen { __typename id }
                }
              }
            },
            Flatten(path: "feed.@") {
              Fetch(service: "stock") {
                { ... on Book { __typename id } ... on Pen { __typename id } } =>
                { ... on Book { inStock } ... on Pen { inStock } }
              },
            },
          },
        }
        """
    ).strip()
    query = "{ feed { ... on Stocked { inStock } } }"
    assert plan_text(FEED, query) == expected


def test_a_conditioned_type_condition_unknown_to_the_graph() -> None:
    """The condition moves onto each runtime-type fragment and guards stock's fetch."""
    expected = dedent(
        """\
        QueryPlan {
          Sequence {
            Fetch(service: "shop", variables: [v]) {
              {
                feed {
                  __typename
                  ... on Book @include(if: $v) { __typename id }
                  ... on Pen @include(if: $v) { __typename id }
                  ... on Ad { text }
                }
              }
            },
            Include(if: $v) {
              Flatten(path: "feed.@") {
                Fetch(service: "stock") {
                  { ... on Book { __typename id } ... on Pen { __typename id } } =>
                  { ... on Book { inStock } ... on Pen { inStock } }
                },
              },
            },
          },
        }
        """
    ).strip()
    query = (
        "query ($v: Boolean!) { feed {"
        " ... on Stocked @include(if: $v) { inStock } ... on Ad { text } } }"
    )
    assert plan_text(FEED, query) == expected


def test_an_interface_unknown_to_the_list_graph_jumps_per_runtime_type() -> None:
    """stock does not know Product: its Books and Pens get name from shop."""
    expected = dedent(
        """\
        QueryPlan {
          Sequence {
            Fetch(service: "stock") {
              {
                stocked {
                  __typename
                  inStock
                  ... on Book { __typename id }
                  ... on Pen { __typename id }
                }
              }
            },
            Flatten(path: "stocked.@") {
              Fetch(service: "shop") {
                { ... on Book { __typename id } ... on Pen { __typename id } } =>
                { ... on Book { name } ... on Pen { name } }
              },
            },
          },
        }
        """
    ).strip()
    query = "{ stocked { inStock ... on Product { name } } }"
    assert plan_text(FEED, query) == expected


def test_interface_and_member_fragments_from_the_other_side() -> None:
    """... on Node becomes per type in stock; Book's pages come from shop."""
    expected = dedent(
        """\
        QueryPlan {
          Sequence {
            Fetch(service: "stock") {
              {
                stocked {
                  __typename
                  ... on Book { id __typename }
                  ... on Pen { id }
                }
              }
            },
            Flatten(path: "stocked.@") {
              Fetch(service: "shop") {
                { ... on Book { __typename id } } =>
                { ... on Book { pages } }
              },
            },
          },
        }
        """
    ).strip()
    query = "{ stocked { ... on Node { id } ... on Book { pages } } }"
    assert plan_text(FEED, query) == expected


def test_members_the_client_did_not_ask_for_appear_in_no_fetch() -> None:
    """Ad and Book are never named: only Pen was asked."""
    operations = fetch_operations(FEED, "{ feed { ... on Pen { ink inStock } } }")
    assert [service for service, _ in operations] == ["shop", "stock"]
    for _, op in operations:
        assert "Book" not in op
        assert "Ad" not in op


def test_a_type_condition_is_never_sent_to_a_graph_without_that_type() -> None:
    """Stocked exists in stock only; Product and Node in shop only."""
    stocked = fetch_operations(FEED, "{ feed { ... on Stocked { inStock } } }")
    product = fetch_operations(FEED, "{ stocked { ... on Product { name } ... on Node { id } } }")
    assert [op for graph, op in stocked if graph == "shop" and "Stocked" in op] == []
    assert [op for graph, op in product if graph == "stock" and "Product" in op] == []
    assert [op for graph, op in product if graph == "stock" and "Node" in op] == []


# Article is posts' only: media's playlist can never return one.
PLAYLIST = composed(
    media="""
    type Query { playlist: [Item!]! }
    interface Content { id: ID! }
    union Item = Podcast
    type Podcast implements Content @key(fields: "id") { id: ID! }
    """,
    posts="""
    type Query { posts: [Article!]! }
    interface Content { id: ID! }
    union Item = Article
    type Article implements Content @key(fields: "id") { id: ID! title: String }
    """,
)


def test_a_conditioned_fragment_emptied_by_unknown_members_declares_no_variable() -> None:
    """Nothing under ... on Content @include(if: $v) survives in media: no $v either."""
    query = (
        "query ($v: Boolean!) { playlist { ... on Content @include(if: $v) "
        "{ ... on Article { title } } ... on Podcast { id } } }"
    )
    operations = fetch_operations(PLAYLIST, query)  # validated: no unused variable
    assert operations == [("media", "query { playlist { __typename ... on Podcast { id } } }")]

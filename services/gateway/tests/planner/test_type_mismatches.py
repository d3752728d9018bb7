"""Planning fields whose type differs by graph (H8): nullability and list shape.

Composition accepts a shared field that is ``String!`` in one graph and ``String`` in
another (the API schema takes the nullable one; ``join__field(type:)`` keeps each graph's).
What must hold: each fetch is valid for its graph (same response key under sibling
fragments must have the same type there, so the later one is aliased ``_qp<N>_<key>`` and
renamed back by an output rewrite before the merge); no alias where the types agree; and
the client's response is shaped by the API schema's type, not by any graph's.
"""

from __future__ import annotations

from textwrap import dedent

from qpkit import composed, plan, plan_text

from gateway.operation.tree import Field
from gateway.plan import RenameKey
from gateway.planner import iter_fetches
from gateway.supergraph import load_supergraph

# a: Book.code/tags/meta.size are non-null, Pen's are nullable; Product.name/sizes non-null.
# b: the same shared fields, all nullable.
SHAPES = composed(
    a="""
    type Query { items: [Item!]! product(id: ID!): Product }
    interface Item { id: ID! code: String }
    type Book implements Item @key(fields: "id") {
      id: ID!
      code: String! @shareable
      tags: [String!]! @shareable
      meta: BookMeta @shareable
    }
    type BookMeta @shareable { size: Int! }
    type Pen implements Item @key(fields: "id") {
      id: ID!
      code: String
      tags: [String]
      meta: PenMeta
    }
    type PenMeta { size: Int }
    type Product @key(fields: "id") { id: ID! name: String! @shareable sizes: [Int!]! @shareable }
    """,
    b="""
    type Query { products: [Product!]! }
    type Product @key(fields: "id") {
      id: ID!
      name: String @shareable
      sizes: [Int] @shareable
      stock: Int
    }
    type Book @key(fields: "id") {
      id: ID!
      code: String @shareable
      tags: [String] @shareable
      meta: BookMeta @shareable
    }
    type BookMeta @shareable { size: Int }
    """,
)


def test_sibling_fragments_whose_types_differ_in_the_graph_are_aliased() -> None:
    """tags is [String!]! on Book and [String] on Pen in a; meta's size is Int! vs Int."""
    expected = dedent(
        """\
        QueryPlan {
          Fetch(service: "a") {
            {
              items {
                __typename
                code
                ... on Book {
                  tags
                  meta { size }
                }
                ... on Pen {
                  _qp0_tags: tags
                  _qp0_meta: meta { size }
                }
              }
            }
          },
        }
        """
    ).strip()
    query = (
        "{ items { code ... on Book { tags meta { size } } ... on Pen { tags meta { size } } } }"
    )
    assert plan_text(SHAPES, query) == expected


def test_a_client_alias_is_aliased_again() -> None:
    """c: code is String! on Book and String on Pen in a: Pen's c becomes _qp0_c."""
    expected = dedent(
        """\
        QueryPlan {
          Fetch(service: "a") {
            {
              items {
                __typename
                ... on Book { c: code }
                ... on Pen { _qp0_c: code }
              }
            }
          },
        }
        """
    ).strip()
    query = "{ items { ... on Book { c: code } ... on Pen { c: code } } }"
    assert plan_text(SHAPES, query) == expected


def test_fields_of_the_same_type_in_the_graph_need_no_alias() -> None:
    """id is ID! everywhere: nothing to alias."""
    expected = dedent(
        """\
        QueryPlan {
          Fetch(service: "a") {
            {
              items {
                __typename
                ... on Book { id }
                ... on Pen { id }
              }
            }
          },
        }
        """
    ).strip()
    query = "{ items { ... on Book { id } ... on Pen { id } } }"
    assert plan_text(SHAPES, query) == expected


def test_an_interface_field_is_asked_once_whatever_the_implementations_types() -> None:
    """Item.code is an interface field in a: one selection, no fragments to disagree."""
    expected = dedent(
        """\
        QueryPlan {
          Fetch(service: "a") {
            {
              items { __typename code }
            }
          },
        }
        """
    ).strip()
    query = "{ items { code } }"
    assert plan_text(SHAPES, query) == expected


def test_a_shared_field_comes_from_the_graph_already_fetched() -> None:
    """name and sizes come non-null from a, stock from b."""
    expected = dedent(
        """\
        QueryPlan {
          Sequence {
            Fetch(service: "a") {
              {
                product(id: 1) {
                  name
                  sizes
                  __typename
                  id
                }
              }
            },
            Flatten(path: "product") {
              Fetch(service: "b") {
                { ... on Product { __typename id } } =>
                { ... on Product { stock } }
              },
            },
          },
        }
        """
    ).strip()
    query = "{ product(id: 1) { name sizes stock } }"
    assert plan_text(SHAPES, query) == expected


def test_the_same_shared_field_from_the_graph_where_it_is_nullable() -> None:
    """products is b's: name and sizes come nullable from b."""
    expected = dedent(
        """\
        QueryPlan {
          Fetch(service: "b") {
            {
              products { name sizes }
            }
          },
        }
        """
    ).strip()
    query = "{ products { name sizes } }"
    assert plan_text(SHAPES, query) == expected


def test_aliased_fields_are_renamed_back_before_the_merge() -> None:
    """One RenameKey per alias, filtered to Pen items; the aliases are recorded for errors."""
    query = (
        "{ items { code ... on Book { tags meta { size } } ... on Pen { tags meta { size } } } }"
    )
    [fetch] = iter_fetches(plan(SHAPES, query))
    assert fetch.output_rewrites == (
        RenameKey(("items", "... on Pen", "_qp0_tags"), "tags"),
        RenameKey(("items", "... on Pen", "_qp0_meta"), "meta"),
    )
    assert fetch.internal_aliases == (
        (("items", "_qp0_tags"), "tags"),
        (("items", "_qp0_meta"), "meta"),
    )


def test_a_client_alias_is_restored_under_its_own_name() -> None:
    """The rename goes back to the client's alias c, not to the field name."""
    [fetch] = iter_fetches(
        plan(SHAPES, "{ items { ... on Book { c: code } ... on Pen { c: code } } }")
    )
    assert fetch.output_rewrites == (RenameKey(("items", "... on Pen", "_qp0_c"), "c"),)


def test_the_client_shape_uses_the_api_types_not_the_graphs() -> None:
    """a answers name: String! and sizes: [Int!]!; the client's schema says String and [Int]."""
    result = plan(SHAPES, "{ product(id: 1) { name sizes stock } }")
    [product] = result.operation.selections
    assert isinstance(product, Field)
    types = {
        f.response_key: str(f.field_def.type)
        for f in product.selections
        if isinstance(f, Field) and f.field_def is not None
    }
    assert types == {"name": "String", "sizes": "[Int]", "stock": "Int"}
    name = load_supergraph(SHAPES).types["Product"].fields["name"]
    assert {r.graph: r.join.graph_type for r in name.resolvers} == {"a": "String!", "b": "String"}


def test_a_field_outside_and_inside_a_fragment_with_different_graph_types() -> None:
    """Item.code is String, Book.code String! in a: the fragment one is aliased, even first."""
    expected = dedent(
        """\
        QueryPlan {
          Fetch(service: "a") {
            {
              items {
                __typename
                ... on Book { _qp0_code: code }
                code
              }
            }
          },
        }
        """
    ).strip()
    query = "{ items { ... on Book { code } code } }"
    assert plan_text(SHAPES, query) == expected


def test_the_field_outside_the_fragment_keeps_the_key() -> None:
    """Only Book items carry the alias; the rename puts it back under code."""
    [fetch] = iter_fetches(plan(SHAPES, "{ items { ... on Book { code } code } }"))
    assert fetch.output_rewrites == (RenameKey(("items", "... on Book", "_qp0_code"), "code"),)


def test_a_field_repeated_with_other_directives_is_checked_as_one() -> None:
    """Both items fields merge in the subgraph: Pen code (String) yields to Book code (String!)."""
    expected = dedent(
        """\
        QueryPlan {
          Fetch(service: "a", variables: [v]) {
            {
              items { __typename ... on Book { code } }
              items @include(if: $v) { __typename ... on Pen { _qp0_code: code } }
            }
          },
        }
        """
    ).strip()
    query = (
        "query ($v: Boolean!) { items { ... on Book { code } } "
        "items @include(if: $v) { ... on Pen { code } } }"
    )
    assert plan_text(SHAPES, query) == expected


def test_the_rename_of_a_repeated_field_applies_under_its_key() -> None:
    """The RenameKey path names items, which both repeated fields write to."""
    query = (
        "query ($v: Boolean!) { items { ... on Book { code } } "
        "items @include(if: $v) { ... on Pen { code } } }"
    )
    [fetch] = iter_fetches(plan(SHAPES, query))
    assert fetch.output_rewrites == (RenameKey(("items", "... on Pen", "_qp0_code"), "code"),)

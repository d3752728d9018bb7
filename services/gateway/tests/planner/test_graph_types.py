"""Non-mergeable response keys (H8): subgraph types that differ under sibling fragments."""

from __future__ import annotations

from textwrap import dedent

from qpkit import plan, plan_text, supergraph

from gateway.plan import RenameKey
from gateway.planner import iter_fetches

TYPES = supergraph(
    "a b",
    """
type Query @join__type(graph: A) @join__type(graph: B) {
  media: [Media!]! @join__field(graph: A)
}
union Media
  @join__type(graph: A)
  @join__unionMember(graph: A, member: "Book")
  @join__unionMember(graph: A, member: "Film")
  = Book | Film
type Book @join__type(graph: A) {
  title: String @join__field(graph: A, type: "String!")
}
type Film @join__type(graph: A, key: "id") @join__type(graph: B, key: "id") {
  id: ID!
  title: String @join__field(graph: A)
  extra: [Int] @join__field(graph: B)
}
""",
)


def test_a_conflicting_key_is_aliased_in_the_later_fragment() -> None:
    """Book.title is String! in A, Film.title String: Film's copy is aliased."""
    expected = dedent(
        """\
        QueryPlan {
          Sequence {
            Fetch(service: "a") {
              {
                media {
                  __typename
                  ... on Book { title }
                  ... on Film {
                    _qp0_title: title
                    __typename
                    id
                  }
                }
              }
            },
            Flatten(path: "media.@") {
              Fetch(service: "b") {
                { ... on Film { __typename id } } =>
                { ... on Film { extra } }
              },
            },
          },
        }
        """
    ).strip()
    assert (
        plan_text(TYPES, "{ media { ... on Book { title } ... on Film { title extra } } }")
        == expected
    )


def test_the_alias_is_renamed_back_before_the_merge() -> None:
    """An output RenameKey restores the client's key; error paths map through the alias."""
    root = next(
        iter_fetches(plan(TYPES, "{ media { ... on Book { title } ... on Film { title } } }"))
    )
    assert root.output_rewrites == (RenameKey(("media", "... on Film", "_qp0_title"), "title"),)
    assert root.internal_aliases == ((("media", "_qp0_title"), "title"),)


def test_agreeing_types_are_not_aliased() -> None:
    """Same subgraph type under both fragments: nothing to rename."""
    root = next(
        iter_fetches(plan(TYPES, "{ media { ... on Film { title } ... on Book { __typename } } }"))
    )
    assert root.output_rewrites == ()

"""Planning shareable fields: several resolvers, the cheaper graph wins."""

from __future__ import annotations

from textwrap import dedent

from qpkit import plan_text, supergraph

SHARED = supergraph(
    "a b",
    """
type Query @join__type(graph: A) @join__type(graph: B) {
  me: User @join__field(graph: A)
  team: [User!]! @join__field(graph: A, provides: "name address { city }")
  user(id: ID!): User @join__field(graph: A) @join__field(graph: B)
}
type User @join__type(graph: A, key: "id") @join__type(graph: B, key: "id") {
  id: ID!
  name: String @join__field(graph: A, external: true) @join__field(graph: B)
  email: String @join__field(graph: B)
  nick: String @join__field(graph: A)
  address: Address @join__field(graph: A, external: true) @join__field(graph: B)
}
type Address @join__type(graph: A) @join__type(graph: B) {
  city: String @join__field(graph: A, external: true) @join__field(graph: B)
  zip: String @join__field(graph: B)
}
""",
)


def test_a_shared_root_field_goes_to_the_graph_with_the_sub_selection() -> None:
    """user is in A and B; email is only in B: B alone answers."""
    expected = dedent(
        """\
        QueryPlan {
          Fetch(service: "b") {
            { user(id: 1) { email } }
          },
        }
        """
    ).strip()
    assert plan_text(SHARED, "{ user(id: 1) { email } }") == expected


def test_staying_in_one_graph_is_preferred() -> None:
    """nick is only in A: A alone answers."""
    expected = dedent(
        """\
        QueryPlan {
          Fetch(service: "a") {
            { user(id: 1) { nick } }
          },
        }
        """
    ).strip()
    assert plan_text(SHARED, "{ user(id: 1) { nick } }") == expected


def test_ties_go_to_the_first_declared_graph() -> None:
    """Either graph needs one jump: A, declared first, wins (deterministic)."""
    expected = dedent(
        """\
        QueryPlan {
          Sequence {
            Fetch(service: "a") {
              {
                user(id: 1) {
                  nick
                  __typename
                  id
                }
              }
            },
            Flatten(path: "user") {
              Fetch(service: "b") {
                { ... on User { __typename id } } =>
                { ... on User { email } }
              },
            },
          },
        }
        """
    ).strip()
    assert plan_text(SHARED, "{ user(id: 1) { nick email } }") == expected


def test_shared_value_type_fields_come_with_their_parent() -> None:
    """Address is a value type in both graphs: B gives both of its fields."""
    expected = dedent(
        """\
        QueryPlan {
          Fetch(service: "b") {
            {
              user(id: 1) {
                address { city zip }
              }
            }
          },
        }
        """
    ).strip()
    assert plan_text(SHARED, "{ user(id: 1) { address { city zip } } }") == expected


HITS = supergraph(
    "a b",
    """
type Query @join__type(graph: A) @join__type(graph: B) {
  search: [Hit!]! @join__field(graph: A) @join__field(graph: B)
}
union Hit
  @join__type(graph: A)
  @join__type(graph: B)
  @join__unionMember(graph: A, member: "Book")
  @join__unionMember(graph: B, member: "Book")
  @join__unionMember(graph: B, member: "Film")
  = Book | Film
type Book @join__type(graph: A) @join__type(graph: B) {
  title: String
}
type Film @join__type(graph: B) {
  rating: Int
}
""",
)


def test_a_shared_abstract_field_prefers_the_graph_covering_the_conditions() -> None:
    """Only B can return Film: B answers although A is declared first."""
    expected = dedent(
        """\
        QueryPlan {
          Fetch(service: "b") {
            {
              search {
                __typename
                ... on Book { title }
                ... on Film { rating }
              }
            }
          },
        }
        """
    ).strip()
    assert (
        plan_text(HITS, "{ search { ... on Book { title } ... on Film { rating } } }") == expected
    )


def test_a_shared_abstract_field_without_uncovered_conditions_keeps_the_first_graph() -> None:
    """Both graphs return Book: the first declared graph answers."""
    expected = dedent(
        """\
        QueryPlan {
          Fetch(service: "a") {
            {
              search { __typename ... on Book { title } }
            }
          },
        }
        """
    ).strip()
    assert plan_text(HITS, "{ search { ... on Book { title } } }") == expected

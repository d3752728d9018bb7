"""Planning @provides: provided fields are local only along the providing path."""

from __future__ import annotations

from textwrap import dedent

from qpkit import plan_text, supergraph

USERS = supergraph(
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


def test_provided_fields_stay_in_the_providing_fetch() -> None:
    """team provides name and address { city } (nested): one fetch."""
    expected = dedent(
        """\
        QueryPlan {
          Fetch(service: "a") {
            {
              team {
                name
                address { city }
              }
            }
          },
        }
        """
    ).strip()
    assert plan_text(USERS, "{ team { name address { city } } }") == expected


def test_the_same_field_elsewhere_needs_a_jump() -> None:
    """me does not provide name: it comes from B."""
    expected = dedent(
        """\
        QueryPlan {
          Sequence {
            Fetch(service: "a") {
              {
                me { __typename id }
              }
            },
            Flatten(path: "me") {
              Fetch(service: "b") {
                { ... on User { __typename id } } =>
                { ... on User { name } }
              },
            },
          },
        }
        """
    ).strip()
    assert plan_text(USERS, "{ me { name } }") == expected


def test_unprovided_fields_leave_through_the_entity_key() -> None:
    """email and address.zip are not provided: one jump to B at team.@."""
    expected = dedent(
        """\
        QueryPlan {
          Sequence {
            Fetch(service: "a") {
              {
                team {
                  name
                  __typename
                  id
                }
              }
            },
            Flatten(path: "team.@") {
              Fetch(service: "b") {
                { ... on User { __typename id } } =>
                {
                  ... on User {
                    email
                    address { zip }
                  }
                }
              },
            },
          },
        }
        """
    ).strip()
    assert plan_text(USERS, "{ team { name email address { zip } } }") == expected

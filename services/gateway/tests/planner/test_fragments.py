"""Planning fragments: named, nested, repeated fields, abstract types and type conditions."""

from __future__ import annotations

from textwrap import dedent

from qpkit import plan_text, supergraph

MEDIA = supergraph(
    "media ratings",
    """
type Query @join__type(graph: MEDIA) @join__type(graph: RATINGS) {
  search(text: String!): [SearchHit!]! @join__field(graph: MEDIA)
  featured: Media @join__field(graph: MEDIA)
  film(id: ID!): Film @join__field(graph: MEDIA)
}
interface Media @join__type(graph: MEDIA) {
  id: ID!
  title: String
}
union SearchHit
  @join__type(graph: MEDIA)
  @join__unionMember(graph: MEDIA, member: "Book")
  @join__unionMember(graph: MEDIA, member: "Film")
  = Book | Film
type Book implements Media
  @join__type(graph: MEDIA)
  @join__implements(graph: MEDIA, interface: "Media")
{
  id: ID!
  title: String
  pages: Int
}
type Film implements Media
  @join__type(graph: MEDIA, key: "id")
  @join__type(graph: RATINGS, key: "id")
  @join__implements(graph: MEDIA, interface: "Media")
{
  id: ID!
  title: String @join__field(graph: MEDIA)
  rating: Int @join__field(graph: RATINGS)
  stars: Int @join__field(graph: RATINGS)
}
""",
)


def test_union_members_jump_only_for_the_entity_member() -> None:
    """Film items get a ratings fetch; Book items are filtered out by the input type."""
    expected = dedent(
        """\
        QueryPlan {
          Sequence {
            Fetch(service: "media") {
              {
                search(text: "x") {
                  __typename
                  ... on Book { title }
                  ... on Film {
                    title
                    __typename
                    id
                  }
                }
              }
            },
            Flatten(path: "search.@") {
              Fetch(service: "ratings") {
                { ... on Film { __typename id } } =>
                { ... on Film { rating } }
              },
            },
          },
        }
        """
    ).strip()
    query = (
        '{ search(text: "x") { __typename ... on Book { title } ... on Film { title rating } } }'
    )
    assert plan_text(MEDIA, query) == expected


def test_interface_fields_stay_and_type_conditions_jump() -> None:
    """Interface fields stay on the interface; ... on Film adds the key for ratings."""
    expected = dedent(
        """\
        QueryPlan {
          Sequence {
            Fetch(service: "media") {
              {
                featured {
                  __typename
                  id
                  title
                  ... on Film { __typename id }
                }
              }
            },
            Flatten(path: "featured") {
              Fetch(service: "ratings") {
                { ... on Film { __typename id } } =>
                { ... on Film { rating } }
              },
            },
          },
        }
        """
    ).strip()
    assert plan_text(MEDIA, "{ featured { id title ... on Film { rating } } }") == expected


def test_named_and_nested_fragments_are_inlined_and_merged() -> None:
    """Named fragments inside fragments, and a repeated field, become one selection."""
    expected = dedent(
        """\
        QueryPlan {
          Sequence {
            Fetch(service: "media") {
              {
                film(id: 1) {
                  id
                  title
                  __typename
                }
              }
            },
            Flatten(path: "film") {
              Fetch(service: "ratings") {
                { ... on Film { __typename id } } =>
                { ... on Film { rating stars } }
              },
            },
          },
        }
        """
    ).strip()
    query = (
        "query { film(id: 1) { ...A title } } fragment A on Film { id ...B } "
        "fragment B on Film { title rating stars }"
    )
    assert plan_text(MEDIA, query) == expected


def test_a_type_condition_that_never_matches_is_dropped() -> None:
    """... on Book under Film can never match: it vanishes from the plan."""
    expected = dedent(
        """\
        QueryPlan {
          Fetch(service: "media") {
            { film(id: 1) { id } }
          },
        }
        """
    ).strip()
    query = "{ film(id: 1) { id ... on Media { ... on Book { pages } } } }"
    assert plan_text(MEDIA, query) == expected

"""Planning __typename: never fetched at the root, added at abstract positions and jumps."""

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


def test_root_typename_is_answered_by_the_gateway() -> None:
    """Only root __typename (also aliased): no fetch at all."""
    expected = dedent(
        """\
        QueryPlan {
        }
        """
    ).strip()
    assert plan_text(MEDIA, "{ __typename t: __typename }") == expected


def test_aliased_typename_at_an_abstract_position_keeps_the_literal_key() -> None:
    """The client's alias is kept and the literal __typename is added for fragments."""
    expected = dedent(
        """\
        QueryPlan {
          Fetch(service: "media") {
            {
              featured { __typename kind: __typename }
            }
          },
        }
        """
    ).strip()
    assert plan_text(MEDIA, "{ __typename featured { kind: __typename } }") == expected


def test_typename_inside_fragments_is_fetched_where_the_object_lives() -> None:
    """__typename inside a type condition goes to the fetch that owns the object."""
    expected = dedent(
        """\
        QueryPlan {
          Sequence {
            Fetch(service: "media") {
              {
                search(text: "x") {
                  __typename
                  ... on Film { __typename id }
                }
              }
            },
            Flatten(path: "search.@") {
              Fetch(service: "ratings") {
                { ... on Film { __typename id } } =>
                { ... on Film { stars } }
              },
            },
          },
        }
        """
    ).strip()
    query = '{ search(text: "x") { ... on Film { __typename stars } } }'
    assert plan_text(MEDIA, query) == expected

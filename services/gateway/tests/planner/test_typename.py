"""Planning __typename: never fetched at the root, added at abstract positions and jumps.

What must hold: root ``__typename`` (also aliased, also on mutations, also when a subgraph
renames its root types) is the gateway's; at an abstract position the literal
``__typename`` is always fetched (the client's alias is kept beside it) from a graph that
knows the concrete type, never from an ``@interfaceObject`` graph, whose only answer would
be the interface's name.
"""

from __future__ import annotations

from textwrap import dedent

from qpkit import composed, fetch_operations, plan_text, supergraph

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


# catalog renames its root types; reviews sees Media as an @interfaceObject.
RENAMED = composed(
    catalog="""
    schema { query: CatalogQuery mutation: CatalogMutation }
    type CatalogQuery { media: [Media!]! book(id: ID!): Book }
    type CatalogMutation { touch(id: ID!): Media }
    interface Media @key(fields: "id") { id: ID! title: String }
    type Book implements Media @key(fields: "id") { id: ID! title: String }
    type Movie implements Media @key(fields: "id") { id: ID! title: String }
    """,
    reviews="""
    type Query { topMedia: [Media!]! }
    type Media @key(fields: "id") @interfaceObject {
      id: ID!
      avgRating: Float
      similar: [Media!]!
    }
    """,
)


def test_root_typename_beside_fields_is_not_fetched() -> None:
    """catalog's root is CatalogQuery: the gateway answers Query, aliased or not."""
    expected = dedent(
        """\
        QueryPlan {
          Fetch(service: "catalog") {
            { media { __typename } }
          },
        }
        """
    ).strip()
    query = "{ __typename t: __typename media { __typename } }"
    assert plan_text(RENAMED, query) == expected


def test_mutation_root_typename_is_answered_by_the_gateway() -> None:
    """Only the mutation field and its abstract __typename are fetched."""
    expected = dedent(
        """\
        QueryPlan {
          Fetch(service: "catalog") {
            {
              touch(id: 1) { __typename id }
            }
          },
        }
        """
    ).strip()
    query = "mutation { __typename touch(id: 1) { __typename id } }"
    assert plan_text(RENAMED, query) == expected


def test_an_aliased_typename_behind_an_interface_object() -> None:
    """catalog answers the alias and the literal __typename shaping reads."""
    expected = dedent(
        """\
        QueryPlan {
          Sequence {
            Fetch(service: "reviews") {
              {
                topMedia {
                  avgRating
                  __typename
                  id
                }
              }
            },
            Flatten(path: "topMedia.@") {
              Fetch(service: "catalog") {
                { ... on Media { __typename id } } =>
                { ... on Media { __typename kind: __typename } }
              },
            },
          },
        }
        """
    ).strip()
    query = "{ topMedia { kind: __typename avgRating } }"
    assert plan_text(RENAMED, query) == expected


def test_typename_of_a_list_reached_through_an_interface_object() -> None:
    """similar is reviews' list of Media: each item's type comes from catalog."""
    expected = dedent(
        """\
        QueryPlan {
          Sequence {
            Fetch(service: "reviews") {
              {
                topMedia {
                  similar { __typename id }
                }
              }
            },
            Flatten(path: "topMedia.@.similar.@") {
              Fetch(service: "catalog") {
                { ... on Media { __typename id } } =>
                { ... on Media { __typename } }
              },
            },
          },
        }
        """
    ).strip()
    query = "{ topMedia { similar { __typename } } }"
    assert plan_text(RENAMED, query) == expected


def test_typename_inside_fragments_behind_an_interface_object() -> None:
    """Both fragments are evaluated in catalog, which knows Book."""
    expected = dedent(
        """\
        QueryPlan {
          Sequence {
            Fetch(service: "reviews") {
              {
                topMedia { __typename id }
              }
            },
            Flatten(path: "topMedia.@") {
              Fetch(service: "catalog") {
                { ... on Media { __typename id } } =>
                { ... on Media { __typename ... on Book { t: __typename } } }
              },
            },
          },
        }
        """
    ).strip()
    query = "{ topMedia { ... on Media { __typename } ... on Book { t: __typename } } }"
    assert plan_text(RENAMED, query) == expected


def test_typename_of_an_object_is_not_asked_from_the_interface_object() -> None:
    """Book is concrete: catalog's fetch has it; reviews only adds avgRating."""
    expected = dedent(
        """\
        QueryPlan {
          Sequence {
            Fetch(service: "catalog") {
              {
                book(id: 1) { __typename id }
              }
            },
            Flatten(path: "book") {
              Fetch(service: "reviews") {
                { ... on Book { __typename id } } =>
                { ... on Media { avgRating } }
              },
            },
          },
        }
        """
    ).strip()
    query = "{ book(id: 1) { __typename avgRating } }"
    assert plan_text(RENAMED, query) == expected


def test_typename_in_a_member_fragment_below_an_interface_object_field() -> None:
    """Book -> reviews (similar) -> catalog for the concrete type of each item."""
    expected = dedent(
        """\
        QueryPlan {
          Sequence {
            Fetch(service: "catalog") {
              {
                book(id: 1) { __typename id }
              }
            },
            Flatten(path: "book") {
              Fetch(service: "reviews") {
                { ... on Book { __typename id } } =>
                {
                  ... on Media {
                    similar { __typename id }
                  }
                }
              },
            },
            Flatten(path: "book.similar.@") {
              Fetch(service: "catalog") {
                { ... on Media { __typename id } } =>
                { ... on Media { __typename ... on Movie { __typename } } }
              },
            },
          },
        }
        """
    ).strip()
    query = "{ book(id: 1) { similar { ... on Movie { __typename } } } }"
    assert plan_text(RENAMED, query) == expected


def test_the_interface_object_graph_never_answers_a_client_typename() -> None:
    """Wherever the client asks __typename, catalog (the real graph) answers it, last.

    reviews may select __typename to build representations (it says "Media"); the catalog
    fetch that follows overwrites it with the concrete type.
    """
    queries = [
        "{ topMedia { __typename } }",
        "{ topMedia { kind: __typename avgRating } }",
        "{ topMedia { similar { t: __typename } } }",
        "{ book(id: 1) { similar { ... on Book { __typename } } } }",
    ]
    for query in queries:
        service, last = fetch_operations(RENAMED, query)[-1]
        assert service == "catalog", query
        assert "... on Media { __typename" in last, query

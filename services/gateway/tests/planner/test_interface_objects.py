"""Planning @interfaceObject in both directions (§4.10).

A graph that holds an entity interface as an ``@interfaceObject`` sees one object type with
the interface's name: it can neither tell nor accept the concrete type. So (1) every
representation sent to it says ``__typename: "<Interface>"`` (input rewrites), whatever
the working data says by then; (2) its own ``__typename`` is never the client's: the
concrete type comes from a graph where the interface is real; (3) a non-resolvable
interface object is only ever a source of jumps.
"""

from __future__ import annotations

from textwrap import dedent

from qpkit import composed, plan, plan_text, supergraph

from gateway.plan import Rewrite, SetValue
from gateway.planner import iter_fetches

IO = supergraph(
    "catalog reviews",
    """
type Query @join__type(graph: CATALOG) @join__type(graph: REVIEWS) {
  products: [Product!]! @join__field(graph: CATALOG)
  topNodes: [Node!]! @join__field(graph: REVIEWS)
}
interface Node
  @join__type(graph: CATALOG, key: "id")
  @join__type(graph: REVIEWS, key: "id", isInterfaceObject: true)
{
  id: ID!
  reviewCount: Int @join__field(graph: REVIEWS)
}
type Product implements Node
  @join__implements(graph: CATALOG, interface: "Node")
  @join__type(graph: CATALOG, key: "id")
{
  id: ID!
  name: String @join__field(graph: CATALOG)
  reviewCount: Int @join__field
}
type Shop implements Node
  @join__implements(graph: CATALOG, interface: "Node")
  @join__type(graph: CATALOG, key: "id")
{
  id: ID!
  city: String @join__field(graph: CATALOG)
  reviewCount: Int @join__field
}
""",
)


def test_an_implementation_reaches_the_interface_object() -> None:
    """Product -> Node in reviews: inputs are Product, the fetch says ... on Node."""
    expected = dedent(
        """\
        QueryPlan {
          Sequence {
            Fetch(service: "catalog") {
              {
                products {
                  name
                  __typename
                  id
                }
              }
            },
            Flatten(path: "products.@") {
              Fetch(service: "reviews") {
                { ... on Product { __typename id } } =>
                { ... on Node { reviewCount } }
              },
            },
          },
        }
        """
    ).strip()
    assert plan_text(IO, "{ products { name reviewCount } }") == expected


def test_interface_object_fields_need_no_jump() -> None:
    """Fields of the interface object are answered by its own graph."""
    expected = dedent(
        """\
        QueryPlan {
          Fetch(service: "reviews") {
            {
              topNodes { id reviewCount }
            }
          },
        }
        """
    ).strip()
    assert plan_text(IO, "{ topNodes { id reviewCount } }") == expected


def test_typename_behind_an_interface_object_comes_from_the_real_graph() -> None:
    """reviews cannot tell the runtime type: catalog answers __typename."""
    expected = dedent(
        """\
        QueryPlan {
          Sequence {
            Fetch(service: "reviews") {
              {
                topNodes {
                  reviewCount
                  __typename
                  id
                }
              }
            },
            Flatten(path: "topNodes.@") {
              Fetch(service: "catalog") {
                { ... on Node { __typename id } } =>
                { ... on Node { __typename } }
              },
            },
          },
        }
        """
    ).strip()
    assert plan_text(IO, "{ topNodes { __typename reviewCount } }") == expected


def test_type_conditions_behind_an_interface_object_jump_first() -> None:
    """... on Product/Shop are resolved in catalog; reviewCount stays in reviews."""
    expected = dedent(
        """\
        QueryPlan {
          Sequence {
            Fetch(service: "reviews") {
              {
                topNodes {
                  reviewCount
                  __typename
                  id
                }
              }
            },
            Flatten(path: "topNodes.@") {
              Fetch(service: "catalog") {
                { ... on Node { __typename id } } =>
                {
                  ... on Node {
                    __typename
                    ... on Product { name }
                    ... on Shop { city }
                  }
                }
              },
            },
          },
        }
        """
    ).strip()
    assert (
        plan_text(
            IO,
            "{ topNodes { reviewCount ... on Product { name } ... on Shop { city reviewCount } } }",
        )
        == expected
    )


def test_the_representation_typename_is_rewritten_to_the_interface() -> None:
    """Representations sent to the interface-object graph say __typename: "Node"."""
    fetch = list(iter_fetches(plan(IO, "{ products { reviewCount } }")))[1]
    assert fetch.input_rewrites == (SetValue(("... on Product", "__typename"), "Node"),)


def test_a_type_condition_whose_fields_exist_on_the_interface_object_still_jumps() -> None:
    """Only catalog can tell which items are Products, so its __typename is fetched."""
    expected = dedent(
        """\
        QueryPlan {
          Sequence {
            Fetch(service: "reviews") {
              {
                topNodes {
                  reviewCount
                  id_0: id
                  __typename
                  id
                }
              }
            },
            Flatten(path: "topNodes.@") {
              Fetch(service: "catalog") {
                { ... on Node { __typename id } } =>
                { ... on Node { __typename } }
              },
            },
          },
        }
        """
    ).strip()
    query = "{ topNodes { reviewCount ... on Product { id_0: id reviewCount } } }"
    assert plan_text(IO, query) == expected


# catalog owns the entity interface; reviews and stats add fields to every implementation
# through @interfaceObject (Book and Movie get them only indirectly); isbn extends Book alone.
MEDIA = composed(
    catalog="""
    type Query { media: [Media!]! book(id: ID!): Book }
    interface Media @key(fields: "id") { id: ID! title: String }
    type Book implements Media @key(fields: "id") { id: ID! title: String pages: Int }
    type Movie implements Media @key(fields: "id") { id: ID! title: String minutes: Int }
    """,
    reviews="""
    type Query { topMedia: [Media!]! }
    type Media @key(fields: "id") @interfaceObject {
      id: ID!
      avgRating: Float
      title: String @external
      blurb: String @requires(fields: "title")
    }
    """,
    stats="""
    type Media @key(fields: "id") @interfaceObject { id: ID! views: Int }
    """,
    isbn="""
    type Book @key(fields: "id") { id: ID! isbn: String }
    """,
)


def _rewrites(query: str) -> list[tuple[str, tuple[Rewrite, ...]]]:
    return [(f.service, f.input_rewrites) for f in iter_fetches(plan(MEDIA, query))]


def test_a_field_an_implementation_gets_only_through_the_interface_object() -> None:
    """Book.avgRating is declared by no graph: the Book is sent to reviews as a Media."""
    expected = dedent(
        """\
        QueryPlan {
          Sequence {
            Fetch(service: "catalog") {
              {
                book(id: 1) {
                  title
                  __typename
                  id
                }
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
    query = "{ book(id: 1) { title avgRating } }"
    assert plan_text(MEDIA, query) == expected
    assert _rewrites(query)[1] == ("reviews", (SetValue(("... on Book", "__typename"), "Media"),))


def test_an_interface_field_of_the_interface_object_from_the_real_interface() -> None:
    """One jump on the interface's key (not one per implementation), renamed to Media."""
    expected = dedent(
        """\
        QueryPlan {
          Sequence {
            Fetch(service: "catalog") {
              {
                media {
                  __typename
                  title
                  id
                }
              }
            },
            Flatten(path: "media.@") {
              Fetch(service: "reviews") {
                { ... on Media { __typename id } } =>
                { ... on Media { avgRating } }
              },
            },
          },
        }
        """
    ).strip()
    query = "{ media { title avgRating } }"
    assert plan_text(MEDIA, query) == expected
    assert _rewrites(query)[1] == ("reviews", (SetValue(("... on Media", "__typename"), "Media"),))


def test_requires_on_the_interface_object_from_the_real_interface() -> None:
    """title is collected in the catalog fetch that holds the key of every item."""
    expected = dedent(
        """\
        QueryPlan {
          Sequence {
            Fetch(service: "catalog") {
              {
                media {
                  __typename
                  title
                  id
                }
              }
            },
            Flatten(path: "media.@") {
              Fetch(service: "reviews") {
                { ... on Media { __typename id title } } =>
                { ... on Media { blurb } }
              },
            },
          },
        }
        """
    ).strip()
    query = "{ media { blurb } }"
    assert plan_text(MEDIA, query) == expected
    assert _rewrites(query)[1] == ("reviews", (SetValue(("... on Media", "__typename"), "Media"),))


def test_an_interface_field_of_the_real_interface_from_the_interface_object() -> None:
    """title lives in catalog: reviews' {__typename: Media, id} is a valid representation,
    and catalog tells the concrete type on the way."""
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
                { ... on Media { __typename title } }
              },
            },
          },
        }
        """
    ).strip()
    assert plan_text(MEDIA, "{ topMedia { avgRating title } }") == expected


def test_one_interface_object_to_another_needs_no_concrete_type() -> None:
    """reviews -> stats: both see Media only; catalog is not involved."""
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
              Fetch(service: "stats") {
                { ... on Media { __typename id } } =>
                { ... on Media { views } }
              },
            },
          },
        }
        """
    ).strip()
    assert plan_text(MEDIA, "{ topMedia { views } }") == expected


def test_a_type_condition_whose_fields_live_in_a_third_graph() -> None:
    """reviews -> catalog (concrete __typename and the Book key) -> isbn, Books only."""
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
                {
                  ... on Media {
                    __typename
                    ... on Book {
                      pages
                      __typename
                      id
                    }
                  }
                }
              },
            },
            Flatten(path: "topMedia.@") {
              Fetch(service: "isbn") {
                { ... on Book { __typename id } } =>
                { ... on Book { isbn } }
              },
            },
          },
        }
        """
    ).strip()
    assert plan_text(MEDIA, "{ topMedia { ... on Book { pages isbn } } }") == expected


def test_requires_on_the_interface_object_from_its_own_position() -> None:
    """blurb needs catalog's title: reviews -> catalog -> reviews with title in the input."""
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
                { ... on Media { __typename title } }
              },
            },
            Flatten(path: "topMedia.@") {
              Fetch(service: "reviews") {
                { ... on Media { __typename id title } } =>
                { ... on Media { blurb } }
              },
            },
          },
        }
        """
    ).strip()
    assert plan_text(MEDIA, "{ topMedia { blurb } }") == expected


def test_requires_on_the_interface_object_from_an_implementation() -> None:
    """title rides in the catalog root fetch; the Book representation is renamed Media."""
    expected = dedent(
        """\
        QueryPlan {
          Sequence {
            Fetch(service: "catalog") {
              {
                book(id: 1) {
                  title
                  __typename
                  id
                }
              }
            },
            Flatten(path: "book") {
              Fetch(service: "reviews") {
                { ... on Book { __typename id title } } =>
                { ... on Media { blurb } }
              },
            },
          },
        }
        """
    ).strip()
    query = "{ book(id: 1) { blurb } }"
    assert plan_text(MEDIA, query) == expected
    assert _rewrites(query)[1] == ("reviews", (SetValue(("... on Book", "__typename"), "Media"),))


def test_representations_are_renamed_after_the_concrete_type_is_known() -> None:
    """catalog writes __typename "Book" before the post-requires reviews fetch reads it."""
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
                { ... on Media { __typename title } }
              },
            },
            Flatten(path: "topMedia.@") {
              Fetch(service: "reviews") {
                { ... on Media { __typename id title } } =>
                { ... on Media { blurb } }
              },
            },
          },
        }
        """
    ).strip()
    query = "{ topMedia { __typename blurb } }"
    assert plan_text(MEDIA, query) == expected
    assert _rewrites(query) == [
        ("reviews", ()),
        ("catalog", ()),  # a real graph accepts the concrete type and the interface name
        ("reviews", (SetValue(("... on Media", "__typename"), "Media"),)),
    ]


# reviews references Media without being able to resolve it (resolvable: false).
NOTES = composed(
    catalog="""
    type Query { media: [Media!]! }
    interface Media @key(fields: "id") { id: ID! title: String }
    type Book implements Media @key(fields: "id") { id: ID! title: String pages: Int }
    type Movie implements Media @key(fields: "id") { id: ID! title: String minutes: Int }
    """,
    reviews="""
    type Query { reviews: [Review!]! }
    type Review { body: String media: Media }
    type Media @key(fields: "id", resolvable: false) @interfaceObject { id: ID! }
    """,
)


def test_a_non_resolvable_interface_object_answers_its_key_in_place() -> None:
    """Only the key is asked: no jump, and no __typename (reviews' would say Media)."""
    expected = dedent(
        """\
        QueryPlan {
          Fetch(service: "reviews") {
            {
              reviews {
                body
                media { id }
              }
            }
          },
        }
        """
    ).strip()
    assert plan_text(NOTES, "{ reviews { body media { id } } }") == expected


def test_a_non_resolvable_interface_object_is_a_source_of_jumps() -> None:
    """reviews only hands out keys; catalog resolves the concrete type and Book's fields."""
    expected = dedent(
        """\
        QueryPlan {
          Sequence {
            Fetch(service: "reviews") {
              {
                reviews {
                  media { __typename id }
                }
              }
            },
            Flatten(path: "reviews.@.media") {
              Fetch(service: "catalog") {
                { ... on Media { __typename id } } =>
                {
                  ... on Media {
                    __typename
                    ... on Book { pages }
                    title
                  }
                }
              },
            },
          },
        }
        """
    ).strip()
    query = "{ reviews { media { title __typename ... on Book { pages } } } }"
    assert plan_text(NOTES, query) == expected


def test_no_fetch_ever_targets_a_non_resolvable_interface_object() -> None:
    """The query graph has no key edge into reviews' Media, from the interface or Book."""
    services = [f.service for f in iter_fetches(plan(NOTES, "{ media { id title } }"))]
    assert services == ["catalog"]


# Fields of the same type on the interface object (two plain, two requiring catalog's title),
# so one response key may name either of a pair.
SCORES = composed(
    catalog="""
    type Query { media: [Media!]! }
    interface Media @key(fields: "id") { id: ID! title: String }
    type Book implements Media @key(fields: "id") { id: ID! title: String }
    type Movie implements Media @key(fields: "id") { id: ID! title: String }
    """,
    reviews="""
    type Query { topMedia: [Media!]! }
    type Media @key(fields: "id") @interfaceObject {
      id: ID!
      avgRating: Float
      popularity: Float
      title: String @external
      blurb: String @requires(fields: "title")
      teaser: String @requires(fields: "title")
    }
    """,
)


def test_one_response_key_for_two_fields_under_erased_type_conditions() -> None:
    """reviews cannot tell Books from Movies: r is asked per type, after catalog tells the type."""
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
                {
                  ... on Media {
                    __typename
                    ... on Book { __typename id }
                    ... on Movie { __typename id }
                  }
                }
              },
            },
            Parallel {
              Flatten(path: "topMedia.@") {
                Fetch(service: "reviews") {
                  { ... on Book { __typename id } } =>
                  { ... on Media { r: avgRating } }
                },
              },
              Flatten(path: "topMedia.@") {
                Fetch(service: "reviews") {
                  { ... on Movie { __typename id } } =>
                  { ... on Media { r: popularity } }
                },
              },
            },
          },
        }
        """
    ).strip()
    query = "{ topMedia { ... on Book { r: avgRating } ... on Movie { r: popularity } } }"
    assert plan_text(SCORES, query) == expected


def test_one_response_key_for_two_fields_jumping_into_the_interface_object() -> None:
    """Books and Movies cannot share reviews' ... on Media selection: one fetch per type."""
    expected = dedent(
        """\
        QueryPlan {
          Sequence {
            Fetch(service: "catalog") {
              {
                media {
                  __typename
                  ... on Book { __typename id }
                  ... on Movie { __typename id }
                }
              }
            },
            Parallel {
              Flatten(path: "media.@") {
                Fetch(service: "reviews") {
                  { ... on Book { __typename id } } =>
                  { ... on Media { r: avgRating } }
                },
              },
              Flatten(path: "media.@") {
                Fetch(service: "reviews") {
                  { ... on Movie { __typename id } } =>
                  { ... on Media { r: popularity } }
                },
              },
            },
          },
        }
        """
    ).strip()
    query = "{ media { ... on Book { r: avgRating } ... on Movie { r: popularity } } }"
    assert plan_text(SCORES, query) == expected


def test_the_same_field_under_both_type_conditions_shares_one_fetch() -> None:
    """No conflict: both conditions ask avgRating as r, reviews answers it in place."""
    expected = dedent(
        """\
        QueryPlan {
          Sequence {
            Fetch(service: "reviews") {
              {
                topMedia {
                  r: avgRating
                  __typename
                  id
                }
              }
            },
            Flatten(path: "topMedia.@") {
              Fetch(service: "catalog") {
                { ... on Media { __typename id } } =>
                { ... on Media { __typename } }
              },
            },
          },
        }
        """
    ).strip()
    query = "{ topMedia { ... on Book { r: avgRating } ... on Movie { r: avgRating } } }"
    assert plan_text(SCORES, query) == expected


def test_each_typed_fetch_receives_only_its_own_objects() -> None:
    """A Movie never reaches the fetch answering r as avgRating (a null popularity would
    otherwise leave a Book's field under the Movie's r), and the other way round."""
    query = "{ topMedia { ... on Book { r: avgRating } ... on Movie { r: popularity } } }"
    typed = {
        tuple(frag.type_condition for frag in f.requires.fragments): f.operation
        for f in iter_fetches(plan(SCORES, query))
        if f.service == "reviews" and f.requires is not None
    }
    assert {inputs: op.split("{ ... on Media ")[1] for inputs, op in typed.items()} == {
        ("Book",): "{ r: avgRating } } }",
        ("Movie",): "{ r: popularity } } }",
    }


def test_one_response_key_for_two_requiring_fields() -> None:
    """blurb for Books and teaser for Movies, both as r: two post-requires fetches, typed."""
    query = "{ media { ... on Book { r: blurb } ... on Movie { r: teaser } } }"
    reviews = [f for f in iter_fetches(plan(SCORES, query)) if f.service == "reviews"]
    typed = {
        tuple(frag.type_condition for frag in f.requires.fragments): f.operation.split(
            "{ ... on Media "
        )[1]
        for f in reviews
        if f.requires is not None
    }
    assert typed == {("Book",): "{ r: blurb } } }", ("Movie",): "{ r: teaser } } }"}


def test_a_requirement_never_reads_a_key_a_type_condition_gives_to_another_field() -> None:
    """The client's a: title is under ... on Book only, and Movies use a for __typename:
    blurb's title requirement is collected under its own key for every item."""
    query = "{ media { ... on Book { a: title } ... on Movie { a: __typename } blurb } }"
    fetches = list(iter_fetches(plan(MEDIA, query)))  # plan() validates every fetch
    [reviews] = [f for f in fetches if f.service == "reviews"]
    assert reviews.requires is not None
    sources = {
        (field.key, field.source) for frag in reviews.requires.fragments for field in frag.fields
    }
    assert ("title", "title") in sources
    assert not [s for s in sources if s[1] == "a"]

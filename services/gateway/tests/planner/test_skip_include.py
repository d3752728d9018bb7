"""Planning @skip/@include: literals fold away, variables become Condition nodes."""

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


def test_literal_conditions_are_evaluated() -> None:
    """@include(if: false) and @skip(if: true) drop fields; the other literals vanish."""
    expected = dedent(
        """\
        QueryPlan {
          Sequence {
            Fetch(service: "media") {
              {
                film(id: 1) { id __typename }
              }
            },
            Flatten(path: "film") {
              Fetch(service: "ratings") {
                { ... on Film { __typename id } } =>
                { ... on Film { stars } }
              },
            },
          },
        }
        """
    ).strip()
    query = (
        "{ film(id: 1) { id @include(if: true) title @skip(if: true) rating "
        "@include(if: false) stars @skip(if: false) } }"
    )
    assert plan_text(MEDIA, query) == expected


def test_a_variable_condition_guards_the_dependent_fetch() -> None:
    """rating under @include($r): the ratings fetch is wrapped in Include(if: $r)."""
    expected = dedent(
        """\
        QueryPlan {
          Sequence {
            Fetch(service: "media") {
              {
                film(id: 1) {
                  title
                  __typename
                  id
                }
              }
            },
            Include(if: $r) {
              Flatten(path: "film") {
                Fetch(service: "ratings") {
                  { ... on Film { __typename id } } =>
                  { ... on Film { rating } }
                },
              },
            },
          },
        }
        """
    ).strip()
    query = "query ($r: Boolean!) { film(id: 1) { title rating @include(if: $r) } }"
    assert plan_text(MEDIA, query) == expected


def test_skip_with_a_variable_gives_a_skip_node() -> None:
    """@skip($s) on the only ratings field gives Skip(if: $s)."""
    expected = dedent(
        """\
        QueryPlan {
          Sequence {
            Fetch(service: "media") {
              {
                film(id: 1) {
                  title
                  __typename
                  id
                }
              }
            },
            Skip(if: $s) {
              Flatten(path: "film") {
                Fetch(service: "ratings") {
                  { ... on Film { __typename id } } =>
                  { ... on Film { stars } }
                },
              },
            },
          },
        }
        """
    ).strip()
    query = "query ($s: Boolean!) { film(id: 1) { title stars @skip(if: $s) } }"
    assert plan_text(MEDIA, query) == expected


def test_both_directives_on_one_field_nest() -> None:
    """@skip and @include on one field: both conditions guard the fetch."""
    expected = dedent(
        """\
        QueryPlan {
          Sequence {
            Fetch(service: "media") {
              {
                film(id: 1) { __typename id }
              }
            },
            Include(if: $i) {
              Skip(if: $s) {
                Flatten(path: "film") {
                  Fetch(service: "ratings") {
                    { ... on Film { __typename id } } =>
                    { ... on Film { rating } }
                  },
                },
              },
            },
          },
        }
        """
    ).strip()
    query = (
        "query ($s: Boolean!, $i: Boolean!) { film(id: 1) { rating @skip(if: "
        "$s) @include(if: $i) } }"
    )
    assert plan_text(MEDIA, query) == expected


def test_a_variable_with_a_default_is_kept_as_a_condition() -> None:
    """A defaulted variable still decides at run time (its default is copied)."""
    expected = dedent(
        """\
        QueryPlan {
          Sequence {
            Fetch(service: "media", variables: [text]) {
              {
                search(text: $text) {
                  __typename
                  ... on Film {
                    id
                    t: title
                    __typename
                  }
                }
              }
            },
            Include(if: $withRating) {
              Flatten(path: "search.@") {
                Fetch(service: "ratings") {
                  { ... on Film { __typename id } } =>
                  { ... on Film { rating } }
                },
              },
            },
          },
        }
        """
    ).strip()
    query = (
        "query Q($text: String!, $withRating: Boolean = false) { search(text: "
        "$text) { ...F } } fragment F on Film { id t: title rating @include(if: "
        "$withRating) }"
    )
    assert plan_text(MEDIA, query) == expected


def test_mixed_conditions_stay_on_the_fields() -> None:
    """When only some fields of a jump share a condition, the directive is forwarded instead."""
    expected = dedent(
        """\
        QueryPlan {
          Sequence {
            Fetch(service: "media") {
              {
                film(id: 1) { __typename id }
              }
            },
            Flatten(path: "film") {
              Fetch(service: "ratings", variables: [r]) {
                { ... on Film { __typename id } } =>
                { ... on Film { rating @include(if: $r) stars } }
              },
            },
          },
        }
        """
    ).strip()
    query = "query ($r: Boolean!) { film(id: 1) { rating @include(if: $r) stars } }"
    assert plan_text(MEDIA, query) == expected


def test_a_condition_shared_by_a_whole_root_fetch_guards_it() -> None:
    """The only media root field is under @include($r): nothing at all runs when false."""
    expected = dedent(
        """\
        QueryPlan {
          Include(if: $r) {
            Sequence {
              Fetch(service: "media") {
                {
                  film(id: 1) { __typename id }
                }
              },
              Flatten(path: "film") {
                Fetch(service: "ratings") {
                  { ... on Film { __typename id } } =>
                  { ... on Film { rating } }
                },
              },
            },
          },
        }
        """
    ).strip()
    query = "query ($r: Boolean!) { film(id: 1) @include(if: $r) { rating } }"
    assert plan_text(MEDIA, query) == expected


def test_a_conditioned_root_field_among_others_keeps_its_directive() -> None:
    """Other root fields share the fetch: the directive stays; dependents are guarded."""
    expected = dedent(
        """\
        QueryPlan {
          Sequence {
            Fetch(service: "media", variables: [r]) {
              {
                film(id: 1) @include(if: $r) { __typename id }
                search(text: "x") { __typename }
              }
            },
            Include(if: $r) {
              Flatten(path: "film") {
                Fetch(service: "ratings") {
                  { ... on Film { __typename id } } =>
                  { ... on Film { rating } }
                },
              },
            },
          },
        }
        """
    ).strip()
    query = (
        'query ($r: Boolean!) { film(id: 1) @include(if: $r) { rating } search(text: "x") '
        "{ __typename } }"
    )
    assert plan_text(MEDIA, query) == expected


def test_a_selection_emptied_by_literals_selects_typename() -> None:
    """``film { title @skip(if: true) }`` cannot be sent as ``film``: the subgraph is asked
    ``__typename`` (shaping gives the client ``{}``)."""
    expected = dedent(
        """\
        QueryPlan {
          Fetch(service: "media") {
            {
              film(id: 1) { __typename }
              search(text: "x") { __typename }
            }
          },
        }
        """
    ).strip()
    query = (
        "{ film(id: 1) { title @skip(if: true) ... on Film @include(if: false) { rating } } "
        'search(text: "x") { ... on Film @skip(if: true) { title } } }'
    )
    assert plan_text(MEDIA, query) == expected

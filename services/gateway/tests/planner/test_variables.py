"""Planning variables: each fetch declares exactly the variables it uses."""

from __future__ import annotations

from textwrap import dedent

from qpkit import fixture, plan, plan_text, supergraph

from gateway.planner import iter_fetches

PLATFORM = fixture("platform.graphql")

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


def test_only_used_variables_are_forwarded() -> None:
    """The root fetch uses $text and $id; the entity fetch uses none."""
    expected = dedent(
        """\
        QueryPlan {
          Sequence {
            Fetch(service: "media", variables: [id, text]) {
              {
                search(text: $text) {
                  __typename
                  ... on Film { __typename id }
                }
                film(id: $id) { title }
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
        "query ($text: String!, $id: ID!) { search(text: $text) { ... on Film { "
        "rating } } film(id: $id) { title } }"
    )
    assert plan_text(MEDIA, query) == expected


def test_one_variable_shared_by_root_and_entity_fetches() -> None:
    """$f is used by the root fetch (argument) and the entity fetch (directive)."""
    expected = dedent(
        """\
        QueryPlan {
          Sequence {
            Fetch(service: "media", variables: [f]) {
              {
                search(text: "x") {
                  __typename
                  ... on Film {
                    title @include(if: $f)
                    __typename
                    id
                  }
                }
              }
            },
            Flatten(path: "search.@") {
              Fetch(service: "ratings", variables: [f]) {
                { ... on Film { __typename id } } =>
                { ... on Film { rating @include(if: $f) stars } }
              },
            },
          },
        }
        """
    ).strip()
    query = (
        'query ($f: Boolean!) { search(text: "x") { ... on Film { title '
        "@include(if: $f) rating @include(if: $f) stars } } }"
    )
    assert plan_text(MEDIA, query) == expected


def test_defaults_and_nested_input_variables_are_copied_verbatim() -> None:
    """Variable definitions are copied with their defaults; nested input usages count."""
    query = """
        mutation Pay($amount: Int!, $note: String = "n/a", $unused: Boolean = true) {
          createPayment(input: {amountCents: $amount, note: $note}) { id }
          extra: createPayment(input: {amountCents: 1}) @skip(if: $unused) { id }
        }
    """
    (fetch,) = iter_fetches(plan(PLATFORM, query, operation_name="Pay"))
    assert fetch.variable_usages == ("amount", "note", "unused")
    assert fetch.operation.startswith(
        'mutation Pay__payments__0($amount: Int!, $note: String = "n/a", $unused: Boolean = true) {'
    )


def test_a_fetch_without_variables_declares_none() -> None:
    """An entity fetch that uses no client variable declares only $representations."""
    query = "query Q($limit: Int = 5) { events(limit: $limit) { id } deliveries { events { id } } }"
    fetches = list(iter_fetches(plan(PLATFORM, query, operation_name="Q")))
    assert [f.variable_usages for f in fetches] == [("limit",), (), ()]
    assert fetches[0].operation == (
        "query Q__events__0($limit: Int = 5) { events(limit: $limit) { id } }"
    )
    assert fetches[2].operation.startswith("query Q__events__2($representations: [_Any!]!) {")

"""Planning mutations: root fields run in order; consecutive same-graph fields share a fetch."""

from __future__ import annotations

from textwrap import dedent

from qpkit import fixture, plan, plan_text

from gateway.planner import iter_fetches

FED1 = fixture("fed1.graphql")


def test_mutations_run_in_order_with_their_dependents() -> None:
    """A, B, A, A: three root fetches in order; B's entity fetch runs before the next A."""
    expected = dedent(
        """\
        QueryPlan {
          Sequence {
            Fetch(service: "accounts") {
              { a: rename(name: "x") { id } }
            },
            Fetch(service: "reviews") {
              {
                r: review(body: "b") {
                  id
                  author { __typename id }
                }
              }
            },
            Flatten(path: "r.author") {
              Fetch(service: "accounts") {
                { ... on User { __typename id } } =>
                { ... on User { name } }
              },
            },
            Fetch(service: "accounts") {
              {
                b: rename(name: "y") { id }
                c: rename(name: "z") { name }
              }
            },
          },
        }
        """
    ).strip()
    query = (
        'mutation { a: rename(name: "x") { id } r: review(body: "b") { id '
        'author { name } } b: rename(name: "y") { id } c: rename(name: "z") { '
        "name } }"
    )
    assert plan_text(FED1, query) == expected


def test_a_single_graph_mutation_is_one_fetch() -> None:
    """Two consecutive accounts fields share one mutation fetch."""
    expected = dedent(
        """\
        QueryPlan {
          Fetch(service: "accounts", variables: [n]) {
            {
              a: rename(name: $n) { id }
              b: rename(name: "y") { username }
            }
          },
        }
        """
    ).strip()
    query = (
        "mutation Rename($n: String!) { a: rename(name: $n) { id } b: "
        'rename(name: "y") { username } }'
    )
    assert plan_text(FED1, query, operation_name="Rename") == expected


def test_mutation_fetches_are_named_and_keep_their_kind() -> None:
    """Root fetches of a mutation are mutations named <Op>__<graph>__<id>; entity fetches query."""
    query = 'mutation Publish { r: review(body: "b") { author { name } } }'
    fetches = list(iter_fetches(plan(FED1, query, operation_name="Publish")))
    assert [(f.kind, f.operation_name) for f in fetches] == [
        ("mutation", "Publish__reviews__0"),
        ("query", "Publish__accounts__1"),
    ]
    assert fetches[0].operation.startswith("mutation Publish__reviews__0 {")

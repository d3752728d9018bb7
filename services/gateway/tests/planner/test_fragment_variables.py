"""A variable in a fragment's ``@include``/``@skip`` is declared by exactly the fetches
that print the directive: a subgraph refuses an operation declaring an unused variable
(graphql's NoUnusedVariables), which failed the whole fetch."""

from __future__ import annotations

import pytest
from qpkit import composed, plan

from gateway.planner import fetch_errors, iter_fetches
from gateway.supergraph import load_supergraph

SUPERGRAPH = composed(
    animals="""
    interface Animal @key(fields: "id") { id: ID! name: String! }
    type Dog implements Animal @key(fields: "id") { id: ID! name: String! }
    type Cat implements Animal @key(fields: "id") { id: ID! name: String! }
    type Query { animals: [Animal!]! }
    """,
    vet="""
    type Animal @key(fields: "id") @interfaceObject { id: ID! vaccinated: Boolean }
    type Query { patients: [Animal!]! }
    """,
    posts="""
    type Article @key(fields: "id") { id: ID! title: String }
    union Item = Article
    type Query { items: [Item!]! }
    """,
    media="""
    type Podcast @key(fields: "id") { id: ID! episodes: Int }
    union Item = Podcast
    type Query { podcasts: [Podcast!]! }
    """,
)
SG = load_supergraph(SUPERGRAPH)

QUERIES = {
    "downcast answered by the concrete-type graph": (
        "query($b: Boolean!) { patients { id ... on Dog @include(if: $b) { name } } }"
    ),
    "downcast answered by the interface object": (
        "query($b: Boolean!) { patients { id ... on Dog @include(if: $b) { vaccinated } } }"
    ),
    "type condition unknown to the graph": (
        "query($b: Boolean!) { items { ... on Podcast @skip(if: $b) { episodes } } }"
    ),
    "downcast sharing its fetch with an unconditioned one": (
        "query($b: Boolean!) { patients { id ... on Cat { name } "
        "... on Dog @include(if: $b) { name } } }"
    ),
}


@pytest.mark.parametrize("query", QUERIES.values(), ids=QUERIES.keys())
def test_every_fetch_validates(query: str) -> None:
    assert fetch_errors(SG, plan(SUPERGRAPH, query)) == []


def test_the_variable_goes_only_where_the_directive_is_printed() -> None:
    query = QUERIES["downcast sharing its fetch with an unconditioned one"]
    usages = {(f.service, f.variable_usages) for f in iter_fetches(plan(SUPERGRAPH, query))}
    assert usages == {("vet", ()), ("animals", ("b",))}


def test_a_fetch_under_a_condition_node_does_not_print_it_again() -> None:
    """The animals fetch only serves the conditioned fragment: a Condition node guards it."""
    query = QUERIES["downcast answered by the concrete-type graph"]
    usages = {(f.service, f.variable_usages) for f in iter_fetches(plan(SUPERGRAPH, query))}
    assert usages == {("vet", ()), ("animals", ())}

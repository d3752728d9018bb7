"""Work done only for fields that ``@include``/``@skip`` rule out sits under the condition.

With the condition false no fetch runs for them: not the requiring fetch, not the fetches
of its requirements, not the hops that reach its key, not the jump that tells which items
behind an ``@interfaceObject`` match a type condition. A conditioned step that would go to
the same subgraph as a fetch made anyway joins that fetch under ``... @include(if: $v)``.
"""

from __future__ import annotations

from textwrap import dedent

from qpkit import composed, plan, plan_text

from gateway.plan import (
    Condition,
    Fetch,
    Flatten,
    Parallel,
    PlanNode,
    QueryPlan,
    Sequence,
    SetValue,
)
from gateway.planner import iter_fetches

# tracking's key (trackingNo) comes through fleet; its eta requires depot's weightKg.
DEPOT = composed(
    depot="""
    type Query { shipments: [Shipment!]! }
    type Shipment @key(fields: "id") { id: ID! weightKg: Float }
    """,
    fleet="""
    type Shipment @key(fields: "id") @key(fields: "trackingNo") { id: ID! trackingNo: String! }
    """,
    tracking="""
    type Shipment @key(fields: "trackingNo") {
      trackingNo: String! weightKg: Float @external eta: String @requires(fields: "weightKg")
    }
    """,
)

# reviews holds Node as an @interfaceObject: only catalog knows which nodes are Products.
NODES = composed(
    catalog="""
    type Query { products: [Product!]! nodes: [Node!]! }
    interface Node @key(fields: "id") { id: ID! }
    type Product implements Node @key(fields: "id") { id: ID! name: String }
    type Shop implements Node @key(fields: "id") { id: ID! city: String }
    """,
    reviews="""
    type Query { topNodes: [Node!]! }
    type Node @key(fields: "id") @interfaceObject { id: ID! reviewCount: Int }
    """,
)


def services_run(node: PlanNode | QueryPlan | None, variables: dict[str, bool]) -> list[str]:
    """The subgraphs the plan sends a request to under ``variables``, in display order."""
    if isinstance(node, QueryPlan):
        node = node.node
    match node:
        case None:
            return []
        case Fetch(service=service) | Flatten(node=Fetch(service=service)):
            return [service]
        case Sequence(nodes=nodes) | Parallel(nodes=nodes):
            return [s for child in nodes for s in services_run(child, variables)]
        case Condition(variable=var, if_clause=then, else_clause=other):
            return services_run(then if variables[var] else other, variables)
    raise AssertionError(node)


def test_the_hops_to_a_requiring_field_s_key_are_conditioned() -> None:
    """fleet is asked only for tracking's key: it runs under the condition with tracking."""
    expected = dedent(
        """\
        QueryPlan {
          Sequence {
            Fetch(service: "depot") {
              {
                shipments {
                  id
                  __typename
                  weightKg
                }
              }
            },
            Include(if: $v) {
              Sequence {
                Flatten(path: "shipments.@") {
                  Fetch(service: "fleet") {
                    { ... on Shipment { __typename id } } =>
                    { ... on Shipment { __typename trackingNo } }
                  },
                },
                Flatten(path: "shipments.@") {
                  Fetch(service: "tracking") {
                    { ... on Shipment { __typename trackingNo weightKg } } =>
                    { ... on Shipment { eta } }
                  },
                },
              },
            },
          },
        }
        """
    ).strip()
    query = "query ($v: Boolean!) { shipments { id eta @include(if: $v) } }"
    assert plan_text(DEPOT, query) == expected


def test_skip_on_a_requiring_field_guards_the_same_work() -> None:
    query = "query ($s: Boolean!) { shipments { id eta @skip(if: $s) } }"
    result = plan(DEPOT, query)
    assert services_run(result, {"s": True}) == ["depot"]
    assert services_run(result, {"s": False}) == ["depot", "fleet", "tracking"]


def test_a_literal_condition_plans_no_fetch_at_all() -> None:
    assert services_run(plan(DEPOT, "{ shipments { id eta @skip(if: true) } }"), {}) == ["depot"]
    query = "{ shipments { id ... @include(if: false) { eta } } }"
    assert services_run(plan(DEPOT, query), {}) == ["depot"]


def test_nested_conditions_guard_the_requirement_chain() -> None:
    query = (
        "query ($a: Boolean!, $b: Boolean!) "
        "{ shipments { id ... @include(if: $a) { eta @skip(if: $b) } } }"
    )
    result = plan(DEPOT, query)
    assert services_run(result, {"a": False, "b": False}) == ["depot"]
    assert services_run(result, {"a": True, "b": True}) == ["depot"]
    assert services_run(result, {"a": True, "b": False}) == ["depot", "fleet", "tracking"]


def test_a_hop_shared_with_an_unconditioned_field_is_one_fetch() -> None:
    """trackingNo needs fleet anyway: the conditioned key joins that fetch, and the
    condition stays on its part of the selection."""
    expected = dedent(
        """\
        QueryPlan {
          Sequence {
            Fetch(service: "depot") {
              {
                shipments {
                  __typename
                  id
                  weightKg
                }
              }
            },
            Flatten(path: "shipments.@") {
              Fetch(service: "fleet", variables: [v]) {
                { ... on Shipment { __typename id } } =>
                { ... on Shipment { trackingNo ... @include(if: $v) { __typename } } }
              },
            },
            Include(if: $v) {
              Flatten(path: "shipments.@") {
                Fetch(service: "tracking") {
                  { ... on Shipment { __typename trackingNo weightKg } } =>
                  { ... on Shipment { eta } }
                },
              },
            },
          },
        }
        """
    ).strip()
    query = "query ($v: Boolean!) { shipments { trackingNo eta @include(if: $v) } }"
    assert plan_text(DEPOT, query) == expected


def test_a_type_condition_behind_an_interface_object_jumps_only_when_it_applies() -> None:
    """The catalog fetch only tells which nodes are Products: it runs under the condition."""
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
            Include(if: $v) {
              Flatten(path: "topNodes.@") {
                Fetch(service: "catalog") {
                  { ... on Node { __typename id } } =>
                  { ... on Node { __typename ... on Product { name } } }
                },
              },
            },
          },
        }
        """
    ).strip()
    query = (
        "query ($v: Boolean!) { topNodes { reviewCount ... on Product @include(if: $v) { name } } }"
    )
    assert plan_text(NODES, query) == expected


def test_a_skipped_type_condition_answered_by_the_interface_object_needs_no_jump() -> None:
    query = "query ($s: Boolean!) { topNodes { ... on Product @skip(if: $s) { reviewCount } } }"
    result = plan(NODES, query)
    assert services_run(result, {"s": True}) == ["reviews"]
    assert services_run(result, {"s": False}) == ["reviews", "catalog"]


def test_a_conditioned_type_condition_shares_the_jump_of_an_unconditioned_one() -> None:
    """Shop's city needs catalog anyway: Product's fields join it under the directive."""
    query = (
        "query ($s: Boolean!) { topNodes { reviewCount ... on Shop { city } "
        "... on Product @skip(if: $s) { name } } }"
    )
    result = plan(NODES, query)
    assert services_run(result, {"s": True}) == ["reviews", "catalog"]
    assert services_run(result, {"s": False}) == ["reviews", "catalog"]
    catalog = result.node.nodes[1] if isinstance(result.node, Sequence) else None
    assert isinstance(catalog, Flatten)
    assert "... on Shop { city } ... @skip(if: $s) { ... on Product { name } }" in (
        catalog.node.operation
    )
    assert catalog.node.variable_usages == ("s",)


# posts answers which items are Articles or Videos; stats counts the views of both.
POSTS = composed(
    posts="""
    type Query { posts: [Post!]! }
    union Post = Article | Video
    type Article @key(fields: "id") { id: ID! title: String }
    type Video @key(fields: "id") { id: ID! title: String }
    """,
    stats="""
    type Article @key(fields: "id") { id: ID! views: Int likes: Int }
    type Video @key(fields: "id") { id: ID! views: Int }
    """,
)


def test_a_conditioned_type_joins_the_fetch_of_another_type() -> None:
    """Videos' representations only serve the conditioned fragment: they join the Articles'
    fetch (a Video without its key, when the condition is false, is simply not sent)."""
    expected = dedent(
        """\
        QueryPlan {
          Sequence {
            Fetch(service: "posts", variables: [v]) {
              {
                posts {
                  __typename
                  ... on Article { __typename id }
                  ... on Video @include(if: $v) { __typename id }
                }
              }
            },
            Flatten(path: "posts.@") {
              Fetch(service: "stats", variables: [v]) {
                { ... on Article { __typename id } ... on Video { __typename id } } =>
                { ... on Article { views } ... on Video { ... @include(if: $v) { views } } }
              },
            },
          },
        }
        """
    ).strip()
    query = (
        "query ($v: Boolean!) { posts { ... on Article { views } "
        "... on Video @include(if: $v) { views } } }"
    )
    assert plan_text(POSTS, query) == expected


def test_a_fetch_for_fields_under_different_conditions_runs_when_one_holds() -> None:
    """Every field of the stats jump has a condition of its own: the fetch runs when one of
    them holds (a Condition node per variable), and the directives stay on the fields."""
    expected = dedent(
        """\
        QueryPlan {
          Sequence {
            Fetch(service: "posts") {
              {
                posts {
                  __typename
                  ... on Article { __typename id }
                }
              }
            },
            Condition(if: $a) {
              Then {
                Flatten(path: "posts.@") {
                  Fetch(service: "stats", variables: [a, b]) {
                    { ... on Article { __typename id } } =>
                    { ... on Article { views @include(if: $a) likes @skip(if: $b) } }
                  },
                },
              },
              Else {
                Skip(if: $b) {
                  Flatten(path: "posts.@") {
                    Fetch(service: "stats", variables: [a, b]) {
                      { ... on Article { __typename id } } =>
                      { ... on Article { views @include(if: $a) likes @skip(if: $b) } }
                    },
                  },
                },
              },
            },
          },
        }
        """
    ).strip()
    query = (
        "query ($a: Boolean!, $b: Boolean!) "
        "{ posts { ... on Article { views @include(if: $a) likes @skip(if: $b) } } }"
    )
    assert plan_text(POSTS, query) == expected
    result = plan(POSTS, query)
    for a, b, stats in [(False, True, False), (True, True, True), (False, False, True)]:
        expected_run = ["posts", "stats"] if stats else ["posts"]
        assert services_run(result, {"a": a, "b": b}) == expected_run


def test_opposite_conditions_on_the_fields_of_one_fetch_need_no_condition_node() -> None:
    """One of views and likes is always wanted: the fetch always runs."""
    query = (
        "query ($a: Boolean!) "
        "{ posts { ... on Article { views @include(if: $a) likes @skip(if: $a) } } }"
    )
    result = plan(POSTS, query)
    assert isinstance(result.node, Sequence)
    assert [type(n) for n in result.node.nodes] == [Fetch, Flatten]


def test_steps_under_different_conditions_share_one_fetch_run_when_either_holds() -> None:
    """Neither condition set contains the other: one stats fetch, run when either holds,
    each part under its own directive."""
    query = (
        "query ($v: Boolean!, $w: Boolean!) "
        "{ posts { ... on Video @include(if: $w) { views } ... on Article @skip(if: $v) { views } } }"
    )
    result = plan(POSTS, query)
    # the fetch sits in both branches of Condition(if: $v): the same node twice
    stats = {f.operation for f in iter_fetches(result) if f.service == "stats"}
    assert stats == {
        "query($representations: [_Any!]!, $v: Boolean!, $w: Boolean!) { _entities("
        "representations: $representations) { ... on Article { ... @skip(if: $v) { views } } "
        "... on Video { ... @include(if: $w) { views } } } }"
    }
    for v, w, fetched in [(True, False, False), (False, False, True), (True, True, True)]:
        expected = ["posts", "stats"] if fetched else ["posts"]
        assert services_run(result, {"v": v, "w": w}) == expected


def test_two_conditions_of_one_kind_wrap_in_nested_fragments() -> None:
    """@include is not repeatable: ``... @include(if: $a) @include(if: $b)`` would make
    the subgraph refuse the fetch (qpkit.plan validates every fetch)."""
    query = (
        "query ($a: Boolean!, $b: Boolean!) { posts { ... on Article { likes "
        "... @include(if: $a) { ... @include(if: $b) { views } } } } }"
    )
    [_posts, stats] = iter_fetches(plan(POSTS, query))
    assert (
        "... on Article { likes ... @include(if: $a) { ... @include(if: $b) { views } } }"
        in stats.operation
    )


def test_a_conditioned_type_the_interface_object_fetch_already_covers_joins_it() -> None:
    """reviews is asked for every node anyway (as a Node): the Products' part adds no
    representation, so it joins that fetch."""
    query = (
        "query ($s: Boolean!) "
        "{ nodes { id reviewCount ... on Product @skip(if: $s) { reviewCount } } }"
    )
    result = plan(NODES, query)
    assert services_run(result, {"s": True}) == ["catalog", "reviews"]
    assert services_run(result, {"s": False}) == ["catalog", "reviews"]


def test_conditioned_types_behind_an_interface_object_share_one_fetch() -> None:
    """Shops join the Products' fetch to reviews, both renamed Node."""
    query = (
        "query ($v: Boolean!) { nodes { ... on Product { reviewCount } "
        "... on Shop @include(if: $v) { reviewCount } } }"
    )
    [_catalog, reviews] = iter_fetches(plan(NODES, query))
    assert reviews.input_rewrites == (
        SetValue(("... on Product", "__typename"), "Node"),
        SetValue(("... on Shop", "__typename"), "Node"),
    )
    assert reviews.requires is not None
    assert [f.type_condition for f in reviews.requires.fragments] == ["Product", "Shop"]


def test_a_conditioned_interface_position_joins_the_fetch_of_one_implementation() -> None:
    """Products go to reviews anyway; the conditioned part asks for every node: Shops join
    that fetch, Products are sent once (same key, same renaming)."""
    query = (
        "query ($v: Boolean!) { nodes { reviewCount @include(if: $v) "
        "... on Product { reviewCount } } }"
    )
    [_catalog, reviews] = iter_fetches(plan(NODES, query))
    assert reviews.requires is not None
    assert [f.type_condition for f in reviews.requires.fragments] == ["Product", "Node"]

"""The plan cache: hits cost nothing, labels are part of the key, the LRU is bounded."""

from __future__ import annotations

from qpkit import supergraph

from gateway.operation import prepare_operation
from gateway.plan import display_plan
from gateway.planner import Planner
from gateway.supergraph import load_supergraph

ACCOUNTS = supergraph(
    "old new",
    """
type Query @join__type(graph: OLD) @join__type(graph: NEW) {
  accounts: [Account!]! @join__field(graph: OLD)
  one: Int @join__field(graph: OLD)
  two: Int @join__field(graph: OLD)
  three: Int @join__field(graph: OLD)
}
type Account @join__type(graph: OLD, key: "id") @join__type(graph: NEW, key: "id") {
  id: ID!
  balance: Int
    @join__field(graph: OLD, overrideLabel: "canary")
    @join__field(graph: NEW, override: "old", overrideLabel: "canary")
}
""",
)


def test_a_repeated_operation_is_a_cache_hit_returning_the_same_plan() -> None:
    sg = load_supergraph(ACCOUNTS)
    planner = Planner(sg)
    op = prepare_operation(sg.api_schema, "{ accounts { balance } }")
    first = planner.plan(op)
    again = planner.plan(prepare_operation(sg.api_schema, "{ accounts { balance } }"))
    assert again is first
    assert (planner.cache.hits, planner.cache.misses, planner.cache.size) == (1, 1, 1)


def test_labels_are_part_of_the_key_and_change_the_plan() -> None:
    sg = load_supergraph(ACCOUNTS)
    planner = Planner(sg)
    op = prepare_operation(sg.api_schema, "{ accounts { balance } }")
    on = planner.plan(op)  # every label on by default
    off = planner.plan(op, frozenset())
    assert planner.plan(op, {"canary"}) is on
    assert planner.plan(op, {"canary", "unknown-label"}) is on  # unknown labels are ignored
    assert display_plan(on) != display_plan(off)
    assert '"new"' in display_plan(on)
    assert '"new"' not in display_plan(off)
    assert planner.cache.size == 2


def test_the_cache_evicts_the_least_recently_used_plan() -> None:
    sg = load_supergraph(ACCOUNTS)
    planner = Planner(sg, cache_size=2)
    ops = [prepare_operation(sg.api_schema, f"{{ {f} }}") for f in ("one", "two", "three")]
    first = planner.plan(ops[0])
    planner.plan(ops[1])
    planner.plan(ops[0])  # refresh "one": "two" is now the oldest
    planner.plan(ops[2])
    assert planner.cache.size == 2
    assert planner.plan(ops[0]) is first
    misses = planner.cache.misses
    planner.plan(ops[1])
    assert planner.cache.misses == misses + 1

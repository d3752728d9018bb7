"""Merge entity steps that can share one fetch (one request instead of two; design §4.5.5-6).

Two entity steps to the same subgraph, merged at the same path, under the same conditions,
work on the same entities: one ``_entities`` request with the union of their inputs and
selections answers both. They are merged when that delays nothing:

- siblings: both run after exactly the same parents;
- a leaf step (no children) whose parents all finish before the other step starts: the
  other step runs later anyway, and nothing waits for the leaf.

The typical pair is a plain entity step and a post-``@requires`` step (``inStock`` and
``shippingEstimate`` of one product list: the bench's heavy query goes from 10 to 8 fetches).
Steps with rewrites, or whose selections or inputs disagree on a key, stay apart.
"""

from __future__ import annotations

from gateway.planner.selection import SelField, SelFrag, SelSet
from gateway.planner.steps import Step, StepGraph

__all__ = ["merge_entity_steps", "merge_selection", "nothing_waits_longer", "selections_merge"]


def selections_merge(into: SelSet, other: SelSet) -> bool:
    """Whether ``other`` can be merged into ``into`` without changing what either answers."""
    for k, item in other.items.items():
        found = into.items.get(k)
        if isinstance(item, SelFrag):
            if isinstance(found, SelFrag) and not selections_merge(found.sub, item.sub):
                return False
            continue
        if found is None:
            if into.conflicts(item.key, item.name, item.args):
                return False
            continue
        assert isinstance(found, SelField)
        if (found.name, found.args, found.type_text) != (item.name, item.args, item.type_text):
            return False
        if (found.sub is None) != (item.sub is None):
            return False
        if (
            found.sub is not None
            and item.sub is not None
            and not selections_merge(found.sub, item.sub)
        ):
            return False
    return True


def merge_selection(into: SelSet, other: SelSet) -> None:
    for k, item in other.items.items():
        found = into.items.get(k)
        if found is None:
            into.items[k] = item
            continue
        # selections_merge checked that both are fragments, or fields with one shape
        if found.sub is not None and item.sub is not None:
            merge_selection(found.sub, item.sub)


def _inputs_merge(a: Step, b: Step) -> bool:
    for type_name, fields in b.inputs.items():
        mine = a.inputs.get(type_name)
        if mine is None:
            continue
        if a.possible.get(type_name) != b.possible.get(type_name):
            return False
        if any(key in mine and mine[key] != f for key, f in fields.items()):
            return False
    return True


def _ancestors(step: Step) -> set[int]:
    seen: set[int] = set()
    todo = list(step.parents)
    while todo:
        s = todo.pop()
        if s.id not in seen:
            seen.add(s.id)
            todo.extend(s.parents)
    return seen


def nothing_waits_longer(a: Step, b: Step) -> bool:
    """Whether ``a`` can take ``b`` over without delaying ``a`` or anything after ``b``."""
    if {p.id for p in a.parents} == {p.id for p in b.parents}:
        return True
    if b.children:
        return False
    before_a = _ancestors(a)
    return all(p.id in before_a for p in b.parents)


def _mergeable(a: Step, b: Step) -> bool:
    """Whether ``a`` can take ``b`` over (``b``'s parents are then ``a``'s or before them)."""
    return (
        a.kind == b.kind == "entity"
        and (a.graph, a.merge_at, a.conditions, a.mutation_index)
        == (b.graph, b.merge_at, b.conditions, b.mutation_index)
        and nothing_waits_longer(a, b)
        and not (a.input_rewrites or a.output_rewrites or b.input_rewrites or b.output_rewrites)
        and _inputs_merge(a, b)
        and selections_merge(a.selection, b.selection)
    )


def _absorb(a: Step, b: Step, graph: StepGraph) -> None:
    """``a`` takes over ``b``'s selection, inputs, variables and dependents (``b``'s parents
    are ``a``'s, or ancestors of ``a``: ``a`` keeps its own)."""
    merge_selection(a.selection, b.selection)
    for type_name, fields in b.inputs.items():
        mine = a.inputs.setdefault(type_name, {})
        for key, f in fields.items():
            mine.setdefault(key, f)
        a.possible.setdefault(type_name, b.possible[type_name])
    a.variables |= b.variables
    a.requires_step = a.requires_step or b.requires_step
    # the merged fetch runs whenever either would have
    if a.any_of and b.any_of:
        a.any_of = tuple(dict.fromkeys((*a.any_of, *b.any_of)))
    else:
        a.any_of = ()
    graph.drop(b, waiting_for=[a])


def merge_entity_steps(graph: StepGraph) -> None:
    """Merge mergeable entity steps until no pair is left."""
    while True:
        pair = next(
            ((a, b) for a in graph.steps for b in graph.steps if a is not b and _mergeable(a, b)),
            None,
        )
        if pair is None:
            return
        _absorb(*pair, graph)

"""Merge sibling entity steps into one fetch (one request instead of two).

Two entity steps to the same subgraph, merged at the same path, under the same conditions
and after exactly the same parents, run at the same time on the same entities: one
``_entities`` request with the union of their inputs and selections answers both. The
typical pair is a plain entity step and a post-``@requires`` step whose required fields
came from the same parent (``inStock`` and ``shippingEstimate`` of one product list).
Steps with rewrites, or whose selections or inputs disagree on a key, stay apart.
"""

from __future__ import annotations

from gateway.planner.selection import SelField, SelFrag, SelSet
from gateway.planner.steps import Step, StepGraph

__all__ = ["merge_sibling_steps"]


def _selections_merge(into: SelSet, other: SelSet) -> bool:
    """Whether ``other`` can be merged into ``into`` without changing what either answers."""
    for k, item in other.items.items():
        found = into.items.get(k)
        if isinstance(item, SelFrag):
            if isinstance(found, SelFrag) and not _selections_merge(found.sub, item.sub):
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
            and not _selections_merge(found.sub, item.sub)
        ):
            return False
    return True


def _merge_selection(into: SelSet, other: SelSet) -> None:
    for k, item in other.items.items():
        found = into.items.get(k)
        if found is None:
            into.items[k] = item
            continue
        # _selections_merge checked that both are fragments, or fields with one shape
        if found.sub is not None and item.sub is not None:
            _merge_selection(found.sub, item.sub)


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


def _mergeable(a: Step, b: Step) -> bool:
    return (
        a.kind == b.kind == "entity"
        and (a.graph, a.merge_at, a.conditions, a.mutation_index)
        == (b.graph, b.merge_at, b.conditions, b.mutation_index)
        and {p.id for p in a.parents} == {p.id for p in b.parents}
        and not (a.input_rewrites or a.output_rewrites or b.input_rewrites or b.output_rewrites)
        and _inputs_merge(a, b)
        and _selections_merge(a.selection, b.selection)
    )


def _absorb(a: Step, b: Step, graph: StepGraph) -> None:
    """``a`` takes over ``b``'s selection, inputs, variables and dependents."""
    _merge_selection(a.selection, b.selection)
    for type_name, fields in b.inputs.items():
        mine = a.inputs.setdefault(type_name, {})
        for key, f in fields.items():
            mine.setdefault(key, f)
        a.possible.setdefault(type_name, b.possible[type_name])
    a.variables |= b.variables
    a.requires_step = a.requires_step or b.requires_step
    for child in list(b.children):
        child.remove_parent(b)
        child.add_parent(a)
    for p in list(b.parents):
        b.remove_parent(p)
    graph.steps.remove(b)


def merge_sibling_steps(graph: StepGraph) -> None:
    """Merge every pair of mergeable sibling entity steps (the lower id stays)."""
    merged = True
    while merged:
        merged = False
        for i, a in enumerate(graph.steps):
            b = next((b for b in graph.steps[i + 1 :] if _mergeable(a, b)), None)
            if b is not None:
                _absorb(a, b, graph)
                merged = True
                break

"""Merge a conditioned entity step into a twin that runs anyway (one fetch instead of two).

A step under ``@include(if: $v)`` gets its own fetch inside a Condition node, so nothing
runs for it when ``$v`` is false. When another step to the same subgraph, at the same
path, after the same parents, with the same representations, runs under fewer conditions,
that fetch is made anyway: the conditioned step's selection joins it inside
``... @include(if: $v) { ... }``. With ``$v`` false the subgraph answers the rest alone;
with ``$v`` true one request answers both. Steps that depend on the conditioned one keep
their own Condition nodes. Two steps whose conditions only overlap merge too: the fetch
runs under the shared ones when either side's others hold (``Step.any_of``), each part
wrapped in its own directives.

Representations must not lose an entity the other fetch answered. An input field the
other does not already send may come from a fetch skipped under the condition, and a
representation missing it is not sent at all: such a step stays apart, unless the walker
found the field *settled* (``Step.settled_inputs``: the parent returns it for every object
whatever the conditions, as ``price weight`` for ``shippingEstimate``). Input types whose
objects the other fetch never sends may join (``... on Video @include(if: $v) { views }``
beside ``... on Article { views }``): a Video whose key was skipped is simply not sent, and
one that is sent gets ``{}``. Types whose objects the other may send too need the same
fields and renaming there (``... on Cat`` beside ``... on Animal``, both renamed to the
interface object): a shared object gets one representation, the same either way.
"""

from __future__ import annotations

import copy

from graphql import print_ast

from gateway.operation.printer import condition_directives
from gateway.operation.tree import Conditions
from gateway.plan.nodes import Rewrite, SetValue
from gateway.planner.merge_steps import merge_selection, nothing_waits_longer, selections_merge
from gateway.planner.selection import SelField, SelFrag, SelSet
from gateway.planner.steps import InputField, Step, StepGraph

__all__ = ["merge_guarded_steps"]


def _guarded_by(conditions: Conditions, selection: SelSet) -> SelSet:
    """``selection`` inside one inline fragment per condition (``@skip``/``@include`` are
    not repeatable: two skips on one fragment make the subgraph refuse the operation)."""
    for directive in reversed(condition_directives(conditions)):
        text = " " + print_ast(directive)
        selection = SelSet({("t", "", text): SelFrag(None, text, selection)})
    return selection


def _overlapping(a: Step, possible: frozenset[str]) -> list[str]:
    """``a``'s input types whose objects may also be of one of ``possible``."""
    return [t for t, objects in a.possible.items() if not objects.isdisjoint(possible)]


def _covered(a: Step, type_name: str, possible: frozenset[str]) -> bool:
    """Whether ``a`` sends every object of ``possible`` already."""
    held = set().union(*(a.possible[t] for t in _overlapping(a, possible)))
    return bool(held) and possible <= held | {type_name}


def _inputs_included(a: Step, b: Step) -> bool:
    """Whether ``b``'s representations leave ``a``'s as they are.

    Each input type of ``b`` is one ``a`` sends with every field ``b`` needs (or a settled
    one, see the module docstring); or another type, provided every type of ``a`` whose
    objects it may share has the same fields and renaming (a shared object gets one
    representation, the same either way). Its objects ``a`` does not send only serve
    ``b``: when their representations cannot be built, ``b`` is not needed for them.
    """
    for type_name, fields in b.inputs.items():
        mine = a.inputs.get(type_name)
        if mine is None:
            if not all(
                _same_fields(a.inputs[t], fields) and _same_renaming(a, t, b, type_name)
                for t in _overlapping(a, b.possible[type_name])
            ):
                return False
            continue
        if a.possible.get(type_name) != b.possible.get(type_name):
            return False
        for key, f in fields.items():
            if key in mine:
                if mine[key] != f:
                    return False
            elif (type_name, key) not in b.settled_inputs:
                return False
    return _rewrites_fit(a, b)


def _same_fields(mine: dict[str, InputField], theirs: dict[str, InputField]) -> bool:
    """Equal field sets: an object of both types gets one representation, which neither
    side may need more of (a missing field would drop the object for both)."""
    return mine == theirs


def _renaming(step: Step, type_name: str) -> list[Rewrite]:
    on = f"... on {type_name}"
    return [r for r in step.input_rewrites if r.path[:1] == (on,)]


def _same_renaming(a: Step, a_type: str, b: Step, b_type: str) -> bool:
    """Whether both rename representations of these types alike (the interface object's
    name for ``__typename``, or nothing)."""

    def values(rewrites: list[Rewrite]) -> list[tuple[tuple[str, ...], str]] | None:
        out = [(r.path[1:], r.value) for r in rewrites if isinstance(r, SetValue)]
        return out if len(out) == len(rewrites) else None

    mine = values(_renaming(a, a_type))
    return mine is not None and mine == values(_renaming(b, b_type))


def _rewrites_fit(a: Step, b: Step) -> bool:
    """``b``'s input rewrites each name one of its own input types (checked above); output
    rewrites do not exist yet (conflicts are resolved after merging)."""
    if a.output_rewrites or b.output_rewrites:
        return False
    return all(r.path[:1] in {(f"... on {t}",) for t in b.inputs} for r in b.input_rewrites)


def _joinable(a: Step, b: Step, *, nested: bool) -> bool:
    """Whether ``a`` can also answer ``b``'s selection, each part under its own conditions.

    ``nested``: ``a``'s conditions are a strict subset of ``b``'s (``a`` runs whenever ``b``
    does). Otherwise ``a`` has conditions ``b`` lacks: the merged fetch runs under the
    shared ones when either one's others hold (always, when ``b`` has no others: a leaf
    ``b`` waiting for ``a``'s parents), so each side's inputs must suit the other.
    """
    # the cheap tests first: most pairs of a plan differ in graph, path or conditions
    if (a.graph, a.merge_at, a.mutation_index) != (b.graph, b.merge_at, b.mutation_index):
        return False
    if nested:
        if not a.conditions < b.conditions:
            return False
    elif a.conditions <= b.conditions or b.any_of:
        return False
    if not (
        a.kind == b.kind == "entity"
        and not a.any_of
        and nothing_waits_longer(a, b)
        and all(isinstance(i, SelFrag) for i in b.selection.items.values())
        and all(b.conditions <= c.conditions for c in b.children)
        and _inputs_included(a, b)
    ):
        return False
    return nested or (
        all(isinstance(i, SelFrag) for i in a.selection.items.values())
        and all(a.conditions <= c.conditions for c in a.children)
        and _inputs_included(b, a)
    )


def _answered(field: SelField, there: SelFrag | SelField | None) -> bool:
    """Whether the same leaf is already selected without conditions."""
    return (
        field.sub is None
        and isinstance(there, SelField)
        and (there.name, there.args, there.sub) == (field.name, field.args, None)
    )


def _wrap(into: SelSet, selection: SelSet, conditions: Conditions) -> SelSet:
    """``... on T { <sel> }`` becomes ``... on T { ... @include(if: $v) { <sel> } }``, less
    the leaves that ``into`` already selects there unconditionally."""
    out = SelSet()
    for key, item in selection.items.items():
        assert isinstance(item, SelFrag)
        mine = into.items.get(key)
        known = mine.sub.items if isinstance(mine, SelFrag) else {}
        rest = SelSet(
            {
                k: i
                for k, i in item.sub.items.items()
                if not (isinstance(i, SelField) and _answered(i, known.get(k)))
            }
        )
        if rest.items:
            inner = _guarded_by(conditions, rest)
            out.items[key] = SelFrag(item.type_condition, item.directives, inner)
    return out


def _absorb(a: Step, b: Step, graph: StepGraph) -> None:
    common = a.conditions & b.conditions
    a_only, b_only = a.conditions - common, b.conditions - common
    if a_only:  # a runs under fewer conditions now: its own part keeps them
        a.selection = _wrap(SelSet(), a.selection, a_only)
        a.any_of = (a_only, b_only) if b_only else ()
        a.conditions = common
    merge_selection(a.selection, _wrap(a.selection, b.selection, b_only))
    for type_name, fields in b.inputs.items():
        if type_name not in a.inputs and _covered(a, type_name, b.possible[type_name]):
            continue  # a sends these objects already, with the same fields and renaming
        mine = a.inputs.setdefault(type_name, {})
        for key, f in fields.items():
            mine.setdefault(key, f)
        if type_name not in a.possible:
            a.possible[type_name] = b.possible[type_name]
            a.input_rewrites.extend(_renaming(b, type_name))
    a.settled_inputs |= b.settled_inputs
    a.variables |= b.variables | {v for v, _ in a_only | b_only}
    a.requires_step = a.requires_step or b.requires_step
    graph.drop(b, waiting_for=[a])


def merge_guarded_steps(graph: StepGraph) -> bool:
    """Merge conditioned entity steps into steps that run anyway, or that share some of their
    conditions; whether any was merged.

    Each receiving step is checked against everything merged into it so far, conditions
    removed (GraphQL validates fields under every fragment of a selection as one set).
    """
    merged = False
    unguarded: dict[int, SelSet] = {}  # step id -> its selection and everything merged in

    def find(*, nested: bool) -> tuple[Step, Step] | None:
        for b in graph.steps:
            for a in graph.steps:
                if a is b or not _joinable(a, b, nested=nested):
                    continue
                if a.id not in unguarded:
                    unguarded[a.id] = copy.deepcopy(a.selection)
                if selections_merge(unguarded[a.id], unguarded.get(b.id, b.selection)):
                    return a, b
        return None

    while True:
        pair = find(nested=True) or find(nested=False)
        if pair is None:
            return merged
        a, b = pair
        merge_selection(unguarded[a.id], copy.deepcopy(unguarded.pop(b.id, b.selection)))
        _absorb(a, b, graph)
        merged = True

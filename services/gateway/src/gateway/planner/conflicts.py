"""Non-mergeable response keys (§4.8, H8).

Fields with one response key under sibling fragments, or under a fragment and outside it,
must have identical types in the subgraph (nullability and list shape included). When
``join__field(type:)`` makes them differ, the field under a fragment (the later one among
fragments) is aliased ``_qp<N>_<key>`` and an output ``RenameKey`` puts the value back
under the client's key before the merge.
"""

from __future__ import annotations

from gateway.plan.nodes import RenameKey
from gateway.planner.selection import SelField, SelFrag, SelSet
from gateway.planner.steps import Step

__all__ = ["resolve_conflicts"]


def _flatten(
    sel: SelSet, prefix: tuple[str, ...], out: list[tuple[tuple[str, ...], SelField]]
) -> None:
    """Fields reachable through fragments only, with their ``... on T`` path prefix."""
    for item in sel.items.values():
        if isinstance(item, SelFrag):
            step = (f"... on {item.type_condition}",) if item.type_condition else ()
            _flatten(item.sub, prefix + step, out)
        else:
            out.append((prefix, item))


def _resolve(groups: list[tuple[SelSet, tuple[str, ...]]], step: Step) -> None:
    """Alias conflicting keys among selection sets that GraphQL merges into one.

    ``groups`` holds (selection set, response path to it): the sub-selections of every
    field with one response key (repeated with other directives, or under several
    fragments) are validated as one set, so they are resolved together.
    """
    fields: list[tuple[tuple[str, ...], tuple[str, ...], SelField]] = []
    for sel, base in groups:
        flat: list[tuple[tuple[str, ...], SelField]] = []
        _flatten(sel, (), flat)
        fields.extend((base, frags, f) for frags, f in flat)
    # Fields outside any type condition cannot be renamed by a filtered RenameKey: their
    # type is the reference, and the ones under fragments give way (stable otherwise).
    fields.sort(key=lambda item: bool(item[1]))
    seen: dict[str, str] = {}
    taken = {f.key for _, _, f in fields}
    for base, frags, f in fields:
        first = seen.setdefault(f.key, f.type_text)
        if first != f.type_text and f.type_text and frags:
            original = f.key
            n = 0
            while f"_qp{n}_{original}" in taken:
                n += 1
            f.key = f"_qp{n}_{original}"
            taken.add(f.key)
            step.output_rewrites.append(RenameKey((*base, *frags, f.key), original))
    children: dict[str, list[tuple[SelSet, tuple[str, ...]]]] = {}
    for base, frags, f in fields:
        if f.sub is not None:
            children.setdefault(f.key, []).append((f.sub, (*base, *frags, f.key)))
    for subs in children.values():
        _resolve(subs, step)


def resolve_conflicts(step: Step) -> None:
    """Alias conflicting keys in ``step``'s selection and record the renames."""
    _resolve([(step.selection, ())], step)

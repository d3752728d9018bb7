"""Putting removed fields back as ``null`` into a shaped response (see ``authorization``).

A ``NullTree`` mirrors one object level of the client operation: the response keys removed
there (and whether each is non-null), the children to descend into (with their list shape),
the fragments applying at the same level (always, or only for some runtime types) and the
key holding the runtime type. ``restore_nulls`` walks it over the shaped ``data``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["TYPENAME_ALIAS", "NullChild", "NullTree", "restore_nulls"]

TYPENAME_ALIAS = "_authz_typename"  # added where a removed field sits under a narrower type


@dataclass(slots=True, eq=False)
class NullTree:
    """One object level of the response: where removed fields must read as null."""

    order: tuple[str, ...] = ()  # the client's response keys at this level, in order
    removed: dict[str, bool] = field(default_factory=dict)  # key -> field is non-null
    children: dict[str, NullChild] = field(default_factory=dict)
    includes: list[NullTree] = field(default_factory=list)  # fragments covering this level
    typed: list[tuple[frozenset[str], NullTree]] = field(default_factory=list)
    typename_key: str | None = None  # key holding the runtime type, when ``typed`` needs it
    drop_typename: bool = False  # the key was added by us: remove it from the response

    def __bool__(self) -> bool:
        return bool(self.removed or self.children or self.includes or self.typed)


@dataclass(frozen=True, slots=True)
class NullChild:
    """A field whose value holds objects with removed fields below it."""

    non_null: bool
    items_non_null: tuple[bool, ...]  # one entry per list level, outermost first
    tree: NullTree


class _Invalid:
    __slots__ = ()


_INVALID = _Invalid()


def restore_nulls(data: dict[str, Any] | None, nulls: NullTree) -> dict[str, Any] | None:
    """Write ``null`` for every removed field into shaped ``data`` (in place), propagating
    a null at a non-null position up to the nearest nullable field or list item.

    Returns the new ``data`` (``None`` when the null reaches the root). Call it after
    shaping, with the tree of ``authorize``; ``data`` of ``None`` stays ``None`` unless the
    whole operation was removed (pass ``{}`` then: nothing was executed).
    """
    if data is None or not nulls:
        return data
    return None if _apply(nulls, data) is _INVALID else data


def _apply(tree: NullTree, obj: dict[str, Any]) -> dict[str, Any] | _Invalid:
    """One response object: fill in the nulls, drop our typename key, restore client order."""
    valid, inserted = _apply_level(tree, obj)
    for key in _added_keys(tree):
        obj.pop(key, None)
    if inserted and tree.order:
        _reorder(obj, tree.order)
    return obj if valid else _INVALID


def _apply_level(tree: NullTree, obj: dict[str, Any], inherited: Any = None) -> tuple[bool, bool]:
    """(the object is still valid, a key was inserted), for a tree and its fragments."""
    valid, inserted = _apply_removed(tree, obj)
    for key, child in tree.children.items():
        value = obj.get(key)
        if value is not None and _descend(child.tree, value, child.items_non_null) is _INVALID:
            if child.non_null:
                valid = False
            else:
                obj[key] = None
    runtime = obj.get(tree.typename_key) if tree.typename_key else inherited
    for sub in (*tree.includes, *(sub for types, sub in tree.typed if runtime in types)):
        sub_valid, sub_inserted = _apply_level(sub, obj, runtime)
        valid = valid and sub_valid
        inserted = inserted or sub_inserted
    return valid, inserted


def _apply_removed(tree: NullTree, obj: dict[str, Any]) -> tuple[bool, bool]:
    """(the object is still valid, a key was inserted)."""
    valid, inserted = True, False
    for key, non_null in tree.removed.items():
        if key not in obj:
            obj[key] = None
            inserted = True
        if non_null:
            valid = False
    return valid, inserted


def _added_keys(tree: NullTree) -> set[str]:
    """Typename keys the filter added at this object level (its fragments included)."""
    found = {tree.typename_key} if tree.drop_typename and tree.typename_key else set()
    for sub in (*tree.includes, *(sub for _, sub in tree.typed)):
        found |= _added_keys(sub)
    return found


def _descend(tree: NullTree, value: Any, items: tuple[bool, ...]) -> Any:
    if not items:
        return _apply(tree, value) if isinstance(value, dict) else value
    if not isinstance(value, list):
        return value
    for i, item in enumerate(value):
        if item is None:
            continue
        if _descend(tree, item, items[1:]) is _INVALID:
            if items[0]:
                return _INVALID
            value[i] = None
    return value


def _reorder(obj: dict[str, Any], order: tuple[str, ...]) -> None:
    ranked = {k: i for i, k in enumerate(order)}
    items = sorted(obj.items(), key=lambda kv: ranked.get(kv[0], len(ranked)))
    obj.clear()
    obj.update(items)

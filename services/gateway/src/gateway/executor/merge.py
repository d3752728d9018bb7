"""Merging subgraph data into the working tree (design §6.4) and data rewrites (§6.3)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

from gateway.plan import RenameKey, Rewrite, SetValue

__all__ = ["PossibleTypes", "apply_rewrites", "deep_merge"]

_log = logging.getLogger("gateway.executor")


def deep_merge(target: dict[str, Any], source: dict[str, Any], abstract: frozenset[str]) -> None:
    """Merge ``source`` into ``target`` in place.

    ``abstract`` holds the names of interfaces and unions: an object type's
    ``__typename`` is never replaced by one of them (interface-object answers).
    """
    for key, value in source.items():
        if key not in target:
            target[key] = value
            continue
        current = target[key]
        if value is None:
            continue  # never overwrite data with a null from another fetch
        if isinstance(value, dict) and isinstance(current, dict):
            deep_merge(current, value, abstract)
        elif isinstance(value, list) and isinstance(current, list):
            _merge_lists(current, value, abstract, key)
        elif key == "__typename" and value in abstract and current not in abstract:
            continue
        else:
            target[key] = value


def _merge_lists(current: list[Any], value: list[Any], abstract: frozenset[str], key: str) -> None:
    if len(current) != len(value):
        _log.warning("list length mismatch while merging key %r; keeping the first", key)
        return
    for i, (t, s) in enumerate(zip(current, value, strict=True)):
        if isinstance(t, dict) and isinstance(s, dict):
            deep_merge(t, s, abstract)
        elif isinstance(t, list) and isinstance(s, list):
            _merge_lists(t, s, abstract, key)
        elif s is not None:
            current[i] = s


PossibleTypes = Callable[[str], frozenset[str]]


def apply_rewrites(value: Any, rewrites: Iterable[Rewrite], possible: PossibleTypes) -> None:
    """Apply input or output rewrites to one representation or entity result, in place.

    A path element ``... on T`` continues only when the object's ``__typename`` is T or
    one of T's possible types (``possible``).
    """
    for rewrite in rewrites:
        if rewrite.path:
            _apply(value, rewrite, 0, possible)


def _apply(value: Any, rewrite: Rewrite, i: int, possible: PossibleTypes) -> None:
    if isinstance(value, list):
        for item in value:
            _apply(item, rewrite, i, possible)
        return
    if not isinstance(value, dict):
        return
    path = rewrite.path
    step = path[i]
    if step.startswith("... on "):
        condition = step[7:]
        typename = value.get("__typename")
        matches = typename == condition or typename in possible(condition)
        if matches and i + 1 < len(path):
            _apply(value, rewrite, i + 1, possible)
        return
    if i == len(path) - 1:
        match rewrite:
            case SetValue(value=new):
                value[step] = new
            case RenameKey(to=to):
                if step in value:
                    value[to] = value.pop(step)
        return
    if step in value:
        _apply(value[step], rewrite, i + 1, possible)

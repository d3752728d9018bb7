"""Finding entity objects at a Flatten path and building representations (design §6.2)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import orjson

from gateway.executor.merge import PossibleTypes, apply_rewrites
from gateway.plan import MISSING, Fetch, project

__all__ = ["Representations", "collect", "concrete_paths", "objects_at", "static_prefix"]

PathItem = str | int


def objects_at(data: Any, path: tuple[str, ...]) -> Iterator[dict[str, Any]]:
    """The dicts reached by ``path`` ("@" walks list items), in document order."""
    yield from _walk(data, path, 0)


def _walk(value: Any, path: tuple[str, ...], i: int) -> Iterator[dict[str, Any]]:
    if value is None:
        return
    if i == len(path):
        if isinstance(value, dict):
            yield value
        elif isinstance(value, list):  # a list below the last key: its items are the entities
            for item in value:
                yield from _walk(item, path, i)
        return
    step = path[i]
    if step == "@":
        if isinstance(value, list):
            for item in value:
                yield from _walk(item, path, i + 1)
        return
    if isinstance(value, dict):
        yield from _walk(value.get(step), path, i + 1)


def concrete_paths(
    data: Any, path: tuple[str, ...], wanted: set[int]
) -> dict[int, list[tuple[PathItem, ...]]]:
    """Response paths of the objects whose ``id()`` is in ``wanted`` (only for errors)."""
    found: dict[int, list[tuple[PathItem, ...]]] = {}

    def walk(value: Any, i: int, at: tuple[PathItem, ...]) -> None:
        if value is None:
            return
        if i == len(path):
            if isinstance(value, dict):
                if id(value) in wanted:
                    found.setdefault(id(value), []).append(at)
            elif isinstance(value, list):
                for n, item in enumerate(value):
                    walk(item, i, (*at, n))
            return
        step = path[i]
        if step == "@":
            if isinstance(value, list):
                for n, item in enumerate(value):
                    walk(item, i + 1, (*at, n))
        elif isinstance(value, dict):
            walk(value.get(step), i + 1, (*at, step))

    walk(data, 0, ())
    return found


def static_prefix(path: tuple[str, ...]) -> tuple[PathItem, ...]:
    """The longest "@"-free prefix: where errors without an entity index attach."""
    out: list[PathItem] = []
    for step in path:
        if step == "@":
            break
        out.append(step)
    return tuple(out)


@dataclass(slots=True)
class Representations:
    """Deduplicated representations (already JSON) and the objects each one feeds."""

    keys: list[bytes] = field(default_factory=list)
    positions: list[list[dict[str, Any]]] = field(default_factory=list)


def collect(
    data: Any, path: tuple[str, ...], fetch: Fetch, possible: PossibleTypes
) -> Representations:
    """Project every entity object at ``path`` through ``fetch.requires``; skip MISSING ones."""
    assert fetch.requires is not None
    requires = fetch.requires
    rewrites = fetch.input_rewrites
    out = Representations()
    index: dict[bytes, int] = {}
    seen: set[int] = set()
    for entity in objects_at(data, path):
        if id(entity) in seen:  # one object reachable twice (shared by a merge)
            continue
        seen.add(id(entity))
        rep = project(requires, entity)
        if rep is MISSING:
            continue
        assert isinstance(rep, dict)
        if rewrites:
            apply_rewrites(rep, rewrites, possible)
        key = orjson.dumps(rep)
        i = index.get(key)
        if i is None:
            i = index[key] = len(out.keys)
            out.keys.append(key)
            out.positions.append([])
        out.positions[i].append(entity)
    return out

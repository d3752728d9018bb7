"""Finding entity objects at a Flatten path and building representations (design §6.2)."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import chain, repeat
from typing import Any

import orjson

from gateway.executor.merge import PossibleTypes, apply_rewrites
from gateway.plan import MISSING, Fetch, ReqShape, project

__all__ = ["Representations", "collect", "concrete_paths", "objects_at", "static_prefix"]

PathItem = str | int


def objects_at(data: Any, path: tuple[str, ...]) -> list[dict[str, Any]]:
    """The dicts reached by ``path`` ("@" walks list items), in document order.

    Level by level with flat lists: a recursive generator resumed every entity
    through each level of the path cost 5x more on long entity lists.
    """
    level: list[Any] = [data]
    for step in path:
        if step == "@":
            level = list(chain.from_iterable(v for v in level if v.__class__ is list))
        else:
            level = [
                child
                for value in level
                if value.__class__ is dict and (child := value.get(step)) is not None
            ]
    found = [value for value in level if value.__class__ is dict]
    if len(found) != len(level):  # lists (or scalars) below the last key
        found = []
        _leaves(level, found)
    return found


def _leaves(values: list[Any], found: list[dict[str, Any]]) -> None:
    # Lists below the last key: their items (at any depth) are the entities.
    for value in values:
        if isinstance(value, dict):
            found.append(value)
        elif isinstance(value, list):
            _leaves(value, found)


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
    """Deduplicated representations (already JSON) and the entity objects they feed.

    ``entities[j]`` gets the result of representation ``order[j]``; entities are in
    document order, so a merge loop walks them once, without per-representation lists.
    """

    payload: bytes = b"[]"  # the ``representations`` variable's JSON
    count: int = 0  # distinct representations
    entities: list[dict[str, Any]] = field(default_factory=list)
    order: list[int] = field(default_factory=list)

    def __len__(self) -> int:
        return self.count

    def json(self) -> bytes:
        """The ``representations`` variable's JSON."""
        return self.payload

    @property
    def positions(self) -> list[list[dict[str, Any]]]:
        """The entities of each representation (for error paths; built on demand)."""
        groups: list[list[dict[str, Any]]] = [[] for _ in range(self.count)]
        for entity, i in zip(self.entities, self.order, strict=True):
            groups[i].append(entity)
        return groups


def _simple_key(requires: ReqShape) -> tuple[frozenset[str], tuple[str, ...]] | None:
    """``... on T { __typename k1 k2 }`` with non-null leaf keys: the common case (§7)."""
    if requires.fields or len(requires.fragments) != 1:
        return None
    fragment = requires.fragments[0]
    fields = fragment.fields
    if not fields or fields[0].key != "__typename" or fields[0].source != "__typename":
        return None
    keys: list[str] = []
    for f in fields[1:]:
        if f.shape is not None or f.list_depth or f.source != f.key or not f.non_null:
            return None
        keys.append(f.key)
    return fragment.possible_types, tuple(keys)


def _collect_simple(
    entities: list[dict[str, Any]], types: frozenset[str], keys: tuple[str, ...]
) -> Representations:
    """Same result as the general projection, deduplicating on value tuples and
    serializing each distinct representation once."""
    columns = _key_columns(entities, types, keys)
    if columns is not None:
        return _from_columns(entities, columns, ("__typename", *keys))
    out = Representations()
    index: dict[tuple[Any, ...], int] = {}
    reps: list[dict[str, Any]] = []
    seen: set[int] = set()
    single = keys[0] if len(keys) == 1 else None
    names = ("__typename", *keys)  # a representation is dict(zip(names, ident))
    for entity in entities:
        typename = entity.get("__typename")
        if typename not in types or id(entity) in seen:
            continue
        seen.add(id(entity))
        if single is not None:
            value = entity.get(single)
            if value is None:  # a missing or null key field: not sent
                continue
            ident: tuple[Any, ...] = (typename, value)
        else:
            ident = (typename, *map(entity.get, keys))
            if None in ident:
                continue
        i = index.get(ident)
        if i is None:
            i = index[ident] = len(reps)
            reps.append(dict(zip(names, ident, strict=True)))
        out.entities.append(entity)
        out.order.append(i)
    out.payload = orjson.dumps(reps)  # one call for the whole variable
    out.count = len(reps)
    return out


def _key_columns(
    entities: list[dict[str, Any]], types: frozenset[str], keys: tuple[str, ...]
) -> list[list[Any]] | None:
    """``__typename`` and each key of every entity, read column by column in C (``map``);
    None unless every entity is distinct, of a wanted type and has every key."""
    n = len(entities)
    get = dict.get
    typenames = list(map(get, entities, repeat("__typename", n)))
    if not types.issuperset(typenames) or len(set(map(id, entities))) != n:
        return None
    columns = [typenames]
    for key in keys:
        column = list(map(get, entities, repeat(key, n)))
        if None in column:
            return None
        columns.append(column)
    return columns


def _from_columns(
    entities: list[dict[str, Any]], columns: list[list[Any]], names: tuple[str, ...]
) -> Representations:
    idents = list(zip(*columns, strict=True))
    # First-seen order, as the entity loop gives; ident -> its representation's index.
    index = {ident: i for i, ident in enumerate(dict.fromkeys(idents))}
    if len(index) == len(idents):  # no duplicates (e.g. a top-level list)
        order = list(range(len(idents)))
    else:
        order = list(map(index.__getitem__, idents))
    if len(names) == 2:
        typename, key = names
        reps = [{typename: t, key: v} for t, v in index]
    else:
        reps = [dict(zip(names, ident, strict=True)) for ident in index]
    return Representations(orjson.dumps(reps), len(index), entities, order)


def collect(
    data: Any,
    path: tuple[str, ...],
    fetch: Fetch,
    possible: PossibleTypes,
    entities: list[dict[str, Any]] | None = None,
) -> Representations:
    """Project every entity object at ``path`` through ``fetch.requires``; skip MISSING ones.

    ``entities``: ``objects_at(data, path)`` when the caller has it already.
    """
    if entities is None:
        entities = objects_at(data, path)
    assert fetch.requires is not None
    requires = fetch.requires
    rewrites = fetch.input_rewrites
    simple = None if rewrites else _simple_key(requires)
    if simple is not None:
        try:
            return _collect_simple(entities, *simple)
        except TypeError:  # an unhashable (object) key value: take the general path
            pass
    out = Representations()
    index: dict[bytes, int] = {}
    keys: list[bytes] = []
    seen: set[int] = set()
    for entity in entities:
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
            i = index[key] = len(keys)
            keys.append(key)
        out.entities.append(entity)
        out.order.append(i)
    out.payload = b"[" + b",".join(keys) + b"]"
    out.count = len(keys)
    return out

"""Finding entity objects at a Flatten path and building representations (design §6.2)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from itertools import chain, repeat
from operator import itemgetter
from typing import Any

import orjson

from gateway.executor.merge import PossibleTypes, apply_rewrites
from gateway.plan import MISSING, Fetch, ReqShape, project

__all__ = [
    "Representations",
    "collect",
    "concrete_paths",
    "objects_at",
    "parsed_key",
    "static_prefix",
]

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
            continue
        try:  # every value an object: one C loop
            level = list(map(dict.get, level, repeat(parsed_key(step))))
        except TypeError:  # a null (or scalar, or list) among them
            level = [value.get(step) if value.__class__ is dict else None for value in level]
        if None in level:
            level = [child for child in level if child is not None]
    if set(map(type, level)) <= {dict}:
        return level
    found: list[dict[str, Any]] = []  # lists (or scalars) below the last key
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
    if not keys:  # ``... on T { __typename }``: nothing to read by itemgetter
        return None
    return fragment.possible_types, tuple(keys)


@cache
def parsed_key(key: str) -> str:
    """``key`` as the object ``orjson.loads`` gives for it: the parser caches keys (up to
    64 bytes), so the dicts of subgraph answers hold that very object and a lookup by it
    matches on identity instead of comparing characters. Should the parser's cache drop
    it, lookups still match, by comparison."""
    parsed: dict[str, None] = orjson.loads(orjson.dumps({key: None}))
    return next(iter(parsed))


@cache
def _getter(keys: tuple[str, ...]) -> Callable[[dict[str, Any]], Any]:
    """``itemgetter(*keys)`` over the parsed key objects (``parsed_key``)."""
    return itemgetter(*map(parsed_key, keys))


def _collect_simple(
    entities: list[dict[str, Any]], types: frozenset[str], keys: tuple[str, ...]
) -> Representations:
    """Same result as the general projection: ``__typename`` and the keys read by C loops
    (``map``), deduplicated in first-seen order (``_first_seen``), serialized in one call.

    No identity check: the working data is a tree (see ``collect``).
    """
    try:
        every = types.issuperset(map(_getter(("__typename",)), entities))
    except KeyError:  # an object without __typename
        every = False
    if not every:  # other types at an abstract position: keep the wanted ones
        typenames = map(dict.get, entities, repeat("__typename"))
        entities = [e for e, t in zip(entities, typenames, strict=True) if t in types]
    n = len(entities)
    if not n:
        return Representations()
    # One wanted type: the typename is the same everywhere, so the keys alone identify.
    one_type: str | None = entities[0]["__typename"] if len(types) == 1 else None
    getter = _getter(keys if one_type is not None else ("__typename", *keys))
    try:  # per entity, a value (one key and one type) or a tuple
        idents = list(map(getter, entities))
    except KeyError:  # a missing key field: that entity is not sent
        return _collect_each(entities, keys)
    bare = one_type is not None and len(keys) == 1
    distinct, order = _first_seen(idents, bare)  # the entity loop's order
    incomplete = None in distinct if bare else any(None in ident for ident in distinct)
    if incomplete:  # a null key field: that entity is not sent
        return _collect_each(entities, keys)
    reps = _builder(keys, one_type is not None)(one_type, distinct)
    return Representations(orjson.dumps(reps), len(distinct), entities, order)


def _first_seen(idents: list[Any], bare: bool) -> tuple[dict[Any, Any], list[int]]:
    """The distinct idents in first-seen order, and each ident's index among them.

    Bare values keep their hash, so each is looked up again; a tuple is hashed anew
    every time, so one pass keeps each one's first position and the positions (ints)
    are ranked instead (-17% on three keys).
    """
    n = len(idents)
    if bare:
        distinct = dict.fromkeys(idents)
        if len(distinct) == n:  # no duplicates (e.g. a top-level list)
            return distinct, list(range(n))
        index = dict(zip(distinct, range(len(distinct)), strict=True))
        return distinct, list(map(index.__getitem__, idents))
    first: dict[Any, int] = {}
    positions = list(map(first.setdefault, idents, range(n)))
    if len(first) == n:
        return first, positions  # 0..n-1
    rank = dict(zip(first.values(), range(len(first)), strict=True))
    return first, list(map(rank.__getitem__, positions))


RepBuilder = Callable[[str | None, Iterable[Any]], list[dict[str, Any]]]
_BUILDERS: dict[tuple[tuple[str, ...], bool], RepBuilder] = {}


def _builder(keys: tuple[str, ...], one_type: bool) -> RepBuilder:
    """``build(typename, idents)``: the representation dicts, each one dict display.

    Generated once per key selection: ``dict(zip(names, ident))`` per representation
    cost several times more. With one type, idents hold only the keys (a bare value
    for one key) and ``typename`` fills ``__typename``; else they start with it.
    """
    build = _BUILDERS.get((keys, one_type))
    if build is None:
        values = [f"k{i}" for i in range(len(keys))]
        items = ", ".join(f"{key!r}: {value}" for key, value in zip(keys, values, strict=True))
        targets = ", ".join(values if one_type else ["typename", *values])
        source = (
            "def build(typename, idents):\n"
            f"    return [{{'__typename': typename, {items}}} for {targets} in idents]\n"
        )
        namespace: dict[str, Any] = {}
        exec(source, namespace)  # noqa: S102 - source built from schema field names
        build = _BUILDERS[keys, one_type] = namespace["build"]
    return build


def _collect_each(entities: list[dict[str, Any]], keys: tuple[str, ...]) -> Representations:
    """Entity by entity (all of wanted types), skipping those with a missing or null key."""
    out = Representations()
    index: dict[tuple[Any, ...], int] = {}  # (typename, *keys) -> representation index
    for entity in entities:
        ident = (entity["__typename"], *map(entity.get, keys))
        if None in ident:
            continue
        i = index.get(ident)
        if i is None:
            i = index[ident] = len(index)
        out.entities.append(entity)
        out.order.append(i)
    out.payload = orjson.dumps(_builder(keys, False)(None, index))  # one call for all
    out.count = len(index)
    return out


def collect(
    data: Any,
    path: tuple[str, ...],
    fetch: Fetch,
    possible: PossibleTypes,
    entities: list[dict[str, Any]] | None = None,
) -> Representations:
    """Project every entity object at ``path`` through ``fetch.requires``; skip MISSING ones.

    ``entities``: ``objects_at(data, path)`` when the caller has it already.

    No object is reachable twice, so no entity is checked for being seen before: the
    working data is a tree. Every object in it was parsed from one subgraph answer
    (each caller of the transport parses its own copy) and placed once: a root merge
    moves the answer's subtrees into place, a re-entry merges a private parse per
    position, and an entity merge gives a representation's item to its first entity and
    a private parse to each later one (a flat item shares only immutable values).
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
    for entity in entities:
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

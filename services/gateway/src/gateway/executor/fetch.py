"""Running one Fetch: prepare (sync), await the transport, merge (sync) — design §6.1–6.6.

No ``await`` separates a read of the working data from the write that depends on
it, so each merge is atomic under asyncio and parallel branches cannot race.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import chain
from typing import Any

import orjson
from graphql import FieldNode, OperationDefinitionNode, parse

from gateway.executor.collect import (
    Representations,
    collect,
    concrete_paths,
    objects_at,
    static_prefix,
)
from gateway.executor.errors import PathItem, ResponseError
from gateway.executor.merge import PossibleTypes, apply_rewrites, deep_merge
from gateway.plan import Fetch, QueryPlan
from gateway.transport import Transport, TransportError

__all__ = ["CompiledFetch", "ExecutionState", "run_fetch"]

_log = logging.getLogger("gateway.executor")

_DICTS_ONLY = {dict}
_CONTAINERS = frozenset((dict, list))
_NOT_SCALAR = frozenset((dict, list, type(None)))
# dict_keys.isdisjoint unbound: map() calls it for every (entity keys, item) pair in C.
_keys_isdisjoint: Callable[[Any, Any], bool] = type({}.keys()).isdisjoint


@dataclass(frozen=True, slots=True)
class CompiledFetch:
    """Per-plan precompiled request parts (§7): nothing is serialized twice per request."""

    head: bytes  # b'{"query":...,"operationName":...,"variables":'
    root_keys: tuple[str, ...]  # top-level response keys of the subgraph operation


def compile_fetch(plan: QueryPlan, fetch: Fetch) -> CompiledFetch:
    """The cached compiled form of ``fetch``, built on first use and kept on the plan."""
    cache = plan.compiled.get("fetches")
    if cache is None:
        cache = plan.compiled["fetches"] = {}
    assert isinstance(cache, dict)
    compiled = cache.get(fetch.id)
    if compiled is None:
        head = b'{"query":' + orjson.dumps(fetch.operation)
        if fetch.operation_name:
            head += b',"operationName":' + orjson.dumps(fetch.operation_name)
        head += b',"variables":'
        compiled = cache[fetch.id] = CompiledFetch(head, _root_keys(fetch.operation))
    assert isinstance(compiled, CompiledFetch)
    return compiled


def _root_keys(operation: str) -> tuple[str, ...]:
    try:
        doc = parse(operation, no_location=True)
    except Exception:  # a plan bug; the subgraph will say so
        return ()
    keys: list[str] = []
    for definition in doc.definitions:
        if isinstance(definition, OperationDefinitionNode):
            for sel in definition.selection_set.selections:
                if isinstance(sel, FieldNode):
                    keys.append(sel.alias.value if sel.alias else sel.name.value)
    return tuple(keys)


@dataclass(slots=True)
class ExecutionState:
    """Per-request state shared by every fetch of one plan."""

    plan: QueryPlan
    transport: Transport
    variables: Mapping[str, Any]  # the client's raw JSON values (forwarded as they are)
    coerced: Mapping[str, Any]  # coerced values (Condition nodes, shaping)
    abstract_types: frozenset[str]
    possible: PossibleTypes
    headers: Mapping[str, str] | None = None
    data: dict[str, Any] = field(default_factory=dict)
    errors: list[ResponseError] = field(default_factory=list)
    covered: set[tuple[PathItem, ...]] = field(default_factory=set)  # paths nulled by failures
    fetches: int = 0  # subgraph requests attempted
    # objects_at results by Flatten path, while no merge could have changed them (the
    # working data is a tree: a merge at Q only adds objects below Q).
    _objects: dict[tuple[str, ...], list[dict[str, Any]]] = field(default_factory=dict)

    def objects_at(self, path: tuple[str, ...]) -> list[dict[str, Any]]:
        """``objects_at(self.data, path)``, walked once for consecutive fetches at ``path``."""
        found = self._objects.get(path)
        if found is None:
            found = self._objects[path] = objects_at(self.data, path)
        return found

    def merged_at(self, path: tuple[str, ...]) -> None:
        """A merge into the objects at ``path`` may add objects below them: forget those."""
        n = len(path)
        stale = [p for p in self._objects if len(p) > n and p[:n] == path]
        for p in stale:
            del self._objects[p]


def _body(
    compiled: CompiledFetch, fetch: Fetch, state: ExecutionState, reps: bytes | None
) -> bytes:
    if not fetch.variable_usages:  # most entity fetches: no comprehension, no dumps
        if reps is None:
            return compiled.head + b"{}}"
        return compiled.head + b'{"representations":' + reps + b"}}"
    used = {n: state.variables[n] for n in fetch.variable_usages if n in state.variables}
    if reps is None:
        return compiled.head + orjson.dumps(used) + b"}"
    tail = orjson.dumps(used)[1:-1] if used else b""
    return compiled.head + b'{"representations":' + reps + (b"," + tail if tail else b"") + b"}}"


async def run_fetch(state: ExecutionState, fetch: Fetch, path: tuple[str, ...] = ()) -> None:
    """Run a root fetch (``path == ()``), an entity fetch, or a root re-entry at ``path``."""
    try:
        if not path:
            await _root(state, fetch)
        elif fetch.requires is None:
            await _reentry(state, fetch, path)
        else:
            await _entities(state, fetch, path)
    except Exception:  # invariant 4: never raise because of a subgraph
        _log.exception("fetch %s to %s failed unexpectedly", fetch.id, fetch.service)
        state.errors.append(
            ResponseError(
                f"Fetch to subgraph '{fetch.service}' failed.",
                static_prefix(path) or None,
                "SUBREQUEST_HTTP_ERROR",
                fetch.service,
            )
        )


async def _send(
    state: ExecutionState, fetch: Fetch, body: bytes, path: tuple[str, ...]
) -> dict[str, Any] | None:
    """The parsed response, or None after recording one transport error at the static
    prefix of the Flatten ``path``."""
    state.fetches += 1
    try:
        return await state.transport.fetch(
            fetch.service, body, kind=fetch.kind, headers=state.headers
        )
    except TransportError as exc:
        _log.warning(
            "subgraph fetch failed",
            extra={"graph": fetch.service, "fetch_id": fetch.id, "status": exc.status},
        )
        at = static_prefix(path) or None
        state.errors.append(ResponseError(exc.message, at, exc.code, fetch.service))
        return None


async def _root(state: ExecutionState, fetch: Fetch) -> None:
    compiled = compile_fetch(state.plan, fetch)
    response = await _send(state, fetch, _body(compiled, fetch, state, None), ())
    if response is None:
        state.covered.update((k,) for k in compiled.root_keys)
        return
    data = response.get("data")
    if isinstance(data, dict):
        if fetch.output_rewrites:
            apply_rewrites(data, fetch.output_rewrites, state.possible)
        deep_merge(state.data, data, state.abstract_types)
        state.merged_at(())
    else:
        # No data at all: the subgraph's errors (or ours) explain every root field.
        state.covered.update((k,) for k in compiled.root_keys)
        if "errors" not in response:
            _malformed(state, fetch, (), "no data")
    for err in _subgraph_errors(response):
        path = err.get("path")
        mapped = _unalias(fetch, tuple(path)) if isinstance(path, list) else None
        state.errors.append(_from_subgraph(err, mapped, fetch))


async def _reentry(state: ExecutionState, fetch: Fetch, path: tuple[str, ...]) -> None:
    targets = list(state.objects_at(path))
    if not targets:
        return
    compiled = compile_fetch(state.plan, fetch)
    response = await _send(state, fetch, _body(compiled, fetch, state, None), path)
    if response is None:
        return
    data = response.get("data")
    raw = orjson.dumps(data) if isinstance(data, dict) else None
    for target in targets:
        if raw is not None:  # one private copy per position: later merges mutate them
            deep_merge(target, orjson.loads(raw), state.abstract_types)
    state.merged_at(path)
    errors = _subgraph_errors(response)
    if errors:
        places = concrete_paths(state.data, path, {id(t) for t in targets})
        for err in errors:
            rest = err.get("path")
            rest_t = _unalias(fetch, tuple(rest)) if isinstance(rest, list) else None
            for target in targets:
                for at in places.get(id(target), []):
                    state.errors.append(
                        _from_subgraph(err, (*at, *rest_t) if rest_t is not None else at, fetch)
                    )


async def _entities(state: ExecutionState, fetch: Fetch, path: tuple[str, ...]) -> None:
    reps = collect(state.data, path, fetch, state.possible, state.objects_at(path))
    if not len(reps):
        return  # nothing to ask: no HTTP call, no error
    compiled = compile_fetch(state.plan, fetch)
    body = _body(compiled, fetch, state, reps.json())
    response = await _send(state, fetch, body, path)
    if response is None:
        return
    data = response.get("data")
    entities = data.get("_entities") if isinstance(data, dict) else None
    errors = _subgraph_errors(response)
    if isinstance(entities, list) and len(entities) == len(reps):
        _merge_entities(state, fetch, entities, reps)
        state.merged_at(path)
    elif entities is not None or not errors:
        got = len(entities) if isinstance(entities, list) else "no"
        why = f"expected {len(reps)} entities, got {got}"
        _malformed(state, fetch, static_prefix(path), why)
    if errors:
        _entity_errors(state, fetch, path, reps, errors)


def _merge_entities(
    state: ExecutionState, fetch: Fetch, items: list[Any], reps: Representations
) -> None:
    """Merge ``_entities[i]`` into every entity of representation i, in document order."""
    abstract = state.abstract_types
    if fetch.output_rewrites:
        for item in items:
            if isinstance(item, dict):
                apply_rewrites(item, fetch.output_rewrites, state.possible)
    if _merge_in_bulk(items, reps, abstract):
        return
    # Each entity gets its own objects, so later merges cannot alias: the first entity of
    # a representation gets the item, later ones a copy, unless the item holds no dict or
    # list (nothing mutable to share). copies[i]: the item's JSON, or b"" for a flat item.
    first_use = [True] * len(items)
    copies: dict[int, bytes] = {}
    for target, i in zip(reps.entities, reps.order, strict=True):
        item = items[i]
        if item.__class__ is not dict:
            continue
        if first_use[i]:
            first_use[i] = False
        else:
            raw = copies.get(i)
            if raw is None:
                nested = any(isinstance(v, dict | list) for v in item.values())
                raw = copies[i] = orjson.dumps(item) if nested else b""
            if raw:
                item = orjson.loads(raw)
        if target.keys().isdisjoint(item):
            target.update(item)  # only new keys (deep_merge's result), without the call
        else:
            deep_merge(target, item, abstract)


def _merge_in_bulk(items: list[Any], reps: Representations, abstract: frozenset[str]) -> bool:
    """The common cases in C, where dict.update gives deep_merge's result; False: not one."""
    if set(map(type, items)) != _DICTS_ONLY:
        return False
    entities = reps.entities
    if len(entities) == len(items):
        # Every representation used once (``order`` is 0..n-1, first-seen order): only new
        # keys for every entity (one check per item).
        per_entity = items
        if not all(map(_keys_isdisjoint, map(dict.keys, entities), items)):
            return False
    else:
        # Checked per item, not per entity: scalars only (no null, no object or list, no
        # value naming an abstract type, which deep_merge never writes over a concrete
        # __typename) merge the same whatever keys the entity has already; else flat
        # items (nothing mutable to share) and only new keys for every entity.
        per_entity = list(map(items.__getitem__, reps.order))
        plain = _NOT_SCALAR.isdisjoint(map(type, _values(items))) and abstract.isdisjoint(
            _values(items)
        )
        if not plain and not (
            _CONTAINERS.isdisjoint(map(type, _values(items)))
            and all(map(_keys_isdisjoint, map(dict.keys, entities), per_entity))
        ):
            return False
    deque(map(dict.update, entities, per_entity), maxlen=0)
    return True


def _values(items: list[dict[str, Any]]) -> Iterator[Any]:
    return chain.from_iterable(map(dict.values, items))


def _entity_errors(
    state: ExecutionState,
    fetch: Fetch,
    path: tuple[str, ...],
    reps: Representations,
    errors: list[dict[str, Any]],
) -> None:
    """``_entities.i.rest`` goes to every position of representation i; others to the prefix."""
    prefix = static_prefix(path)
    places: dict[int, list[tuple[PathItem, ...]]] | None = None
    for err in errors:
        err_path = err.get("path")
        if (
            isinstance(err_path, list)
            and len(err_path) >= 2
            and err_path[0] == "_entities"
            and isinstance(err_path[1], int)
            and 0 <= err_path[1] < len(reps)
        ):
            if places is None:
                wanted = {id(e) for targets in reps.positions for e in targets}
                places = concrete_paths(state.data, path, wanted)
            rest = _unalias(fetch, tuple(err_path[2:]))
            for entity in reps.positions[err_path[1]]:
                for at in places.get(id(entity), []):
                    state.errors.append(_from_subgraph(err, (*at, *rest), fetch))
        else:
            state.errors.append(_from_subgraph(err, prefix or None, fetch))


def _malformed(state: ExecutionState, fetch: Fetch, at: tuple[PathItem, ...], why: str) -> None:
    state.errors.append(
        ResponseError(
            f"Subgraph '{fetch.service}' returned a malformed response: {why}.",
            at or None,
            "SUBREQUEST_MALFORMED_RESPONSE",
            fetch.service,
        )
    )


def _subgraph_errors(response: dict[str, Any]) -> list[dict[str, Any]]:
    errors = response.get("errors")
    if not isinstance(errors, list):
        return []
    return [e if isinstance(e, dict) else {"message": str(e)} for e in errors]


def _from_subgraph(
    err: dict[str, Any], path: tuple[PathItem, ...] | None, fetch: Fetch
) -> ResponseError:
    ext = err.get("extensions")
    code = ext.get("code") if isinstance(ext, dict) else None
    message = err.get("message")
    return ResponseError(
        message if isinstance(message, str) else "Subgraph error",
        path or None,
        code if isinstance(code, str) else None,
        fetch.service,
    )


def _unalias(fetch: Fetch, path: tuple[Any, ...]) -> tuple[PathItem, ...]:
    """Map planner aliases (``_qp<N>_key``) in an error path back to client keys."""
    clean: tuple[PathItem, ...] = tuple(p for p in path if isinstance(p, str | int))
    if not fetch.internal_aliases:
        return clean
    keys = [p for p in clean if isinstance(p, str)]
    out = list(clean)
    for alias_path, original in fetch.internal_aliases:
        n = len(alias_path)
        if tuple(keys[:n]) == alias_path:
            # Replace the n-th string element of the path.
            seen = 0
            for i, p in enumerate(out):
                if isinstance(p, str):
                    seen += 1
                    if seen == n:
                        out[i] = original
                        break
    return tuple(out)

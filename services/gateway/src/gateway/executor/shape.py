"""Result shaping against the client operation (design §6.5).

Shaping is the only code that writes the client response (invariant 3): it
builds new dicts in client field order from the merged working data, copies
only client selections, writes ``__typename`` itself, checks enum values and
propagates nulls at non-null positions up to the nearest nullable field or
list item.

The compiled form is one ``SelShape`` per selection set; the field list per
concrete runtime type is resolved once (fragments evaluated, same response key
merged) and memoized, so the run-time loop has no fragment logic. ``@skip`` /
``@include`` on variables are resolved at compile time: a shape is compiled per
assignment of the operation's condition variables that actually occurs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from graphql import (
    GraphQLEnumType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLUnionType,
    get_named_type,
)

from gateway.executor.errors import PathItem, ResponseError
from gateway.operation import Field, Fragment, NormalizedOperation, Selection

__all__ = ["INVALID", "SelShape", "Shaper", "condition_variables", "shape_for"]


class _Invalid:
    __slots__ = ()

    def __repr__(self) -> str:
        return "INVALID"


INVALID: Final[_Invalid] = (
    _Invalid()
)  # a non-null violation bubbling to the nearest nullable position
_INTROSPECTION = frozenset(("__schema", "__type"))


@dataclass(slots=True)
class FieldShape:
    """One client field at one concrete type."""

    key: str  # response key (planner keeps client aliases, so also the data key)
    name: str  # field name; "__typename" and introspection handled specially
    parent: str  # concrete object type, for error messages
    type: GraphQLOutputType | None  # None for __typename
    child: SelShape | None  # for composite fields
    mode: int = 2  # _COPY, _COPY_NON_NULL or _GENERAL: the fast paths of ``_object``


# Field modes: most fields are scalars that shaping copies as they are.
_COPY = 0  # nullable scalar (not an enum): copy the value
_COPY_NON_NULL = 1  # non-null scalar (not an enum): copy unless null
_GENERAL = 2  # lists, objects, enums, __typename, introspection


def _mode(type_: GraphQLOutputType) -> int:
    non_null = isinstance(type_, GraphQLNonNull)
    inner = type_.of_type if isinstance(type_, GraphQLNonNull) else type_
    if isinstance(inner, GraphQLScalarType):
        return _COPY_NON_NULL if non_null else _COPY
    return _GENERAL


@dataclass(slots=True)
class SelShape:
    """A client selection set at one static type; field lists per runtime type, memoized."""

    schema: GraphQLSchema
    static: str
    selections: tuple[Selection, ...]
    assignment: Mapping[str, bool]
    abstract: bool
    # Field lists by runtime type name; None: the generic fields (``generic``), a key no
    # __typename from data can reach (an empty or odd name must not find them).
    _by_type: dict[str | None, tuple[FieldShape, ...] | None] = field(default_factory=dict)
    # Compiled fast paths per runtime type, owned by gateway.executor.shape_program.
    programs: dict[str, Callable[[Any], Any]] = field(default_factory=dict)

    def fields_for(self, typename: str) -> tuple[FieldShape, ...] | None:
        """The fields for runtime type ``typename``; None if it is not possible here."""
        try:
            return self._by_type[typename]
        except KeyError:
            pass
        result = self._compile(typename)
        if typename in self.schema.type_map:  # not any name a subgraph sends: bounded
            self._by_type[typename] = result
        return result

    def generic(self) -> tuple[FieldShape, ...] | None:
        """At an abstract position whose runtime type is unknown (an ``@interfaceObject``
        answered it): the fields, if none of them depends on the runtime type."""
        try:
            return self._by_type[None]
        except KeyError:
            pass
        static = self.schema.type_map[self.static]
        result: tuple[FieldShape, ...] | None = None
        if isinstance(static, GraphQLInterfaceType):
            grouped: dict[str, list[Field]] = {}
            if _collect_generic(self.selections, static.name, self.assignment, grouped):
                result = self._fields(static, grouped)
            else:
                result = self._same_for_every_type(static)
        self._by_type[None] = result
        return result

    def _same_for_every_type(self, static: GraphQLInterfaceType) -> tuple[FieldShape, ...] | None:
        """Type conditions that select the same leaves for every possible type (e.g.
        ``... on A { id } ... on B { id }`` covering all of them) do not need the type."""
        shapes = [self.fields_for(t.name) for t in self.schema.get_possible_types(static)]
        if not shapes or any(s is None for s in shapes):
            return None
        signatures = {
            tuple((f.key, f.name, str(f.type), f.child is None) for f in s or ()) for s in shapes
        }
        first = shapes[0]
        if len(signatures) != 1 or first is None:
            return None
        if any(f.type is None or f.child is not None for f in first):
            return None  # __typename or composite children: the type matters
        return first

    def _compile(self, typename: str) -> tuple[FieldShape, ...] | None:
        runtime = self.schema.type_map.get(typename)
        if not isinstance(runtime, GraphQLObjectType):
            return None
        static = self.schema.type_map[self.static]
        if self.abstract:
            assert isinstance(static, GraphQLInterfaceType | GraphQLUnionType)
            if not self.schema.is_sub_type(static, runtime):
                return None
        grouped: dict[str, list[Field]] = {}
        _collect(self.schema, self.selections, runtime, self.assignment, grouped)
        return self._fields(runtime, grouped)

    def _fields(
        self,
        runtime: GraphQLObjectType | GraphQLInterfaceType,
        grouped: dict[str, list[Field]],
    ) -> tuple[FieldShape, ...]:
        typename = runtime.name
        out: list[FieldShape] = []
        for key, fields in grouped.items():
            first = fields[0]
            if first.name == "__typename" or first.name in _INTROSPECTION:
                out.append(FieldShape(key, first.name, typename, None, None))
                continue
            definition = runtime.fields.get(first.name)
            if definition is None:  # cannot happen after validation; skip defensively
                continue
            child: SelShape | None = None
            named = get_named_type(definition.type)
            if isinstance(named, GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType):
                child = SelShape(
                    self.schema,
                    named.name,
                    tuple(s for f in fields for s in f.selections),
                    self.assignment,
                    not isinstance(named, GraphQLObjectType),
                )
            out.append(
                FieldShape(
                    key, first.name, typename, definition.type, child, _mode(definition.type)
                )
            )
        return tuple(out)


def _included(conditions: Iterable[tuple[str, bool]], assignment: Mapping[str, bool]) -> bool:
    return all(assignment.get(var, False) == want for var, want in conditions)


def _collect(
    schema: GraphQLSchema,
    selections: Iterable[Selection],
    runtime: GraphQLObjectType,
    assignment: Mapping[str, bool],
    out: dict[str, list[Field]],
) -> None:
    for sel in selections:
        if not _included(sel.conditions, assignment):
            continue
        if isinstance(sel, Field):
            out.setdefault(sel.response_key, []).append(sel)
        elif isinstance(sel, Fragment) and (
            sel.type_condition is None or _applies(schema, sel.type_condition, runtime)
        ):
            _collect(schema, sel.selections, runtime, assignment, out)


def _collect_generic(
    selections: Iterable[Selection],
    static: str,
    assignment: Mapping[str, bool],
    out: dict[str, list[Field]],
) -> bool:
    """Collect fields valid for any runtime type; False if some depend on it."""
    for sel in selections:
        if not _included(sel.conditions, assignment):
            continue
        if isinstance(sel, Field):
            if sel.name == "__typename":
                return False
            out.setdefault(sel.response_key, []).append(sel)
        elif isinstance(sel, Fragment):
            if sel.type_condition not in (None, static):
                return False
            if not _collect_generic(sel.selections, static, assignment, out):
                return False
    return True


def _applies(schema: GraphQLSchema, condition: str, runtime: GraphQLObjectType) -> bool:
    if condition == runtime.name:
        return True
    cond = schema.type_map.get(condition)
    if isinstance(cond, GraphQLInterfaceType | GraphQLUnionType):
        return schema.is_sub_type(cond, runtime)
    return False


def condition_variables(operation: NormalizedOperation) -> tuple[str, ...]:
    """Every variable used by a ``@skip``/``@include`` condition, sorted."""
    found: set[str] = set()

    def walk(selections: Iterable[Selection]) -> None:
        for sel in selections:
            found.update(var for var, _ in sel.conditions)
            walk(sel.selections)

    walk(operation.selections)
    return tuple(sorted(found))


def shape_for(
    schema: GraphQLSchema,
    operation: NormalizedOperation,
    coerced: Mapping[str, Any],
    cache: dict[object, object],
) -> SelShape:
    """The root shape for this variable assignment, compiled once per plan and assignment."""
    names = cache.get("__condition_variables__")
    if names is None:
        names = cache["__condition_variables__"] = condition_variables(operation)
    assert isinstance(names, tuple)
    key = tuple(bool(coerced.get(n)) for n in names)
    shape = cache.get(key)
    if shape is None:
        shape = cache[key] = SelShape(
            schema,
            operation.root_type,
            operation.selections,
            dict(zip(names, key, strict=True)),
            abstract=False,
        )
    assert isinstance(shape, SelShape)
    return shape


class Shaper:
    """Shapes one response; collects the errors shaping itself finds."""

    def __init__(
        self,
        *,
        errors: list[ResponseError],
        covered: Iterable[tuple[PathItem, ...]],
        introspection: Mapping[str, Any] | None = None,
    ) -> None:
        self.errors = errors
        self._introspection = introspection or {}
        # A null is "explained" when an error sits at its path, above it or below it.
        self._at: set[tuple[PathItem, ...]] = set(covered)
        self._below: set[tuple[PathItem, ...]] = set()
        for err in errors:
            if err.path:
                self._note(err.path)

    def _note(self, path: tuple[PathItem, ...]) -> None:
        self._at.add(path)
        for n in range(len(path) + 1):
            self._below.add(path[:n])

    def _explained(self, path: tuple[PathItem, ...]) -> bool:
        if path in self._below:
            return True
        return any(path[:n] in self._at for n in range(len(path) + 1))

    def _error(self, message: str, path: tuple[PathItem, ...], code: str | None) -> None:
        self.errors.append(ResponseError(message, path, code))
        self._note(path)

    def shape(self, root: SelShape, data: Mapping[str, Any] | None) -> dict[str, Any] | None:
        """The client ``data``: None when a non-null violation reaches the root."""
        fields = root.fields_for(root.static)
        assert fields is not None
        result = self._object(fields, data or {}, ())
        return result if isinstance(result, dict) else None

    def _object(
        self,
        fields: tuple[FieldShape, ...],
        value: Mapping[str, Any],
        path: tuple[PathItem, ...],
    ) -> dict[str, Any] | _Invalid:
        out: dict[str, Any] = {}
        get = value.get
        for fs in fields:
            mode = fs.mode
            if mode == _COPY:
                out[fs.key] = get(fs.key)
                continue
            if mode == _COPY_NON_NULL:
                leaf = get(fs.key)
                if leaf is not None:
                    out[fs.key] = leaf
                    continue
            if fs.type is None:
                if fs.name == "__typename":
                    out[fs.key] = fs.parent
                else:  # __schema / __type, answered locally
                    out[fs.key] = self._introspection.get(fs.key)
                continue
            completed = self._complete(fs, fs.type, get(fs.key), (*path, fs.key))
            if isinstance(completed, _Invalid):
                return completed
            out[fs.key] = completed
        return out

    def _complete(
        self, fs: FieldShape, type_: GraphQLOutputType, value: Any, path: tuple[PathItem, ...]
    ) -> Any:
        if isinstance(type_, GraphQLNonNull):
            result = self._inner(fs, type_.of_type, value, path)
            if result is None:
                if not self._explained(path):
                    self._error(
                        f"Cannot return null for non-nullable field {fs.parent}.{fs.name}.",
                        path,
                        "SUBREQUEST_MALFORMED_RESPONSE",
                    )
                return INVALID
            return result
        result = self._inner(fs, type_, value, path)
        return None if result is INVALID else result

    def _inner(
        self, fs: FieldShape, type_: GraphQLOutputType, value: Any, path: tuple[PathItem, ...]
    ) -> Any:
        if value is None:
            return None
        if isinstance(type_, GraphQLList):
            return self._list(fs, type_, value, path)
        if fs.child is None:
            if isinstance(type_, GraphQLEnumType) and (
                not isinstance(value, str) or value not in type_.values  # {} is unhashable
            ):
                self._error(
                    f"Invalid value for enum {type_.name} from a subgraph.", path, _MALFORMED
                )
                return None
            return value
        return self._composite(fs, fs.child, value, path)

    def _list(
        self,
        fs: FieldShape,
        type_: GraphQLList[Any],
        value: Any,
        path: tuple[PathItem, ...],
    ) -> Any:
        if not isinstance(value, list):
            self._error(f"Expected a list for {fs.parent}.{fs.name}.", path, _MALFORMED)
            return None
        item_type = type_.of_type
        # Nullable leaf items without enum checks: reuse the list (nothing mutates it).
        if fs.child is None and not isinstance(
            item_type, GraphQLNonNull | GraphQLList | GraphQLEnumType
        ):
            return value
        out = []
        for n, item in enumerate(value):
            completed = self._complete(fs, item_type, item, (*path, n))
            if completed is INVALID:
                return INVALID
            out.append(completed)
        return out

    def _composite(
        self, fs: FieldShape, child: SelShape, value: Any, path: tuple[PathItem, ...]
    ) -> Any:
        if not isinstance(value, dict):
            self._error(f"Expected an object for {fs.parent}.{fs.name}.", path, _MALFORMED)
            return None
        typename: Any = child.static
        if child.abstract:
            typename = value.get("__typename")
            if typename is None or typename == child.static:
                # No concrete type (an interface object answered): fine unless the
                # selection depends on it.
                fields = child.generic()
                if fields is None:
                    # A failed fetch that should have told the type already explains it.
                    if not self._explained(path):
                        self._error(
                            f"Could not determine the runtime type of {fs.parent}.{fs.name}.",
                            path,
                            _MALFORMED,
                        )
                    return None
                return self._object(fields, value, path)
            if not isinstance(typename, str):
                typename = ""
        fields = child.fields_for(typename)
        if fields is None:
            self._error(
                f"Subgraph returned an invalid type for {fs.parent}.{fs.name}.", path, _MALFORMED
            )
            return None
        return self._object(fields, value, path)


_MALFORMED: Final = "SUBREQUEST_MALFORMED_RESPONSE"

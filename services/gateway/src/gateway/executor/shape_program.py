"""Shapes compiled to Python source (design §7 "Later"): the fast path of shaping.

A *shape program* is one generated function per (selection set, concrete type)
that builds the client dict in selection order with a dict display and reads
each key once. The objects and lists below it are inlined into the same
function (nested displays, one ``for`` loop per list), so an object costs no
call; an abstract position branches on ``__typename`` (``if``/``elif``, one
branch per possible type). Positions nested deeper than ``INLINE_DEPTH``, abstract
ones of more than ``INLINE_TYPES`` types and abstract ones inside a branch (whose
branches would multiply) call a program of their own. Programs handle only
the normal case: every value present where the schema says non-null, lists are
lists, objects are dicts, enums are API values and abstract positions carry a
possible ``__typename``. At the first anything else they raise ``SlowPath``,
without side effects, and the caller shapes the whole response again with the
interpreter (``Shaper``), which owns null propagation and the error messages. So
a program's result always equals the interpreter's; the differential tests in
``tests/executor/test_shape_program.py`` check that over normal and broken data.

Objects are not type-checked one by one: reading a key of a value that is not a
dict raises ``TypeError`` (``v[k]``) or ``AttributeError`` (``v.get``), a missing
non-null key ``KeyError``, and the root program turns those three into
``SlowPath`` (an object that reads no key checks ``type(v)`` itself).

Keys are read through variables holding the very key objects ``orjson.loads``
makes (its key cache), so lookups in subgraph answers match on identity.

Programs are built from the interpreter's own ``FieldShape`` lists (the same
fragment evaluation and ``@skip``/``@include`` assignment) and kept on the
``SelShape``, which is cached with the plan; abstract positions compile the
program for a runtime type the first time that type is seen.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from graphql import (
    GraphQLEnumType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLUnionType,
)

from gateway.executor.collect import parsed_key
from gateway.executor.shape import FieldShape, SelShape

__all__ = ["INLINE_DEPTH", "INLINE_TYPES", "Program", "SlowPath", "shape_program"]

Program = Callable[[Any], Any]

# Nested objects and lists inlined into one function; deeper ones call a program of their
# own (Python allows 20 nested loops per function and bounds the nesting of displays).
INLINE_DEPTH: Final = 10
# Abstract positions with at most this many possible types branch inline on ``__typename``.
INLINE_TYPES: Final = 8

# The key of the root program in ``SelShape.programs`` (never a type name).
_ROOT: Final = ""


class SlowPath(Exception):
    """The data needs the interpreter: a null, a wrong type or an unknown type name."""


# Raised as a class, so each raise makes a new instance: one shared instance would chain
# every traceback onto it and keep the frames (with earlier requests' data) alive.
_SLOW: Final = SlowPath


def _slow(_value: Any) -> Any:
    raise _SLOW


def shape_program(root: SelShape) -> Program:
    """The program of the root selection set (compiled on first use, then cached)."""
    program = root.programs.get(_ROOT)
    if program is None:
        fields = root.fields_for(root.static)
        program = _slow if fields is None else _Compiler().object_program(fields, root=True)
        root.programs[_ROOT] = program
    return program


def _object_program(sel: SelShape, typename: str) -> Program:
    program = sel.programs.get(typename)
    if program is None:
        fields = sel.fields_for(typename)
        if fields is None:  # not kept: the name may be anything a subgraph sent
            return _slow
        program = sel.programs[typename] = _Compiler().object_program(fields)
    return program


def _dispatch(sel: SelShape) -> Program:
    """What an abstract position calls: the object program of the ``__typename``."""
    table: dict[str, Program] = {}
    static = sel.static

    def dispatch(value: Any) -> Any:
        typename = value.get("__typename")  # AttributeError unless a dict
        program = table.get(typename)  # TypeError if unhashable
        if program is None:
            if typename.__class__ is not str or typename == static:
                # No type, or an interface object's answer: the generic fields.
                raise _SLOW
            program = _object_program(sel, typename)
            if program is _slow:  # not a possible type: nothing kept for the name
                raise _SLOW
            table[typename] = program
        return program(value)

    return dispatch


def _possible_types(sel: SelShape) -> list[GraphQLObjectType]:
    static = sel.schema.type_map[sel.static]
    assert isinstance(static, GraphQLInterfaceType | GraphQLUnionType)
    return list(sel.schema.get_possible_types(static))


class _Compiler:
    """Generates the source of one program; constants go in its namespace.

    The emitters append statements at an indent and return the *expression* of the
    shaped value (a variable, or a dict display to nest in the parent's display).
    ``depth`` counts the objects and lists inlined above the current position.
    """

    def __init__(self) -> None:
        self.namespace: dict[str, Any] = {"_SLOW": _SLOW, "type": type, "list": list}
        self.lines: list[str] = []
        self._n = 0
        self._branching = False  # emitting the branches of an abstract position
        self._keys: dict[str, str] = {}  # data key -> the closure variable holding it

    def object_program(self, fields: tuple[FieldShape, ...], *, root: bool = False) -> Program:
        """``def program(v)``: the object in ``v``; the root one turns read errors into
        ``SlowPath`` (the programs it calls raise inside its ``try``)."""
        if not root:
            return self._function(lambda indent: self._object(fields, "v", indent, 0))
        self.lines += ["def program(v):", "    try:"]
        display = self._object(fields, "v", "        ", 0)
        self.lines += [
            f"        return {display}",
            "    except (KeyError, TypeError, AttributeError):",
            "        raise _SLOW from None",
        ]
        return self._exec()

    def item_program(self, fs: FieldShape, item: GraphQLOutputType) -> Program:
        """``def program(v)``: one list item (where inlining stops)."""
        return self._function(lambda indent: self._value(fs, item, "v", indent, 0))

    def _function(self, body: Callable[[str], str]) -> Program:
        self.lines.append("def program(v):")
        result = body("    ")
        self.lines.append(f"    return {result}")
        return self._exec()

    def _exec(self) -> Program:
        """The program, closed over the data keys it reads (see ``_key``)."""
        names = ", ".join(self._keys.values())
        source = "\n".join([f"def make({names}):", *("    " + line for line in self.lines)])
        exec(source + "\n    return program", self.namespace)  # noqa: S102 - from schema names
        program: Program = self.namespace["make"](*map(parsed_key, self._keys))
        return program

    def _var(self) -> str:
        self._n += 1
        return f"x{self._n}"

    def _key(self, key: str) -> str:
        """The variable holding data key ``key`` as ``orjson.loads`` makes it: the parser
        caches keys (up to 64 bytes, 2048 of them), so the dicts of subgraph answers hold
        that very object, and a lookup by it matches on identity instead of comparing
        characters (a literal is another object: Python interns it)."""
        name = self._keys.get(key)
        if name is None:
            name = self._keys[key] = f"k{len(self._keys)}"
        return name

    def _const(self, value: Any) -> str:
        name = f"c{len(self.namespace)}"
        self.namespace[name] = value
        return name

    def _object(self, fields: tuple[FieldShape, ...], var: str, indent: str, depth: int) -> str:
        """The dict display of the object in ``var``, after the statements reading it."""
        lines = self.lines
        items: list[str] = []
        reads = False
        for fs in fields:
            if fs.type is None:
                if fs.name != "__typename":  # introspection: spliced in by the interpreter
                    lines.append(f"{indent}raise _SLOW")
                    return "None"
                # The concrete type, never echoed from data.
                items.append(f"{fs.key!r}: {fs.parent!r}")
                continue
            reads = True
            if not isinstance(fs.type, GraphQLNonNull) and self._is_plain(fs, fs.type):
                # A nullable scalar: read in the display.
                items.append(f"{fs.key!r}: {var}.get({self._key(fs.key)})")
                continue
            value = self._var()
            # A missing non-null key raises KeyError, which the root turns into SlowPath.
            read = "{}[{}]" if isinstance(fs.type, GraphQLNonNull) else "{}.get({})"
            lines.append(f"{indent}{value} = {read.format(var, self._key(fs.key))}")
            items.append(f"{fs.key!r}: {self._value(fs, fs.type, value, indent, depth)}")
        if not reads:  # nothing read would fail on a value that is not a dict
            lines.append(f"{indent}if type({var}) is not dict: raise _SLOW")
            self.namespace["dict"] = dict
        return "{" + ", ".join(items) + "}"

    def _value(
        self, fs: FieldShape, type_: GraphQLOutputType, var: str, indent: str, depth: int
    ) -> str:
        """The shaped value of ``var`` (any value at a position of type ``type_``)."""
        if isinstance(type_, GraphQLNonNull):
            if self._is_plain(fs, type_.of_type):
                self.lines.append(f"{indent}if {var} is None: raise _SLOW")
                return var
            return self._present(fs, type_.of_type, var, indent, depth)  # refuses None
        if self._is_plain(fs, type_):
            return var  # a nullable plain scalar: copied as it is
        self.lines.append(f"{indent}if {var} is not None:")
        inner = indent + "    "
        shaped = self._present(fs, type_, var, inner, depth)
        if shaped != var:
            self.lines.append(f"{inner}{var} = {shaped}")
        return var

    def _is_plain(self, fs: FieldShape, type_: GraphQLOutputType) -> bool:
        return not isinstance(type_, GraphQLList | GraphQLEnumType) and fs.child is None

    def _present(
        self, fs: FieldShape, type_: GraphQLOutputType, var: str, indent: str, depth: int
    ) -> str:
        """The shaped value of ``var``, which must not be None (raises if it is)."""
        lines = self.lines
        if isinstance(type_, GraphQLList):
            lines.append(f"{indent}if type({var}) is not list: raise _SLOW")
            return self._list(fs, type_.of_type, var, indent, depth)
        if fs.child is not None:
            return self._composite(fs.child, var, indent, depth)
        if isinstance(type_, GraphQLEnumType):
            values = self._const(type_.values)
            lines.append(f"{indent}if type({var}) is not str or {var} not in {values}:")
            lines.append(f"{indent}    raise _SLOW")
            return var
        lines.append(f"{indent}if {var} is None: raise _SLOW")
        return var

    def _composite(self, child: SelShape, var: str, indent: str, depth: int) -> str:
        if child.abstract:
            return self._abstract(child, var, indent, depth)
        if depth >= INLINE_DEPTH:
            return f"{self._const(_object_program(child, child.static))}({var})"
        fields = child.fields_for(child.static)
        if fields is None:  # cannot happen for an object type; refuse defensively
            self.lines.append(f"{indent}raise _SLOW")
            return "None"
        return self._object(fields, var, indent, depth + 1)

    def _inlines(self, child: SelShape, depth: int) -> bool:
        """Whether the abstract position ``child`` branches inline. Not inside a branch: the
        branches of nested positions would multiply (the dispatched programs are shared)."""
        return (
            depth < INLINE_DEPTH
            and not self._branching
            and len(_possible_types(child)) <= INLINE_TYPES
        )

    def _abstract(self, child: SelShape, var: str, indent: str, depth: int) -> str:
        """One branch per possible type on ``__typename``, or a dispatch call."""
        if not self._inlines(child, depth):
            return f"{self._const(_dispatch(child))}({var})"
        self._branching = True
        out = self._branches(child, var, indent, depth)
        self._branching = False
        return out

    def _branches(self, child: SelShape, var: str, indent: str, depth: int) -> str:
        lines = self.lines
        typename, out = self._var(), self._var()
        lines.append(f"{indent}{typename} = {var}[{self._key('__typename')}]")
        keyword = "if"
        for runtime in _possible_types(child):
            fields = child.fields_for(runtime.name)
            if fields is None:  # cannot happen for a possible type; refuse it defensively
                continue
            lines.append(f"{indent}{keyword} {typename} == {runtime.name!r}:")
            display = self._object(fields, var, indent + "    ", depth + 1)
            lines.append(f"{indent}    {out} = {display}")
            keyword = "elif"
        # No type, the interface's own name (an interface object answered), an unknown one.
        lines.append(f"{indent}else: raise _SLOW" if keyword == "elif" else f"{indent}raise _SLOW")
        return out

    def _list(
        self, fs: FieldShape, item: GraphQLOutputType, var: str, indent: str, depth: int
    ) -> str:
        """The shaped list ``var`` (a list) of ``item`` values."""
        lines = self.lines
        non_null = isinstance(item, GraphQLNonNull)
        inner = item.of_type if isinstance(item, GraphQLNonNull) else item
        if self._is_plain(fs, inner):
            # Leaf lists are reused as they are (the interpreter copies non-null ones: same JSON).
            if non_null:
                lines.append(f"{indent}if None in {var}: raise _SLOW")
            return var
        nested = isinstance(inner, GraphQLList)
        child = fs.child
        if (
            non_null
            and child is not None
            and child.abstract
            and not nested
            and not self._inlines(child, depth + 1)
        ):
            # [Abstract!] dispatched: the dispatch refuses None by itself.
            return f"list(map({self._const(_dispatch(child))}, {var}))"
        if depth >= INLINE_DEPTH:
            program = _Compiler().item_program(fs, item)
            return f"list(map({self._const(program)}, {var}))"
        out, each = self._var(), self._var()
        body = indent + "    "
        if fs.child is None and not nested:  # enums: checked, the list reused (same JSON)
            lines.append(f"{indent}for {each} in {var}:")
            self._value(fs, item, each, body, depth + 1)
            return var
        lines += [f"{indent}{out} = []", f"{indent}for {each} in {var}:"]
        if not non_null:
            lines += [f"{body}if {each} is None:", f"{body}    {out}.append(None)", f"{body}else:"]
            body += "    "
        shaped = self._present(fs, inner, each, body, depth + 1)
        lines.append(f"{body}{out}.append({shaped})")
        return out

"""Shapes compiled to Python source (design §7 "Later"): the fast path of shaping.

A *shape program* is one generated function per (selection set, concrete type)
that builds the client dict in selection order with a single dict display, reads
each key once, and calls the child programs for composite fields. It handles
only the normal case: every value present where the schema says non-null, lists
are lists, objects are dicts, enums are API values and abstract positions carry
a possible ``__typename``. At the first anything else it raises ``SlowPath``,
without side effects, and the caller shapes the whole response again with the
interpreter (``Shaper``), which owns null propagation and the error messages. So
a program's result always equals the interpreter's; the differential tests in
``tests/executor/test_shape_program.py`` check that over normal and broken data.

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
    GraphQLList,
    GraphQLNonNull,
    GraphQLOutputType,
)

from gateway.executor.shape import FieldShape, SelShape

__all__ = ["Program", "SlowPath", "shape_program"]

Program = Callable[[Any], Any]


class SlowPath(Exception):
    """The data needs the interpreter: a null, a wrong type or an unknown type name."""


# Raised as a class, so each raise makes a new instance: one shared instance would chain
# every traceback onto it and keep the frames (with earlier requests' data) alive.
_SLOW: Final = SlowPath


def _slow(_value: Any) -> Any:
    raise _SLOW


def shape_program(root: SelShape) -> Program:
    """The program of the root selection set (compiled on first use, then cached)."""
    program = _object_program(root, root.static)

    def run(data: Any) -> Any:
        try:
            return program(data)
        except KeyError:  # a missing non-null key (programs subscript those)
            raise _SLOW from None

    return run


def _object_program(sel: SelShape, typename: str) -> Program:
    program = sel.programs.get(typename)
    if program is None:
        fields = sel.fields_for(typename)
        program = _slow if fields is None else _Compiler(fields).build()
        sel.programs[typename] = program
    return program


def _child_program(sel: SelShape) -> Program:
    """What a composite field calls: the object program, or a ``__typename`` dispatch."""
    if not sel.abstract:
        return _object_program(sel, sel.static)
    table: dict[str, Program] = {}
    static = sel.static

    def dispatch(value: Any) -> Any:
        if value.__class__ is not dict:
            raise _SLOW
        typename = value.get("__typename")
        if typename.__class__ is not str:
            raise _SLOW
        program = table.get(typename)
        if program is None:
            if typename == static:  # an interface object's answer: the generic fields
                raise _SLOW
            program = table[typename] = _object_program(sel, typename)
        return program(value)

    return dispatch


class _Compiler:
    """Generates the source of one object program; constants go in its namespace."""

    def __init__(self, fields: tuple[FieldShape, ...]) -> None:
        self.fields = fields
        self.namespace: dict[str, Any] = {"_SLOW": _SLOW, "dict": dict, "list": list}
        self.lines: list[str] = []
        self._n = 0

    def build(self) -> Program:
        if any(f.type is None and f.name != "__typename" for f in self.fields):
            return _slow  # introspection fields are spliced in by the interpreter
        lines = self.lines
        lines += ["def program(v):", "    if v.__class__ is not dict: raise _SLOW", "    g = v.get"]
        items: list[str] = []
        for fs in self.fields:
            if fs.type is None:  # __typename: the concrete type, never echoed from data
                items.append(f"{fs.key!r}: {fs.parent!r}")
            elif not isinstance(fs.type, GraphQLNonNull) and self._is_plain(fs, fs.type):
                # A nullable scalar: read in the display.
                items.append(f"{fs.key!r}: g({fs.key!r})")
            else:
                var = self._var()
                # A missing non-null key raises KeyError, which the root turns into SlowPath.
                read = "v[{!r}]" if isinstance(fs.type, GraphQLNonNull) else "g({!r})"
                lines.append(f"    {var} = {read.format(fs.key)}")
                self._value(fs, fs.type, var, "    ")
                items.append(f"{fs.key!r}: {var}")
        lines.append("    return {" + ", ".join(items) + "}")
        exec("\n".join(lines), self.namespace)  # noqa: S102 - source built from schema names
        program: Program = self.namespace["program"]
        return program

    def _var(self) -> str:
        self._n += 1
        return f"x{self._n}"

    def _const(self, value: Any) -> str:
        name = f"c{len(self.namespace)}"
        self.namespace[name] = value
        return name

    def _value(self, fs: FieldShape, type_: GraphQLOutputType, var: str, indent: str) -> None:
        """Statements that turn ``var`` into its shaped value in place, or raise."""
        lines = self.lines
        if isinstance(type_, GraphQLNonNull):
            lines.append(f"{indent}if {var} is None: raise _SLOW")
            self._present(fs, type_.of_type, var, indent)
            return
        if self._is_plain(fs, type_):
            return  # a nullable plain scalar: copied as it is
        lines.append(f"{indent}if {var} is not None:")
        self._present(fs, type_, var, indent + "    ")

    def _is_plain(self, fs: FieldShape, type_: GraphQLOutputType) -> bool:
        return not isinstance(type_, GraphQLList | GraphQLEnumType) and fs.child is None

    def _present(self, fs: FieldShape, type_: GraphQLOutputType, var: str, indent: str) -> None:
        """``var`` is not None here."""
        lines = self.lines
        if isinstance(type_, GraphQLList):
            lines.append(f"{indent}if {var}.__class__ is not list: raise _SLOW")
            self._list(fs, type_.of_type, var, indent)
        elif fs.child is not None:
            lines.append(f"{indent}{var} = {self._const(_child_program(fs.child))}({var})")
        elif isinstance(type_, GraphQLEnumType):
            values = self._const(type_.values)
            lines.append(f"{indent}if {var}.__class__ is not str or {var} not in {values}:")
            lines.append(f"{indent}    raise _SLOW")
        else:
            lines.append(f"{indent}pass")

    def _list(self, fs: FieldShape, item: GraphQLOutputType, var: str, indent: str) -> None:
        lines = self.lines
        non_null = isinstance(item, GraphQLNonNull)
        inner = item.of_type if isinstance(item, GraphQLNonNull) else item
        if self._is_plain(fs, inner):
            # Leaf lists are reused as they are (the interpreter copies non-null ones: same JSON).
            if non_null:
                lines.append(f"{indent}if None in {var}: raise _SLOW")
            return
        if non_null and fs.child is not None and not isinstance(inner, GraphQLList):
            # [Obj!]: the child program refuses None (not a dict) by itself.
            child = self._const(_child_program(fs.child))
            lines.append(f"{indent}{var} = list(map({child}, {var}))")
            return
        # Anything else (enums, nested lists, nullable objects): one program per item.
        item_program = _ItemCompiler(fs, item).build()
        lines.append(f"{indent}{var} = list(map({self._const(item_program)}, {var}))")


class _ItemCompiler(_Compiler):
    """The program of one list item: ``def program(v)`` returning the shaped item."""

    def __init__(self, fs: FieldShape, item: GraphQLOutputType) -> None:
        super().__init__(())
        self.fs = fs
        self.item = item

    def build(self) -> Program:
        self.lines.append("def program(v):")
        self._value(self.fs, self.item, "v", "    ")
        self.lines.append("    return v")
        exec("\n".join(self.lines), self.namespace)  # noqa: S102 - source built from schema names
        program: Program = self.namespace["program"]
        return program

"""Passthrough plans (design §7): a single root fetch whose subgraph operation selects
exactly the client's fields needs no shaping when the subgraph answers without errors.

A plan qualifies when all of these hold: it is one root ``Fetch``; no introspection
and no ``__typename`` anywhere (shaping writes type names); no fragments, no
``@skip``/``@include`` and no other directives; the subgraph operation has the same
fields, response keys and arguments in the same order; no field's type differs in
that subgraph (``graph_type``), so its null propagation equals the API's; no abstract
type (its ``__typename`` would need checking) and no enum (values are checked; this is
stricter than §7, which only excludes enums with inaccessible values).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from graphql import (
    FieldNode,
    GraphQLEnumType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLUnionType,
    OperationDefinitionNode,
    SelectionSetNode,
    get_named_type,
    parse,
    print_ast,
)

from gateway.operation import Field, Selection
from gateway.plan import Fetch, QueryPlan

__all__ = ["GraphTypeLookup", "is_passthrough"]

# (parent type, field name, graph) -> the subgraph's type when it differs, else None
GraphTypeLookup = Callable[[str, str, str], str | None]
_Signature = tuple[tuple[str, str, str, Any], ...]


def is_passthrough(
    plan: QueryPlan,
    *,
    graph_type: GraphTypeLookup,
) -> bool:
    """Whether ``plan`` may skip shaping (cached on the plan)."""
    cached = plan.compiled.get("passthrough")
    if isinstance(cached, bool):
        return cached
    result = _check(plan, graph_type)
    plan.compiled["passthrough"] = result
    return result


def _check(plan: QueryPlan, graph_type: GraphTypeLookup) -> bool:
    fetch = plan.node
    if not isinstance(fetch, Fetch) or fetch.requires is not None:
        return False
    operation = plan.operation
    if operation.introspection or fetch.input_rewrites or fetch.output_rewrites:
        return False
    client = _ClientCheck(fetch, graph_type).signature(operation.selections, operation.root_type)
    if client is None:
        return False
    try:
        doc = parse(fetch.operation, no_location=True)
    except Exception:
        return False
    definitions = [d for d in doc.definitions if isinstance(d, OperationDefinitionNode)]
    if len(definitions) != 1 or len(doc.definitions) != 1:
        return False
    return _subgraph_signature(definitions[0].selection_set) == client


class _ClientCheck:
    """The client tree's signature, or None when a field rules passthrough out."""

    def __init__(self, fetch: Fetch, graph_type: GraphTypeLookup) -> None:
        self.graph = fetch.service
        self.graph_type = graph_type

    def signature(self, selections: Iterable[Selection], parent: str) -> _Signature | None:
        out: list[tuple[str, str, str, Any]] = []
        for sel in selections:
            if not isinstance(sel, Field) or not self._field_ok(sel, parent):
                return None
            assert sel.field_def is not None
            named = get_named_type(sel.field_def.type)
            child: _Signature | None = None
            if isinstance(named, GraphQLObjectType):
                child = self.signature(sel.selections, named.name)
                if child is None:
                    return None
            out.append((sel.response_key, sel.name, sel.args_text, child))
        return tuple(out)

    def _field_ok(self, sel: Field, parent: str) -> bool:
        if sel.conditions or sel.directives or sel.name.startswith("__") or sel.field_def is None:
            return False
        if self.graph_type(parent, sel.name, self.graph) is not None:
            return False
        named = get_named_type(sel.field_def.type)
        if isinstance(named, GraphQLInterfaceType | GraphQLUnionType):
            return False
        # Enum values are checked against the API enum by shaping, also against a
        # subgraph that serializes values its own schema should refuse.
        return not isinstance(named, GraphQLEnumType)


def _subgraph_signature(selection_set: SelectionSetNode) -> _Signature | None:
    out: list[tuple[str, str, str, Any]] = []
    for sel in selection_set.selections:
        if not isinstance(sel, FieldNode) or sel.directives:
            return None
        name = sel.name.value
        key = sel.alias.value if sel.alias else name
        args = ""
        if sel.arguments:
            parts = sorted(f"{a.name.value}: {print_ast(a.value)}" for a in sel.arguments)
            args = "(" + ", ".join(parts) + ")"
        child: _Signature | None = None
        if sel.selection_set is not None:
            child = _subgraph_signature(sel.selection_set)
            if child is None:
                return None
        out.append((key, name, args, child))
    return tuple(out)

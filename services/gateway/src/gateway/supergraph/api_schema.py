"""Build the API schema (§1.5): the supergraph minus federation machinery and @inaccessible."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from graphql import (
    DirectiveDefinitionNode,
    DocumentNode,
    EnumTypeDefinitionNode,
    EnumTypeExtensionNode,
    GraphQLError,
    GraphQLSchema,
    InputObjectTypeDefinitionNode,
    InputObjectTypeExtensionNode,
    InterfaceTypeDefinitionNode,
    InterfaceTypeExtensionNode,
    ObjectTypeDefinitionNode,
    ObjectTypeExtensionNode,
    SchemaDefinitionNode,
    SchemaExtensionNode,
    TypeDefinitionNode,
    TypeExtensionNode,
    UnionTypeDefinitionNode,
    UnionTypeExtensionNode,
    build_ast_schema,
)

from gateway.supergraph.directives import applications, base_name
from gateway.supergraph.errors import SupergraphError
from gateway.supergraph.links import Names

if TYPE_CHECKING:
    from gateway.supergraph.model import TypeInfo

__all__ = ["build_api_schema"]

_DROPPED_DEFINITIONS = frozenset({"defer", "stream"})


class _Stripper:
    def __init__(self, names: Names) -> None:
        self.names = names
        self.inaccessible = names.directive("inaccessible")
        self.owned = names.owned_directives()

    def is_feature_directive(self, name: str) -> bool:
        return name in self.owned or self.names.is_feature_name(name)

    def keep_directives(self, directives: Any) -> tuple[Any, ...]:
        return tuple(d for d in directives or () if not self.is_feature_directive(d.name.value))

    def hidden(self, node: Any) -> bool:
        return bool(applications(getattr(node, "directives", None), self.inaccessible))

    def args(self, args: Any) -> tuple[Any, ...]:
        out = []
        for a in args or ():
            if self.hidden(a):
                continue
            out.append(replace(a, directives=self.keep_directives(a.directives)))
        return tuple(out)


_OBJECTS = (
    ObjectTypeDefinitionNode,
    ObjectTypeExtensionNode,
    InterfaceTypeDefinitionNode,
    InterfaceTypeExtensionNode,
)


def _strip_fields(s: _Stripper, node: Any, hidden_types: set[str]) -> tuple[Any, ...]:
    where = node.name.value
    fields = []
    for f in node.fields or ():
        if s.hidden(f):
            continue
        f2 = replace(f, directives=s.keep_directives(f.directives), arguments=s.args(f.arguments))
        _check_ref(base_name(f.type), hidden_types, f"{where}.{f.name.value}")
        for a in f2.arguments or ():
            _check_ref(base_name(a.type), hidden_types, f"{where}.{f.name.value}")
        fields.append(f2)
    return tuple(fields)


def _strip_type(s: _Stripper, node: Any, hidden_types: set[str]) -> Any:
    changes: dict[str, Any] = {"directives": s.keep_directives(node.directives)}
    if isinstance(node, _OBJECTS):
        changes["fields"] = _strip_fields(s, node, hidden_types)
        changes["interfaces"] = tuple(
            i for i in node.interfaces or () if i.name.value not in hidden_types
        )
    elif isinstance(node, UnionTypeDefinitionNode | UnionTypeExtensionNode):
        changes["types"] = tuple(t for t in node.types or () if t.name.value not in hidden_types)
    elif isinstance(node, EnumTypeDefinitionNode | EnumTypeExtensionNode):
        changes["values"] = tuple(
            replace(v, directives=s.keep_directives(v.directives))
            for v in node.values or ()
            if not s.hidden(v)
        )
    elif isinstance(node, InputObjectTypeDefinitionNode | InputObjectTypeExtensionNode):
        changes["fields"] = s.args(node.fields)
        for f in changes["fields"]:
            _check_ref(base_name(f.type), hidden_types, f"{node.name.value}.{f.name.value}")
    return replace(node, **changes)


def _check_ref(type_name: str, hidden_types: set[str], where: str) -> None:
    if type_name in hidden_types:
        msg = f"accessible element {where} refers to inaccessible type {type_name}"
        raise SupergraphError(msg)


def build_api_schema(doc: DocumentNode, names: Names, types: dict[str, TypeInfo]) -> GraphQLSchema:
    """The client-facing schema: no join/link/core machinery, no @inaccessible element."""
    s = _Stripper(names)
    hidden_types = {
        d.name.value
        for d in doc.definitions
        if isinstance(d, TypeDefinitionNode | TypeExtensionNode) and s.hidden(d)
    }
    defs: list[Any] = []
    for d in doc.definitions:
        if isinstance(d, SchemaDefinitionNode):
            defs.append(replace(d, directives=()))
        elif isinstance(d, SchemaExtensionNode):
            if d.operation_types:
                defs.append(SchemaExtensionNode(directives=(), operation_types=d.operation_types))
        elif isinstance(d, DirectiveDefinitionNode):
            name = d.name.value
            if s.is_feature_directive(name) or name in _DROPPED_DEFINITIONS:
                continue
            defs.append(replace(d, arguments=s.args(d.arguments)))
        elif isinstance(d, TypeDefinitionNode | TypeExtensionNode):
            name = d.name.value
            if names.is_feature_name(name) or name in hidden_types:
                continue
            if name in ("_Any", "_Entity", "_Service"):
                continue
            defs.append(_strip_type(s, d, hidden_types))
        else:
            defs.append(d)
    del types  # the model is not needed: the AST carries every @inaccessible
    try:
        return build_ast_schema(DocumentNode(definitions=tuple(defs)))
    except (GraphQLError, TypeError) as err:
        msg = f"cannot build the API schema: {err}"
        raise SupergraphError(msg) from None

"""The API schema of a supergraph: what clients see.

Removes the linked features' directives and types and every `@inaccessible`
element (design §1.5). Composition uses it to check the result is a valid
schema and to walk it for satisfiability; tests compare it with Apollo's.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TypeVar

from graphql import (
    ConstDirectiveNode,
    DefinitionNode,
    DirectiveDefinitionNode,
    DocumentNode,
    EnumTypeDefinitionNode,
    EnumValueDefinitionNode,
    FieldDefinitionNode,
    GraphQLSchema,
    InputObjectTypeDefinitionNode,
    InputValueDefinitionNode,
    InterfaceTypeDefinitionNode,
    ObjectTypeDefinitionNode,
    SchemaDefinitionNode,
    TypeDefinitionNode,
    UnionTypeDefinitionNode,
    build_ast_schema,
    parse,
)

__all__ = ["api_schema", "api_schema_document"]

_FEATURE_DIRECTIVES = frozenset(
    {"link", "tag", "inaccessible", "authenticated", "requiresScopes", "policy", "cost", "listSize"}
)
_FEATURE_PREFIXES = ("join__", "link__", "requiresScopes__", "policy__", "core__")


def _feature(name: str) -> bool:
    return name in _FEATURE_DIRECTIVES or name.startswith(_FEATURE_PREFIXES)


def _kept(nodes: tuple[ConstDirectiveNode, ...] | None) -> tuple[ConstDirectiveNode, ...]:
    return tuple(d for d in nodes or () if not _feature(d.name.value))


def _inaccessible(nodes: tuple[ConstDirectiveNode, ...] | None) -> bool:
    return any(d.name.value == "inaccessible" for d in nodes or ())


_N = TypeVar("_N", InputValueDefinitionNode, FieldDefinitionNode, EnumValueDefinitionNode)


def _visible(nodes: tuple[_N, ...] | None) -> tuple[_N, ...]:
    """Copies of the accessible elements, without feature directives."""
    out: list[_N] = []
    for node in nodes or ():
        if _inaccessible(node.directives):
            continue
        out.append(replace(node, directives=_kept(node.directives)))
    return tuple(out)


def _visible_fields(
    nodes: tuple[FieldDefinitionNode, ...] | None,
) -> tuple[FieldDefinitionNode, ...]:
    return tuple(replace(f, arguments=_visible(f.arguments)) for f in _visible(nodes))


def _type(node: TypeDefinitionNode, hidden: set[str]) -> TypeDefinitionNode:
    directives = _kept(node.directives)
    if isinstance(node, ObjectTypeDefinitionNode | InterfaceTypeDefinitionNode):
        interfaces = tuple(i for i in node.interfaces or () if i.name.value not in hidden)
        fields = _visible_fields(node.fields)
        return replace(node, directives=directives, interfaces=interfaces, fields=fields)
    if isinstance(node, InputObjectTypeDefinitionNode):
        return replace(node, directives=directives, fields=_visible(node.fields))
    if isinstance(node, EnumTypeDefinitionNode):
        return replace(node, directives=directives, values=_visible(node.values))
    if isinstance(node, UnionTypeDefinitionNode):
        members = tuple(t for t in node.types or () if t.name.value not in hidden)
        return replace(node, directives=directives, types=members)
    return replace(node, directives=directives)


def api_schema_document(supergraph_sdl: str) -> DocumentNode:
    document = parse(supergraph_sdl, no_location=True)
    hidden = {
        d.name.value
        for d in document.definitions
        if isinstance(d, TypeDefinitionNode)
        and (_inaccessible(d.directives) or d.name.value.startswith(_FEATURE_PREFIXES))
    }
    out: list[DefinitionNode] = []
    for d in document.definitions:
        if isinstance(d, SchemaDefinitionNode):
            kept = tuple(o for o in d.operation_types if o.type.name.value not in hidden)
            out.append(replace(d, directives=(), operation_types=kept))
        elif isinstance(d, DirectiveDefinitionNode):
            if not _feature(d.name.value) and d.name.value not in ("defer", "stream"):
                out.append(d)
        elif isinstance(d, TypeDefinitionNode) and d.name.value not in hidden:
            out.append(_type(d, hidden))
    return DocumentNode(definitions=tuple(out))


def api_schema(supergraph_sdl: str) -> GraphQLSchema:
    """Build the API schema; raises `GraphQLError`/`TypeError` if it is not a valid schema."""
    return build_ast_schema(api_schema_document(supergraph_sdl))

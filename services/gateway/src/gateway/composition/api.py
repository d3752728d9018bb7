"""The API schema of a supergraph: what clients see.

Removes the linked features' directives and types and every `@inaccessible`
element (design §1.5). Composition uses it to check the result is a valid
schema and to walk it for satisfiability; tests compare it with Apollo's.
"""

from __future__ import annotations

from graphql import (
    DefinitionNode,
    DirectiveDefinitionNode,
    DirectiveNode,
    DocumentNode,
    EnumTypeDefinitionNode,
    GraphQLSchema,
    InputObjectTypeDefinitionNode,
    InterfaceTypeDefinitionNode,
    NamedTypeNode,
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


def _keep_directives(
    nodes: tuple[DirectiveNode, ...] | None, drop: set[str]
) -> tuple[DirectiveNode, ...]:
    return tuple(
        d
        for d in nodes or ()
        if d.name.value not in drop and not d.name.value.startswith(_FEATURE_PREFIXES)
    )


def _inaccessible(node: object) -> bool:
    return any(d.name.value == "inaccessible" for d in getattr(node, "directives", None) or ())


def api_schema_document(
    supergraph_sdl: str, *, extra_drop: frozenset[str] = frozenset()
) -> DocumentNode:
    document = parse(supergraph_sdl, no_location=True)
    drop = set(_FEATURE_DIRECTIVES | extra_drop)
    hidden = {
        d.name.value
        for d in document.definitions
        if isinstance(d, TypeDefinitionNode)
        and (_inaccessible(d) or d.name.value.startswith(_FEATURE_PREFIXES))
    }
    out: list[DefinitionNode] = []
    for d in document.definitions:
        if isinstance(d, SchemaDefinitionNode):
            out.append(d.__class__(operation_types=d.operation_types, directives=()))
            continue
        if isinstance(d, DirectiveDefinitionNode):
            name = d.name.value
            if name in drop or name.startswith(_FEATURE_PREFIXES) or name in ("defer", "stream"):
                continue
            out.append(d)
            continue
        if not isinstance(d, TypeDefinitionNode) or d.name.value in hidden:
            continue
        kwargs: dict[str, object] = {
            "name": d.name,
            "description": d.description,
            "directives": _keep_directives(d.directives, drop),
        }
        if isinstance(d, ObjectTypeDefinitionNode | InterfaceTypeDefinitionNode):
            kwargs["interfaces"] = tuple(
                i for i in d.interfaces or () if i.name.value not in hidden
            )
            kwargs["fields"] = tuple(
                f.__class__(
                    name=f.name,
                    description=f.description,
                    type=f.type,
                    arguments=tuple(
                        a.__class__(
                            name=a.name,
                            description=a.description,
                            type=a.type,
                            default_value=a.default_value,
                            directives=_keep_directives(a.directives, drop),
                        )
                        for a in f.arguments or ()
                        if not _inaccessible(a)
                    ),
                    directives=_keep_directives(f.directives, drop),
                )
                for f in d.fields or ()
                if not _inaccessible(f)
            )
        elif isinstance(d, InputObjectTypeDefinitionNode):
            kwargs["fields"] = tuple(
                f.__class__(
                    name=f.name,
                    description=f.description,
                    type=f.type,
                    default_value=f.default_value,
                    directives=_keep_directives(f.directives, drop),
                )
                for f in d.fields or ()
                if not _inaccessible(f)
            )
        elif isinstance(d, EnumTypeDefinitionNode):
            kwargs["values"] = tuple(
                v.__class__(
                    name=v.name,
                    description=v.description,
                    directives=_keep_directives(v.directives, drop),
                )
                for v in d.values or ()
                if not _inaccessible(v)
            )
        elif isinstance(d, UnionTypeDefinitionNode):
            kwargs["types"] = tuple(
                t
                for t in d.types or ()
                if isinstance(t, NamedTypeNode) and t.name.value not in hidden
            )
        out.append(d.__class__(**kwargs))
    return DocumentNode(definitions=tuple(out))


def api_schema(supergraph_sdl: str) -> GraphQLSchema:
    """Build the API schema; raises `GraphQLError`/`TypeError` if it is not a valid schema."""
    return build_ast_schema(api_schema_document(supergraph_sdl))

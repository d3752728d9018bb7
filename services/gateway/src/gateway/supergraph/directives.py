"""Reading directive applications and FieldSets from the supergraph AST."""

from __future__ import annotations

from collections.abc import Iterable

from graphql import (
    BooleanValueNode,
    DirectiveNode,
    EnumValueNode,
    GraphQLError,
    ListValueNode,
    NamedTypeNode,
    OperationDefinitionNode,
    SelectionSetNode,
    StringValueNode,
    TypeNode,
    ValueNode,
    parse,
    print_ast,
)

from gateway.supergraph.errors import SupergraphError

__all__ = [
    "applications",
    "arg",
    "arg_bool",
    "arg_str",
    "base_name",
    "has_value",
    "parse_field_set",
    "type_text",
]


def applications(
    directives: Iterable[DirectiveNode] | None, name: str | None
) -> list[DirectiveNode]:
    """Applications of the directive ``name`` (no match when ``name`` is None)."""
    if name is None:
        return []
    return [d for d in directives or () if d.name.value == name]


def arg(d: DirectiveNode, name: str) -> ValueNode | None:
    """The argument's value node, if given."""
    for a in d.arguments or ():
        if a.name.value == name:
            return a.value
    return None


def has_value(d: DirectiveNode, name: str) -> bool:
    """Whether the argument is given and not null."""
    v = arg(d, name)
    return v is not None and v.kind != "null_value"


def arg_str(d: DirectiveNode, name: str) -> str | None:
    """A string or enum argument."""
    v = arg(d, name)
    if isinstance(v, StringValueNode | EnumValueNode):
        return v.value
    if isinstance(v, ListValueNode):  # e.g. @tag lists are never used here; be lenient
        return None
    return None


def arg_bool(d: DirectiveNode, name: str, default: bool = False) -> bool:
    """A boolean argument with a default."""
    v = arg(d, name)
    if isinstance(v, BooleanValueNode):
        return v.value
    return default


def parse_field_set(text: str, where: str) -> SelectionSetNode:
    """Parse a FieldSet string (``"id org { id }"``) into a selection set."""
    try:
        doc = parse("{" + text + "}", no_location=True)
    except GraphQLError as err:
        msg = f"invalid FieldSet {text!r} on {where}: {err.message}"
        raise SupergraphError(msg) from None
    op = doc.definitions[0]
    assert isinstance(op, OperationDefinitionNode)
    return op.selection_set


def base_name(t: TypeNode) -> str:
    """The named type inside list/non-null wrappers."""
    while not isinstance(t, NamedTypeNode):
        t = t.type  # type: ignore[attr-defined]
    return t.name.value


def type_text(t: TypeNode) -> str:
    """The SDL text of a type reference."""
    return print_ast(t)

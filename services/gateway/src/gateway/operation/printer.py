"""Print the normalized tree canonically, and turn it back into a graphql-core AST."""

from __future__ import annotations

from graphql import (
    ArgumentNode,
    DirectiveNode,
    DocumentNode,
    FieldNode,
    InlineFragmentNode,
    NamedTypeNode,
    NameNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    VariableDefinitionNode,
    VariableNode,
    print_ast,
)

from gateway.operation.tree import Conditions, Field, Selection

__all__ = ["condition_directives", "print_selections", "to_document", "to_selection_set"]


def condition_directives(conditions: Conditions) -> tuple[DirectiveNode, ...]:
    """``@include(if: $v)`` / ``@skip(if: $v)`` nodes for conditions, sorted by variable."""
    out = []
    for var, want in sorted(conditions):
        out.append(
            DirectiveNode(
                name=NameNode(value="include" if want else "skip"),
                arguments=(
                    ArgumentNode(
                        name=NameNode(value="if"), value=VariableNode(name=NameNode(value=var))
                    ),
                ),
            )
        )
    return tuple(out)


def _directives_text(sel: Selection) -> str:
    nodes = (*condition_directives(sel.conditions), *sel.directives)
    return "".join(" " + print_ast(d) for d in nodes)


def print_selections(selections: tuple[Selection, ...]) -> str:
    """Deterministic one-line text of a selection set (client order is kept: it is meaningful)."""
    parts = []
    for sel in selections:
        if isinstance(sel, Field):
            alias = f"{sel.response_key}: " if sel.response_key != sel.name else ""
            text = alias + sel.name + sel.args_text + _directives_text(sel)
            if sel.selections:
                text += " " + print_selections(sel.selections)
        else:
            on = f"... on {sel.type_condition}" if sel.type_condition else "..."
            text = on + _directives_text(sel) + " " + print_selections(sel.selections)
        parts.append(text)
    return "{ " + " ".join(parts) + " }"


def to_selection_set(selections: tuple[Selection, ...]) -> SelectionSetNode:
    """The tree as graphql-core AST (conditions become @skip/@include again)."""
    nodes: list[FieldNode | InlineFragmentNode] = []
    for sel in selections:
        directives = (*condition_directives(sel.conditions), *sel.directives)
        if isinstance(sel, Field):
            alias = sel.response_key if sel.response_key != sel.name else None
            nodes.append(
                FieldNode(
                    alias=NameNode(value=alias) if alias else None,
                    name=NameNode(value=sel.name),
                    arguments=sel.arguments,
                    directives=directives,
                    selection_set=to_selection_set(sel.selections) if sel.selections else None,
                )
            )
        else:
            nodes.append(
                InlineFragmentNode(
                    type_condition=(
                        NamedTypeNode(name=NameNode(value=sel.type_condition))
                        if sel.type_condition
                        else None
                    ),
                    directives=directives,
                    selection_set=to_selection_set(sel.selections),
                )
            )
    return SelectionSetNode(selections=tuple(nodes))


def to_document(
    kind: str,
    name: str | None,
    variable_definitions: tuple[VariableDefinitionNode, ...],
    selections: tuple[Selection, ...],
) -> DocumentNode:
    """A standalone single-operation document for ``selections``."""
    op = OperationDefinitionNode(
        operation=OperationType(kind),
        name=NameNode(value=name) if name else None,
        variable_definitions=variable_definitions,
        directives=(),
        selection_set=to_selection_set(selections),
    )
    return DocumentNode(definitions=(op,))

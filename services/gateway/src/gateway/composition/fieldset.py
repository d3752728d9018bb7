"""Field sets (`@key(fields:)`, `@requires`, `@provides`): parsing and checking.

A field set is a selection set without the braces. Checking walks it against
one subgraph's types and returns the problems (as text) and every
`(type, field)` it selects, which drives the `@external` rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from graphql import (
    FieldNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    parse,
)

from .model import Subgraph

__all__ = ["FieldSetCheck", "check_fieldset", "parse_fieldset", "top_level_fields"]

_LEAF_KINDS = ("enum", "scalar")
_BUILTIN_SCALARS = frozenset({"String", "Int", "Float", "Boolean", "ID"})


def parse_fieldset(text: str) -> SelectionSetNode:
    """Parse `text` as a selection set; raises `GraphQLError` on bad syntax."""
    if not text.strip():
        raise GraphQLError("a field set cannot be empty")
    document = parse("{" + text + "}", no_location=True)
    operation = document.definitions[0]
    if len(document.definitions) != 1 or not isinstance(operation, OperationDefinitionNode):
        raise GraphQLError("a field set is a single selection set")
    return operation.selection_set


def top_level_fields(text: str) -> list[str]:
    try:
        selection = parse_fieldset(text)
    except GraphQLError:
        return []
    return [s.name.value for s in selection.selections if isinstance(s, FieldNode)]


@dataclass(slots=True)
class FieldSetCheck:
    problems: list[str] = field(default_factory=list)
    has_args: bool = False
    bad_type: bool = False  # a key selecting an interface or union field
    selected: list[tuple[str, str]] = field(default_factory=list)
    top: list[tuple[str, str]] = field(default_factory=list)  # selected at the first level


def check_fieldset(subgraph: Subgraph, type_name: str, text: str, *, is_key: bool) -> FieldSetCheck:
    result = FieldSetCheck()
    try:
        selection = parse_fieldset(text)
    except GraphQLError as exc:
        result.problems.append(f"Syntax error: {exc.message}")
        return result
    _walk(subgraph, type_name, selection, result, is_key=is_key)
    return result


def _kind(subgraph: Subgraph, name: str) -> str:
    if name in _BUILTIN_SCALARS:
        return "scalar"
    typedef = subgraph.types.get(name)
    return typedef.kind if typedef else "missing"


def _walk(
    subgraph: Subgraph,
    type_name: str,
    selection: SelectionSetNode,
    out: FieldSetCheck,
    *,
    is_key: bool,
    depth: int = 0,
) -> None:
    typedef = subgraph.types.get(type_name)
    for node in selection.selections:
        if isinstance(node, InlineFragmentNode):
            cond = node.type_condition.name.value if node.type_condition else type_name
            if cond not in subgraph.types:
                out.problems.append(f'Unknown type "{cond}"')
                continue
            _walk(subgraph, cond, node.selection_set, out, is_key=is_key, depth=depth)
            continue
        if not isinstance(node, FieldNode):
            out.problems.append("fragment spreads are not allowed in a field set")
            continue
        name = node.name.value
        if name == "__typename":
            continue
        if typedef is None or typedef.kind not in ("object", "interface"):
            out.problems.append(f'Cannot query field "{name}" on type "{type_name}"')
            continue
        fdef = typedef.fields.get(name)
        if fdef is None:
            out.problems.append(
                f'Cannot query field "{name}" on type "{type_name}" (if the field is defined in '
                "another subgraph, you need to add it to this subgraph with @external)."
            )
            continue
        out.selected.append((type_name, name))
        if depth == 0:
            out.top.append((type_name, name))
        if node.arguments or fdef.args:
            out.has_args = True
        base_kind = _kind(subgraph, fdef.type.base)
        if is_key and base_kind in ("interface", "union"):
            out.bad_type = True
        _descend(
            subgraph,
            f"{type_name}.{name}",
            str(fdef.type),
            base_kind,
            node=node,
            out=out,
            is_key=is_key,
        )


def _descend(
    subgraph: Subgraph,
    coord: str,
    type_text: str,
    kind: str,
    *,
    node: FieldNode,
    out: FieldSetCheck,
    is_key: bool,
) -> None:
    if node.selection_set is None:
        if kind not in _LEAF_KINDS:
            out.problems.append(
                f'Field "{coord}" of type "{type_text}" must have a selection of subfields.'
            )
    elif kind in _LEAF_KINDS:
        out.problems.append(
            f'Field "{coord}" must not have a selection since type "{type_text}" has no subfields.'
        )
    else:
        _walk(subgraph, type_text.strip("[]!"), node.selection_set, out, is_key=is_key, depth=1)

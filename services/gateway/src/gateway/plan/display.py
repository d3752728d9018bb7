"""Canonical plan text (design §5), used by snapshot tests and debug output.

Two-space indent; one child per line, each followed by ``,``; a selection set holding at
most two fields in total (nested fields counted) stays on one line; an entity fetch shows
its requires on one line, then ``=>``, then the selection under ``_entities``.
"""

from __future__ import annotations

from graphql import (
    DirectiveNode,
    FieldNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionNode,
    SelectionSetNode,
    parse,
    print_ast,
)

from gateway.plan.nodes import (
    Condition,
    Fetch,
    Flatten,
    Parallel,
    PlanNode,
    QueryPlan,
    ReqField,
    ReqShape,
    Sequence,
)

__all__ = ["display_node", "display_plan", "display_requires"]

_INDENT = "  "


def _count_fields(sel_set: SelectionSetNode) -> int:
    total = 0
    for sel in sel_set.selections:
        if isinstance(sel, FieldNode):
            total += 1
            if sel.selection_set is not None:
                total += _count_fields(sel.selection_set)
        elif isinstance(sel, InlineFragmentNode):
            total += _count_fields(sel.selection_set)
        else:
            total += 3  # spreads never appear in plans; print them expanded-looking
    return total


def _dirs(directives: tuple[DirectiveNode, ...] | None) -> str:
    return "".join(" " + print_ast(d) for d in directives or ())


def _head(sel: SelectionNode) -> str:
    if isinstance(sel, FieldNode):
        alias = f"{sel.alias.value}: " if sel.alias else ""
        args = ""
        if sel.arguments:
            args = "(" + ", ".join(print_ast(a) for a in sel.arguments) + ")"
        return alias + sel.name.value + args + _dirs(sel.directives)
    if isinstance(sel, InlineFragmentNode):
        on = f"... on {sel.type_condition.name.value}" if sel.type_condition else "..."
        return on + _dirs(sel.directives)
    assert isinstance(sel, FragmentSpreadNode)
    return "..." + sel.name.value + _dirs(sel.directives)


def _inline(sel_set: SelectionSetNode) -> str:
    parts = []
    for sel in sel_set.selections:
        sub = getattr(sel, "selection_set", None)
        parts.append(_head(sel) + (" " + _inline(sub) if sub is not None else ""))
    return "{ " + " ".join(parts) + " }"


def _block(sel_set: SelectionSetNode, depth: int) -> list[str]:
    """Lines of ``sel_set`` starting with ``{`` (no indent on the first line)."""
    if _count_fields(sel_set) <= 2:
        return [_inline(sel_set)]
    pad = _INDENT * (depth + 1)
    lines = ["{"]
    for sel in sel_set.selections:
        sub = getattr(sel, "selection_set", None)
        if sub is None:
            lines.append(pad + _head(sel))
            continue
        inner = _block(sub, depth + 1)
        lines.append(pad + _head(sel) + " " + inner[0])
        lines.extend(inner[1:])
    lines.append(_INDENT * depth + "}")
    return lines


def _req_fields(fields: tuple[ReqField, ...]) -> str:
    parts = []
    for f in fields:
        text = f.key
        if f.shape is not None:
            text += " " + _req_shape(f.shape)
        parts.append(text)
    return " ".join(parts)


def _req_shape(shape: ReqShape) -> str:
    parts = []
    if shape.fields:
        parts.append(_req_fields(shape.fields))
    for frag in shape.fragments:
        parts.append(f"... on {frag.type_condition} {{ {_req_fields(frag.fields)} }}")
    return "{ " + " ".join(parts) + " }"


def display_requires(shape: ReqShape) -> str:
    """One-line text of a requires projection, e.g. ``{ ... on T { __typename id } }``."""
    return _req_shape(shape)


def _fetch_selection(fetch: Fetch) -> SelectionSetNode:
    doc = parse(fetch.operation, no_location=True)
    op = doc.definitions[0]
    assert isinstance(op, OperationDefinitionNode)
    if fetch.requires is None:
        return op.selection_set
    entities = op.selection_set.selections[0]
    assert isinstance(entities, FieldNode)
    assert entities.selection_set is not None
    return entities.selection_set


def _fetch(fetch: Fetch, depth: int) -> list[str]:
    pad = _INDENT * depth
    inner = _INDENT * (depth + 1)
    header = f'Fetch(service: "{fetch.service}"'
    if fetch.variable_usages:
        header += ", variables: [" + ", ".join(fetch.variable_usages) + "]"
    lines = [pad + header + ") {"]
    body = _block(_fetch_selection(fetch), depth + 1)
    if fetch.requires is not None:
        lines.append(inner + display_requires(fetch.requires) + " =>")
    lines.append(inner + body[0])
    lines.extend(body[1:])
    lines.append(pad + "},")
    return lines


def _container(title: str, children: tuple[PlanNode, ...], depth: int) -> list[str]:
    pad = _INDENT * depth
    lines = [pad + title + " {"]
    for child in children:
        lines.extend(_node(child, depth + 1))
    lines.append(pad + "},")
    return lines


def _node(node: PlanNode, depth: int) -> list[str]:
    match node:
        case Fetch():
            return _fetch(node, depth)
        case Flatten(path=path, node=fetch):
            return _container(f'Flatten(path: "{".".join(path)}")', (fetch,), depth)
        case Sequence(nodes=nodes):
            return _container("Sequence", nodes, depth)
        case Parallel(nodes=nodes):
            return _container("Parallel", nodes, depth)
    return _condition(node, depth)


def _condition(node: Condition, depth: int) -> list[str]:
    var, then, other = node.variable, node.if_clause, node.else_clause
    if other is None and then is not None:
        return _container(f"Include(if: ${var})", (then,), depth)
    if then is None and other is not None:
        return _container(f"Skip(if: ${var})", (other,), depth)
    pad = _INDENT * depth
    lines = [pad + f"Condition(if: ${var}) {{"]
    if then is not None:
        lines.extend(_container("Then", (then,), depth + 1))
    if other is not None:
        lines.extend(_container("Else", (other,), depth + 1))
    lines.append(pad + "},")
    return lines


def display_node(node: PlanNode) -> str:
    """Text of one plan node (with its trailing comma)."""
    return "\n".join(_node(node, 0))


def display_plan(plan: QueryPlan | PlanNode | None) -> str:
    """The canonical text of a plan: ``QueryPlan { ... }``."""
    node = plan.node if isinstance(plan, QueryPlan) else plan
    if node is None:
        return "QueryPlan {\n}"
    return "\n".join(["QueryPlan {", *_node(node, 1), "}"])

"""Generate each step's subgraph operation (§4.8) and its Fetch node."""

from __future__ import annotations

import re

from graphql import VariableNode, Visitor, parse, print_ast, visit

from gateway.operation.tree import NormalizedOperation
from gateway.plan.nodes import Fetch
from gateway.planner.selection import SelField, SelFrag, SelSet
from gateway.planner.steps import Step

__all__ = ["make_fetch", "sanitize_graph_name"]

_NOT_NAME = re.compile(r"[^_0-9A-Za-z]")


def sanitize_graph_name(name: str) -> str:
    """``-`` becomes ``_``, other non-name characters go, a leading digit gets ``_``."""
    out = _NOT_NAME.sub("", name.replace("-", "_"))
    if out[:1].isdigit():
        out = "_" + out
    return out


def _aliases(sel: SelSet, path: tuple[str, ...], out: list[tuple[tuple[str, ...], str]]) -> None:
    for item in sel.items.values():
        if isinstance(item, SelFrag):
            _aliases(item.sub, path, out)
        elif isinstance(item, SelField):
            if item.key != item.name and item.key.startswith("_qp"):
                out.append(((*path, item.key), item.name))
            if item.sub is not None:
                _aliases(item.sub, (*path, item.key), out)


class _Variables(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()

    def enter_variable(self, node: VariableNode, *_args: object) -> None:
        self.names.add(node.name.value)


def _variables_in(selection_text: str) -> set[str]:
    """Names of the variables an operation body refers to."""
    found = _Variables()
    visit(parse(selection_text, no_location=True), found)
    return found.names


def make_fetch(step: Step, op: NormalizedOperation) -> Fetch:
    """The Fetch of a finished step."""
    body = step.selection.print()
    if step.kind == "entity":
        kind = "query"
        text = "{ _entities(representations: $representations) " + body + " }"
    else:
        kind = "mutation" if step.mutation_index is not None else "query"
        text = body
    # What the printed selection uses, not what was tracked while planning: fragments
    # emptied and pruned afterwards would leave their directive's variable declared and
    # unused, and a subgraph refuses the whole operation for it (NoUnusedVariables).
    used = step.variables & _variables_in(text)
    defs = [print_ast(d) for d in op.variable_definitions if d.variable.name.value in used]
    if step.kind == "entity":
        defs.insert(0, "$representations: [_Any!]!")
    name = f"{op.name}__{sanitize_graph_name(step.graph)}__{step.id}" if op.name else None
    header = kind + (f" {name}" if name else "")
    if defs:
        header += "(" + ", ".join(defs) + ")"
    aliases: list[tuple[tuple[str, ...], str]] = []
    _aliases(step.selection, (), aliases)
    return Fetch(
        service=step.graph,
        operation=header + " " + text,
        operation_name=name,
        kind=kind,
        variable_usages=tuple(sorted(used)),
        requires=step.requires_shape(),
        id=step.id,
        input_rewrites=tuple(step.input_rewrites),
        output_rewrites=tuple(step.output_rewrites),
        internal_aliases=tuple(aliases),
    )

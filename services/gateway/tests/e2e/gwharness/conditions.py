"""Generated queries with ``@include``/``@skip`` on variables: the differential oracle's
queries, decorated at random fields and inline fragments (deterministic by seed)."""

from __future__ import annotations

import random
from typing import Any

from graphql import (
    ArgumentNode,
    DirectiveNode,
    FieldNode,
    InlineFragmentNode,
    NameNode,
    VariableNode,
    Visitor,
    parse,
    print_ast,
    visit,
)

__all__ = ["with_conditions"]

_VARIABLES = ("v", "w")


def _directive(rng: random.Random) -> DirectiveNode:
    argument = ArgumentNode(
        name=NameNode(value="if"), value=VariableNode(name=NameNode(value=rng.choice(_VARIABLES)))
    )
    name = NameNode(value=rng.choice(("include", "skip")))
    return DirectiveNode(name=name, arguments=(argument,))


class _Decorate(Visitor):
    def __init__(self, rng: random.Random) -> None:
        super().__init__()
        self.rng = rng

    def enter_field(self, node: FieldNode, *_args: Any) -> FieldNode | None:
        if node.name.value == "__typename" or self.rng.random() >= 0.2:
            return None
        directives = (*(node.directives or ()), _directive(self.rng))
        return FieldNode(
            alias=node.alias,
            name=node.name,
            arguments=node.arguments,
            directives=directives,
            selection_set=node.selection_set,
        )

    def enter_inline_fragment(
        self, node: InlineFragmentNode, *_args: Any
    ) -> InlineFragmentNode | None:
        if self.rng.random() >= 0.4:
            return None
        directives = (*(node.directives or ()), _directive(self.rng))
        return InlineFragmentNode(
            type_condition=node.type_condition,
            directives=directives,
            selection_set=node.selection_set,
        )


def with_conditions(queries: list[str], seed: int) -> list[tuple[str, dict[str, bool]]]:
    """Each query that got at least one condition, declared as an operation with its
    variables, and random values for them."""
    rng = random.Random(seed)
    out: list[tuple[str, dict[str, bool]]] = []
    for query in queries:
        text = print_ast(visit(parse(query), _Decorate(rng)))
        used = [v for v in _VARIABLES if f"${v}" in text]
        if not used:
            continue
        declared = ", ".join(f"${v}: Boolean!" for v in used)
        out.append((f"query Q({declared}) {text}", {v: rng.random() < 0.5 for v in used}))
    return out

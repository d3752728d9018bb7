"""Turn FieldSet selections (keys, requires) into operation-tree fields on supergraph types."""

from __future__ import annotations

from graphql import FieldNode, InlineFragmentNode, SelectionSetNode, get_named_type, print_ast

from gateway.operation.tree import Field, Fragment, Selection
from gateway.supergraph.model import Supergraph

__all__ = ["FieldSets"]


class FieldSets:
    """Converts and memoizes FieldSets as internal operation-tree selections."""

    def __init__(self, sg: Supergraph) -> None:
        self.sg = sg
        self._memo: dict[tuple[int, str], tuple[Selection, ...]] = {}

    def tree(self, sel: SelectionSetNode, parent: str) -> tuple[Field, ...]:
        """Fields of ``sel`` typed on ``parent`` (fragments on ``parent`` are flattened)."""
        out = self._tree(sel, parent)
        flat: list[Field] = []
        for s in out:
            if isinstance(s, Field):
                flat.append(s)
            else:
                flat.extend(x for x in s.selections if isinstance(x, Field))
        return tuple(flat)

    def _tree(self, sel: SelectionSetNode, parent: str) -> tuple[Selection, ...]:
        memo_key = (id(sel), parent)
        cached = self._memo.get(memo_key)
        if cached is not None:
            return cached
        schema = self.sg.supergraph_schema
        ptype = schema.get_type(parent)
        out: list[Selection] = []
        for s in sel.selections:
            if isinstance(s, FieldNode):
                name = s.name.value
                fdef = None
                children: tuple[Selection, ...] = ()
                if name != "__typename":
                    fdef = ptype.fields[name]  # type: ignore[union-attr]
                    if s.selection_set is not None:
                        base = get_named_type(fdef.type).name
                        children = self._tree(s.selection_set, base)
                args = tuple(s.arguments or ())
                args_text = ""
                if args:
                    parts = sorted(f"{a.name.value}: {print_ast(a.value)}" for a in args)
                    args_text = "(" + ", ".join(parts) + ")"
                out.append(
                    Field(
                        response_key=name,
                        name=name,
                        arguments=args,
                        directives=(),
                        conditions=frozenset(),
                        parent_type=parent,
                        field_def=fdef,
                        selections=children,
                        args_text=args_text,
                    )
                )
            elif isinstance(s, InlineFragmentNode):
                cond = s.type_condition.name.value if s.type_condition else parent
                out.append(
                    Fragment(
                        type_condition=None if cond == parent else cond,
                        directives=(),
                        conditions=frozenset(),
                        parent_type=parent,
                        selections=self._tree(s.selection_set, cond),
                    )
                )
        result = tuple(out)
        self._memo[memo_key] = result
        return result

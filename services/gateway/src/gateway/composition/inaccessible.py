"""`@inaccessible` rules on the merged schema (Apollo's REFERENCED_INACCESSIBLE & co)."""

from __future__ import annotations

from dataclasses import dataclass, field

from .errors import CompositionError
from .model import Applied
from .supermodel import Supergraph, SuperInputValue, SuperType

__all__ = ["check_inaccessible"]


def _hidden(applied: list[Applied]) -> bool:
    return any(a.name == "inaccessible" for a in applied)


@dataclass(slots=True)
class _Check:
    hidden_types: set[str]
    errors: list[CompositionError] = field(default_factory=list)

    def error(self, code: str, message: str) -> None:
        self.errors.append(CompositionError(code, message))

    def input_value(self, coord: str, value: SuperInputValue, what: str) -> None:
        if _hidden(value.applied):
            if value.type.kind == "non_null" and value.default is None:
                self.error(
                    "REQUIRED_INACCESSIBLE",
                    f'{what} "{coord}" is @inaccessible but is required.',
                )
        elif value.type.base in self.hidden_types:
            self.referenced(value.type.base, coord)

    def referenced(self, type_name: str, coord: str) -> None:
        self.error(
            "REFERENCED_INACCESSIBLE",
            f'Type "{type_name}" is @inaccessible but is referenced by "{coord}", which is in '
            "the API schema.",
        )

    def type(self, t: SuperType) -> None:
        for f in t.fields.values():
            coord = f"{t.name}.{f.name}"
            if _hidden(f.applied):
                continue
            if f.type.base in self.hidden_types:
                self.referenced(f.type.base, coord)
            for a in f.args:
                self.input_value(f"{coord}({a.name}:)", a, "Argument")
        for v in t.input_fields.values():
            self.input_value(f"{t.name}.{v.name}", v, "Input field")
        children = (
            [_hidden(f.applied) for f in t.fields.values()]
            + [_hidden(v.applied) for v in t.input_fields.values()]
            + [_hidden(v.applied) for v in t.values.values()]
            + [m in self.hidden_types for m in t.members]
        )
        if children and all(children):
            self.error(
                "ONLY_INACCESSIBLE_CHILDREN",
                f'Type "{t.name}" is in the API schema but all of its members, fields or values '
                "are @inaccessible.",
            )


def check_inaccessible(sg: Supergraph) -> list[CompositionError]:
    check = _Check({n for n, t in sg.types.items() if _hidden(t.applied)})
    for root in sg.roots.values():
        # Only the query root must stay; an inaccessible Mutation just hides mutations.
        if root == sg.roots.get("query") and root in check.hidden_types:
            check.error(
                "QUERY_ROOT_TYPE_INACCESSIBLE",
                f'Type "{root}" is @inaccessible but is a root type, which must be in the API '
                "schema.",
            )
    for t in sg.types.values():
        if t.name not in check.hidden_types:
            check.type(t)
    return check.errors

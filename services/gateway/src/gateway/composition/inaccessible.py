"""`@inaccessible` rules on the merged schema (Apollo's REFERENCED_INACCESSIBLE & co)."""

from __future__ import annotations

from .errors import CompositionError
from .model import Applied
from .supermodel import Supergraph

__all__ = ["check_inaccessible"]


def _hidden(applied: list[Applied]) -> bool:
    return any(a.name == "inaccessible" for a in applied)


def check_inaccessible(sg: Supergraph) -> list[CompositionError]:
    errors: list[CompositionError] = []
    hidden_types = {n for n, t in sg.types.items() if _hidden(t.applied)}

    def error(code: str, message: str) -> None:
        errors.append(CompositionError(code, message))

    for root in sg.roots.values():
        if root in hidden_types:
            error(
                "QUERY_ROOT_TYPE_INACCESSIBLE",
                f'Type "{root}" is @inaccessible but is the root {root.lower()} type, which must '
                "be in the API schema.",
            )
    for t in sg.types.values():
        if t.name in hidden_types:
            continue
        fields = list(t.fields.values())
        for f in fields:
            coord = f"{t.name}.{f.name}"
            if _hidden(f.applied):
                continue
            if f.type.base in hidden_types:
                error(
                    "REFERENCED_INACCESSIBLE",
                    f'Type "{f.type.base}" is @inaccessible but is referenced by "{coord}", '
                    "which is in the API schema.",
                )
            for a in f.args:
                if _hidden(a.applied):
                    if a.type.kind == "non_null" and a.default is None:
                        error(
                            "REQUIRED_INACCESSIBLE",
                            f'Argument "{coord}({a.name}:)" is @inaccessible but is a required '
                            "argument of its field.",
                        )
                elif a.type.base in hidden_types:
                    error(
                        "REFERENCED_INACCESSIBLE",
                        f'Type "{a.type.base}" is @inaccessible but is referenced by '
                        f'"{coord}({a.name}:)", which is in the API schema.',
                    )
        for v in t.input_fields.values():
            coord = f"{t.name}.{v.name}"
            if _hidden(v.applied):
                if v.type.kind == "non_null" and v.default is None:
                    error(
                        "REQUIRED_INACCESSIBLE",
                        f'Input field "{coord}" is @inaccessible but is a required input field '
                        "of its type.",
                    )
            elif v.type.base in hidden_types:
                error(
                    "REFERENCED_INACCESSIBLE",
                    f'Type "{v.type.base}" is @inaccessible but is referenced by "{coord}", '
                    "which is in the API schema.",
                )
        children: list[bool] = []
        if t.kind in ("object", "interface"):
            children = [_hidden(f.applied) for f in fields]
        elif t.kind == "input":
            children = [_hidden(v.applied) for v in t.input_fields.values()]
        elif t.kind == "enum":
            children = [_hidden(v.applied) for v in t.values.values()]
        elif t.kind == "union":
            children = [m in hidden_types for m in t.members]
        if children and all(children):
            error(
                "ONLY_INACCESSIBLE_CHILDREN",
                f'Type "{t.name}" is in the API schema but all of its '
                f"{'members' if t.kind == 'union' else 'fields' if t.kind != 'enum' else 'values'} "
                "are @inaccessible.",
            )
    return errors

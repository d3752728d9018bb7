"""Plain GraphQL checks on one subgraph: unknown types and interface implementations."""

from __future__ import annotations

from collections.abc import Callable

from .errors import CompositionError, Location
from .model import Subgraph, TypeDef

__all__ = ["BUILTIN_SCALARS", "check_references"]

BUILTIN_SCALARS = frozenset({"String", "Int", "Float", "Boolean", "ID"})


Report = Callable[[str, Location | None], None]


def _kind(subgraph: Subgraph, name: str) -> str:
    return "scalar" if name in BUILTIN_SCALARS else getattr(subgraph.types.get(name), "kind", "")


def _check_positions(subgraph: Subgraph, t: TypeDef, error: Report) -> None:
    """Fields return output types; arguments and input fields take input types."""
    for f in t.fields.values():
        if _kind(subgraph, f.type.base) == "input":
            error(f'The type of "{t.name}.{f.name}" must be Output Type but got "{f.type}".', f.loc)
        for a in f.args.values():
            if _kind(subgraph, a.type.base) in ("object", "interface", "union"):
                error(
                    f'The type of "{t.name}.{f.name}({a.name}:)" must be Input Type but got '
                    f'"{a.type}".',
                    a.loc,
                )
    for v in t.input_fields.values():
        if _kind(subgraph, v.type.base) in ("object", "interface", "union"):
            error(f'The type of "{t.name}.{v.name}" must be Input Type but got "{v.type}".', v.loc)


def _check_implementations(subgraph: Subgraph, t: TypeDef, error: Report) -> None:
    for iface_name in t.interfaces:
        iface = subgraph.types.get(iface_name)
        if iface is None:
            continue
        if iface.kind != "interface":
            error(
                f'Type "{t.name}" can only implement interfaces, and "{iface_name}" is not one.',
                t.loc,
            )
            continue
        for fname in iface.fields:
            if fname not in t.fields:
                error(
                    f'Interface field "{iface_name}.{fname}" expected but type "{t.name}" '
                    "does not provide it.",
                    t.loc,
                )


def check_references(subgraph: Subgraph) -> list[CompositionError]:
    errors: list[CompositionError] = []
    known = set(subgraph.types) | BUILTIN_SCALARS

    def error(message: str, loc: Location | None) -> None:
        errors.append(
            CompositionError(
                "INVALID_GRAPHQL",
                f"[{subgraph.name}] {message}",
                (subgraph.name,),
                (loc,) if loc else (),
            )
        )

    for t in subgraph.types.values():
        if t.name in BUILTIN_SCALARS and t.kind != "scalar":
            error(f'Built-in scalar "{t.name}" cannot be redefined as another kind of type.', t.loc)
        refs = [(f.type.base, f.loc) for f in t.fields.values()]
        refs += [(a.type.base, a.loc) for f in t.fields.values() for a in f.args.values()]
        refs += [(v.type.base, v.loc) for v in t.input_fields.values()]
        refs += [(n, t.loc) for n in t.interfaces + t.members]
        for name, loc in refs:
            if name not in known:
                error(f'Unknown type "{name}".', loc)
        _check_positions(subgraph, t, error)
        _check_implementations(subgraph, t, error)
        if t.kind == "union":
            for member in t.members:
                target = subgraph.types.get(member)
                if target is not None and target.kind != "object":
                    error(
                        f'Union type "{t.name}" can only include object types, and "{member}" is '
                        "not one.",
                        t.loc,
                    )
        if (
            t.kind in ("object", "interface", "input")
            and t.name != "Query"
            and not (t.fields or t.input_fields)
        ):
            error(f'Type "{t.name}" must define one or more fields.', t.loc)
    return errors

"""Plain GraphQL checks on one subgraph: unknown types and interface implementations."""

from __future__ import annotations

from .errors import CompositionError, Location
from .model import Subgraph

__all__ = ["BUILTIN_SCALARS", "check_references"]

BUILTIN_SCALARS = frozenset({"String", "Int", "Float", "Boolean", "ID"})


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
        refs = [(f.type.base, f.loc) for f in t.fields.values()]
        refs += [(a.type.base, a.loc) for f in t.fields.values() for a in f.args.values()]
        refs += [(v.type.base, v.loc) for v in t.input_fields.values()]
        refs += [(n, t.loc) for n in t.interfaces + t.members]
        for name, loc in refs:
            if name not in known:
                error(f'Unknown type "{name}".', loc)
        for iface_name in t.interfaces:
            iface = subgraph.types.get(iface_name)
            if iface is None:
                continue
            if iface.kind != "interface":
                error(
                    f'Type "{t.name}" can only implement interfaces, and "{iface_name}" is not '
                    "one.",
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

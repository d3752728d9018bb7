"""Merging the small things: type references, descriptions, carried directives."""

from __future__ import annotations

import ast
from collections import Counter
from collections.abc import Callable, Sequence

from .model import Applied, TypeRef

__all__ = [
    "IsSubtype",
    "merge_applied",
    "merge_description",
    "merge_input_types",
    "merge_output_types",
]

IsSubtype = Callable[[str, str], bool]  # (maybe_sub, super) -> bool


def merge_output_types(types: Sequence[TypeRef], is_subtype: IsSubtype) -> TypeRef | None:
    """The most general type every subgraph's type can widen to; None when incompatible."""
    result: TypeRef | None = types[0]
    for other in types[1:]:
        if result is None:
            return None
        result = _widen(result, other, is_subtype)
    return result


def _wrap(kind: str, inner: TypeRef | None) -> TypeRef | None:
    return TypeRef("non_null" if kind == "non_null" else "list", of=inner) if inner else None


def _widen(a: TypeRef, b: TypeRef, is_subtype: IsSubtype) -> TypeRef | None:
    if a.kind == "non_null" and b.kind == "non_null":
        return _wrap("non_null", _widen(a.inner(), b.inner(), is_subtype))
    if a.kind == "non_null" or b.kind == "non_null":  # nullable wins for outputs
        return _widen(
            a.inner() if a.kind == "non_null" else a,
            b.inner() if b.kind == "non_null" else b,
            is_subtype,
        )
    if a.kind == "list" and b.kind == "list":
        return _wrap("list", _widen(a.inner(), b.inner(), is_subtype))
    if a.kind != "named" or b.kind != "named":
        return None
    if a.name == b.name or is_subtype(b.name, a.name):
        return a
    return b if is_subtype(a.name, b.name) else None


def merge_input_types(types: Sequence[TypeRef]) -> TypeRef | None:
    """The most restrictive type (non-null wins); None when the shapes differ."""
    result: TypeRef | None = types[0]
    for other in types[1:]:
        if result is None:
            return None
        result = _narrow(result, other)
    return result


def _narrow(a: TypeRef, b: TypeRef) -> TypeRef | None:
    if a.kind == "non_null" or b.kind == "non_null":
        inner = _narrow(
            a.inner() if a.kind == "non_null" else a, b.inner() if b.kind == "non_null" else b
        )
        return TypeRef("non_null", of=inner) if inner else None
    if a.kind == "list" and b.kind == "list":
        inner = _narrow(a.inner(), b.inner())
        return TypeRef("list", of=inner) if inner else None
    if a.kind == "named" and b.kind == "named" and a.name == b.name:
        return a
    return None


def merge_description(descriptions: Sequence[str | None]) -> tuple[str | None, bool]:
    """The most common description (first wins ties), and whether they disagreed."""
    present = [d for d in descriptions if d is not None and d.strip()]
    if not present:
        return None, False
    counts = Counter(present)
    best = max(counts.values())
    chosen = next(d for d in present if counts[d] == best)
    return chosen, len(counts) > 1


def _literal_lists(text: str) -> list[list[str]]:
    """Parse a `[["a", "b"], ["c"]]` literal as printed by graphql-core."""
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return []
    if not isinstance(value, list):
        return []
    return [[str(x) for x in inner] for inner in value if isinstance(inner, list)]


def _print_lists(lists: list[list[str]]) -> str:
    inner = ", ".join("[" + ", ".join(f'"{x}"' for x in group) + "]" for group in lists)
    return f"[{inner}]"


def merge_applied(groups: Sequence[Sequence[Applied]]) -> list[Applied]:
    """Carry directive applications from every subgraph into one list.

    `@tag` and composed directives are deduplicated; flags (`@inaccessible`,
    `@authenticated`) appear once; `@requiresScopes`/`@policy` take the union of
    their alternatives; `@cost` the highest weight; the rest the first application.
    """
    out: list[Applied] = []
    seen: set[Applied] = set()
    by_name: dict[str, int] = {}
    for group in groups:
        for applied in group:
            if applied in seen:
                continue
            index = by_name.get(applied.name)
            if applied.name in ("requiresScopes", "policy") and index is not None:
                arg = "scopes" if applied.name == "requiresScopes" else "policies"
                merged = _literal_lists(out[index].arg(arg) or "[]")
                for alternative in _literal_lists(applied.arg(arg) or "[]"):
                    if alternative not in merged:
                        merged.append(alternative)
                out[index] = Applied(applied.name, ((arg, _print_lists(merged)),))
            elif applied.name == "cost" and index is not None:
                if int(applied.arg("weight") or 0) > int(out[index].arg("weight") or 0):
                    out[index] = applied
            elif applied.name != "tag" and index is not None:
                continue
            else:
                by_name.setdefault(applied.name, len(out))
                out.append(applied)
            seen.add(applied)
    return out

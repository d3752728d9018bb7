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


def _conjunction(a: list[list[str]], b: list[list[str]]) -> list[list[str]]:
    """`a AND b` for two OR-of-AND lists (the access-control directives' shape), simplified."""
    product: list[list[str]] = []
    for left in a:
        for right in b:
            term = sorted(set(left) | set(right))
            if term not in product:
                product.append(term)
    # Absorption: a term that contains another term adds nothing.
    return [t for t in product if not any(o != t and set(o) <= set(t) for o in product)]


def _merge_one(current: Applied, new: Applied) -> Applied | None:
    """Fold `new` into `current` (same name); None when `new` is a separate application."""
    if current.name in ("requiresScopes", "policy"):
        arg = "scopes" if current.name == "requiresScopes" else "policies"
        both = _conjunction(
            _literal_lists(current.arg(arg) or "[]"), _literal_lists(new.arg(arg) or "[]")
        )
        return Applied(current.name, ((arg, _print_lists(both)),))
    if current.name == "cost":
        return new if int(new.arg("weight") or 0) > int(current.arg("weight") or 0) else current
    if current.name == "tag":
        return None
    return current


def merge_applied(groups: Sequence[Sequence[Applied]], *, field: bool = False) -> list[Applied]:
    """Carry directive applications from every subgraph into one list, as Apollo does.

    Applications are grouped by name in order of first appearance. `@tag` keeps every
    distinct application; `@requiresScopes`/`@policy` are AND-ed across subgraphs (a
    field needs what every subgraph asks for); `@cost` keeps the highest weight; the
    rest keep the first application. On fields the access-control directives come first.
    """
    by_name: dict[str, list[Applied]] = {}
    for group in groups:
        for applied in group:
            kept = by_name.setdefault(applied.name, [])
            if applied in kept:
                continue
            if not kept:
                kept.append(applied)
                continue
            merged = _merge_one(kept[-1], applied)
            if merged is None:
                kept.append(applied)
            else:
                kept[-1] = merged
    names = list(by_name)
    if field:
        first = [n for n in _ACCESS_CONTROL if n in by_name]
        names = first + [n for n in names if n not in _ACCESS_CONTROL]
    return [a for n in names for a in by_name[n]]


_ACCESS_CONTROL = ("authenticated", "requiresScopes", "policy")

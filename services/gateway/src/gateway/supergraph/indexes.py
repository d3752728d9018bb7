"""Derived indexes built once at load (§1.4)."""

from __future__ import annotations

from gateway.supergraph.model import Supergraph

__all__ = ["build_indexes"]


def build_indexes(sg: Supergraph) -> None:  # noqa: PLR0912
    """Fill possible types (global and per graph), inconsistent abstracts and labels."""
    objects = [t for t in sg.types.values() if t.kind == "object"]
    for a in sg.types.values():
        if a.kind == "interface":
            sg.possible[a.name] = tuple(o.name for o in objects if a.name in o.interfaces)
        elif a.kind == "union":
            order = {m: i for i, m in enumerate(t.name for t in objects)}
            sg.possible[a.name] = tuple(sorted(a.members, key=lambda m: order.get(m, 0)))
    inconsistent: set[str] = set()
    for a in sg.types.values():
        if a.kind not in ("interface", "union"):
            continue
        for g, tig in a.in_graphs.items():
            if tig.interface_object:
                local: tuple[str, ...] = ()
            elif a.kind == "interface":
                local = tuple(
                    o.name
                    for o in objects
                    if g in o.in_graphs and a.name in o.implements_in.get(g, frozenset())
                )
            else:
                members = a.members_in.get(g, frozenset())
                local = tuple(m for m in sg.possible[a.name] if m in members)
            sg.possible_in[(a.name, g)] = local
            if set(local) != set(sg.possible[a.name]):
                inconsistent.add(a.name)
    sg.inconsistent_abstracts = frozenset(inconsistent)
    labels: set[str] = set()
    for t in sg.types.values():
        for f in t.fields.values():
            for r in f.resolvers:
                if r.guard is not None:
                    labels.add(r.guard[0])
    sg.override_labels = frozenset(labels)

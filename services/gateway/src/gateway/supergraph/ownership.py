"""Field ownership (§1.3): which graphs have and resolve each field; Fed1 placement."""

from __future__ import annotations

from typing import TYPE_CHECKING

from graphql import FieldNode, SelectionSetNode

from gateway.supergraph.directives import applications, arg_bool, arg_str, has_value
from gateway.supergraph.directives import parse_field_set as _parse
from gateway.supergraph.model import FieldInGraph, Guard, Resolver, TypeInfo, TypeInGraph

if TYPE_CHECKING:
    from gateway.supergraph.load import _Loader

__all__ = ["assign_ownership", "field_set_names"]


def field_set_names(sel: SelectionSetNode) -> list[str]:
    """Top-level field names of a FieldSet (fragments looked through)."""
    out: list[str] = []
    for s in sel.selections:
        if isinstance(s, FieldNode):
            out.append(s.name.value)
        else:
            out.extend(field_set_names(s.selection_set))  # type: ignore[attr-defined]
    return out


def _join_fields(loader: _Loader, info: TypeInfo) -> dict[str, list[FieldInGraph]]:
    n = loader.names
    jf = n.directive("join", "field")
    raw = loader.raw[info.name]
    out: dict[str, list[FieldInGraph]] = {}
    for fdef in raw.fields:
        f = info.fields[fdef.name.value]
        apps = []
        for app in applications(fdef.directives, jf):
            req = arg_str(app, "requires")
            prov = arg_str(app, "provides")
            where = f"{info.name}.{f.name}"
            apps.append(
                FieldInGraph(
                    graph=loader.graph_name(arg_str(app, "graph")),
                    requires=_parse(req, where) if req else None,
                    requires_text=req or None,
                    provides=_parse(prov, where) if prov else None,
                    provides_text=prov or None,
                    graph_type=arg_str(app, "type"),
                    external=arg_bool(app, "external"),
                    override_from=arg_str(app, "override"),
                    override_label=arg_str(app, "overrideLabel"),
                    used_overridden=arg_bool(app, "usedOverridden"),
                    context_arguments=has_value(app, "contextArguments"),
                )
            )
        if apps:
            out[f.name] = apps
    return out


def _fed1_reach(  # noqa: PLR0912
    loader: _Loader,
    types: dict[str, TypeInfo],
    joins: dict[str, dict[str, list[FieldInGraph]]],
    roots: dict[str, str],
) -> None:
    """Place Fed1 types that have no @join__type in every graph that reaches them."""
    placed = {name for name, t in types.items() if t.in_graphs}
    root_names = set(roots.values())
    for graph in (g.name for g in loader.graphs.values()):
        seen: set[str] = set()
        todo = [n for n in placed if graph in types[n].in_graphs]
        for rname in root_names:
            rjoins = joins.get(rname, {})
            if any(j.graph == graph for apps in rjoins.values() for j in apps):
                todo.append(rname)
        while todo:
            name = todo.pop()
            if name in seen or name not in types:
                continue
            seen.add(name)
            t = types[name]
            if name not in placed:
                t.in_graphs[graph] = TypeInGraph(graph, (), False, False)
            tjoins = joins.get(name, {})
            for f in t.fields.values():
                apps = tjoins.get(f.name)
                if apps is not None:
                    mine = [a for a in apps if a.graph == graph]
                    if not mine:
                        continue
                    for a in mine:
                        for sel in (a.requires, a.provides):
                            if sel is not None:
                                todo.extend(_types_in(types, f.base_type, sel))
                elif t.owner is not None and t.owner != graph and name in placed:
                    continue
                todo.append(f.base_type)
            if t.kind == "union":
                todo.extend(m for m in t.members if m not in placed)
            if t.kind == "interface":
                todo.extend(
                    o for o, ot in types.items() if name in ot.interfaces and o not in placed
                )


def _types_in(types: dict[str, TypeInfo], parent: str, sel: SelectionSetNode) -> list[str]:
    out: list[str] = []
    t = types.get(parent)
    for s in sel.selections:
        if isinstance(s, FieldNode) and t is not None and s.name.value in t.fields:
            base = t.fields[s.name.value].base_type
            out.append(base)
            if s.selection_set is not None:
                out.extend(_types_in(types, base, s.selection_set))
    return out


def _overriders(apps: list[FieldInGraph], graph: str) -> FieldInGraph | None:
    for a in apps:
        if a.override_from is not None and a.override_from.lower() == graph.lower():
            return a
    return None


def _resolvers(
    loader: _Loader,
    types: dict[str, TypeInfo],
    t: TypeInfo,
    fname: str,
    apps: list[FieldInGraph] | None,
) -> tuple[dict[str, FieldInGraph], list[Resolver]]:
    f = t.fields[fname]
    fed1 = loader.version == (0, 1)
    if apps is None:
        if fed1 and t.owner is not None:
            graphs = [t.owner]
        else:
            graphs = [g for g in t.in_graphs if not fed1 or _knows(types, f.base_type, g)]
        have = {g: _with_graph(g) for g in graphs}
    else:
        have = {a.graph: a for a in apps if a.graph is not None}
    out: list[Resolver] = []
    for g, a in have.items():
        guard: Guard | None = (a.override_label, True) if a.override_label else None
        over = _overriders(apps or [], g)
        if over is not None:
            if not over.override_label:
                continue
            guard = (over.override_label, False)
        elif a.used_overridden and not a.override_label:
            continue
        if a.external and not _local_key_field(loader, t, g, fname):
            continue
        out.append(Resolver(g, a, guard))
    # Key fields are locally resolvable in Fed1 and in Fed2 `extension` types.
    for g, tig in t.in_graphs.items():
        if not (fed1 or tig.extension) or any(r.graph == g for r in out):
            continue
        if any(fname in field_set_names(k.selection) for k in tig.keys):
            have.setdefault(g, _with_graph(g))
            out.append(Resolver(g, have[g], None))
    order = {name: i for i, name in enumerate(x.name for x in loader.graphs.values())}
    out.sort(key=lambda r: order[r.graph])
    return have, out


def _local_key_field(loader: _Loader, t: TypeInfo, graph: str, fname: str) -> bool:
    tig = t.in_graphs.get(graph)
    if tig is None or not (tig.extension or loader.version == (0, 1)):
        return False
    return any(fname in field_set_names(k.selection) for k in tig.keys)


def _knows(types: dict[str, TypeInfo], type_name: str, graph: str) -> bool:
    t = types.get(type_name)
    return t is None or graph in t.in_graphs


def _with_graph(graph: str) -> FieldInGraph:
    return FieldInGraph(
        graph=graph,
        requires=None,
        requires_text=None,
        provides=None,
        provides_text=None,
        graph_type=None,
        external=False,
        override_from=None,
        override_label=None,
        used_overridden=False,
        context_arguments=False,
    )


def _default_lists(loader: _Loader, types: dict[str, TypeInfo]) -> None:
    """Implements / members / enum values per graph where the join directives are absent."""
    for t in types.values():
        if t.kind in ("object", "interface") and t.interfaces and not t.implements_in:
            t.implements_in = {
                g: frozenset(i for i in t.interfaces if g in types[i].in_graphs)
                for g in t.in_graphs
            }
        if t.kind == "union" and not t.members_in:
            t.members_in = {
                g: frozenset(m for m in t.members if g in types[m].in_graphs) for g in t.in_graphs
            }
        if t.kind == "enum" and not t.enum_values_in:
            values = frozenset(v.name.value for v in loader.raw[t.name].values)
            t.enum_values_in = dict.fromkeys(t.in_graphs, values)


def assign_ownership(loader: _Loader, types: dict[str, TypeInfo], roots: dict[str, str]) -> None:
    """Fill ``in_graphs``/``resolvers`` of every field, placing Fed1 value types first."""
    joins = {name: _join_fields(loader, t) for name, t in types.items()}
    if loader.version == (0, 1):
        _fed1_reach(loader, types, joins, roots)
    all_graphs = {g.name: TypeInGraph(g.name, (), False, False) for g in loader.graphs.values()}
    for t in types.values():
        if not t.in_graphs and (t.kind in ("scalar", "enum", "input") or loader.version != (0, 1)):
            t.in_graphs = dict(all_graphs)
    _default_lists(loader, types)
    for name, t in types.items():
        for fname, f in t.fields.items():
            have, res = _resolvers(loader, types, t, fname, joins[name].get(fname))
            f.in_graphs = have
            f.resolvers = tuple(res)

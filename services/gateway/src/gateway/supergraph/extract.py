"""Extracted per-graph schemas (§1.7), used to validate every emitted fetch in tests/debug."""

from __future__ import annotations

from functools import lru_cache

from graphql import FieldNode, GraphQLSchema, SelectionSetNode, build_schema, parse, print_ast

from gateway.supergraph.errors import SupergraphError
from gateway.supergraph.load import RawType, _raw_types
from gateway.supergraph.model import Supergraph

__all__ = ["extract_subgraph_schema", "extract_subgraph_sdl"]

_BUILTIN_SCALARS = frozenset({"String", "Int", "Float", "Boolean", "ID"})


def _mentioned(
    sg: Supergraph, parent: str, sel: SelectionSetNode, out: set[tuple[str, str]]
) -> None:
    """(type, field) pairs a FieldSet names, so external fields are kept in the view."""
    t = sg.types.get(parent)
    for s in sel.selections:
        if isinstance(s, FieldNode):
            if t is None or s.name.value not in t.fields:
                continue
            out.add((parent, s.name.value))
            if s.selection_set is not None:
                _mentioned(sg, t.fields[s.name.value].base_type, s.selection_set, out)
        else:
            cond = s.type_condition.name.value if s.type_condition else parent  # type: ignore[attr-defined]
            _mentioned(sg, cond, s.selection_set, out)  # type: ignore[attr-defined]


def _field_sets(sg: Supergraph, graph: str) -> set[tuple[str, str]]:
    out: set[tuple[str, str]] = set()
    for t in sg.types.values():
        tig = t.in_graphs.get(graph)
        if tig is not None:
            for k in tig.keys:
                _mentioned(sg, t.name, k.selection, out)
        for f in t.fields.values():
            j = f.in_graphs.get(graph)
            if j is None:
                continue
            if j.requires is not None:
                _mentioned(sg, t.name, j.requires, out)
            if j.provides is not None:
                _mentioned(sg, f.base_type, j.provides, out)
    return out


def _args_text(raw: RawType, fname: str) -> str:
    for fdef in raw.fields:
        if fdef.name.value == fname and fdef.arguments:
            parts = []
            for a in fdef.arguments:
                text = f"{a.name.value}: {print_ast(a.type)}"
                if a.default_value is not None:
                    text += " = " + print_ast(a.default_value)
                parts.append(text)
            return "(" + ", ".join(parts) + ")"
    return ""


def extract_subgraph_sdl(sg: Supergraph, graph: str) -> str:  # noqa: PLR0912, PLR0915
    """SDL of ``graph``'s view of the supergraph, with ``_Any``/``_Entity``/``_entities``."""
    raw = _raw_types(parse(sg.sdl, no_location=True))
    mentioned = _field_sets(sg, graph)
    roots = {v: k for k, v in sg.root_types.items()}
    blocks: list[str] = []
    entities: list[str] = []
    root_fields: dict[str, list[str]] = {}
    for t in sg.types.values():
        if graph not in t.in_graphs or t.name in _BUILTIN_SCALARS:
            continue
        tig = t.in_graphs[graph]
        kind = "object" if tig.interface_object else t.kind
        if t.kind in ("object", "interface"):
            lines = []
            for f in t.fields.values():
                j = f.in_graphs.get(graph)
                if j is None and (t.name, f.name) not in mentioned:
                    continue
                ftype = (j.graph_type if j is not None else None) or f.type_text
                lines.append(f"  {f.name}{_args_text(raw[t.name], f.name)}: {ftype}")
            if kind == "object" and any(k.resolvable for k in tig.keys):
                entities.append(t.name)  # entity interfaces are not _Entity members
            if t.name in roots:
                root_fields[t.name] = lines
                continue
            if not lines:
                continue
            impl = ""
            if not tig.interface_object:
                ifaces = sorted(
                    i for i in t.implements_in.get(graph, ()) if graph in sg.types[i].in_graphs
                )
                impl = " implements " + " & ".join(ifaces) if ifaces else ""
            keyword = "type" if kind == "object" else kind
            blocks.append(f"{keyword} {t.name}{impl} {{\n" + "\n".join(lines) + "\n}")
        elif t.kind == "union":
            members = [m for m in sg.possible_types(t.name) if m in t.members_in.get(graph, ())]
            if members:
                blocks.append(f"union {t.name} = " + " | ".join(members))
        elif t.kind == "enum":
            values = [
                v.name.value
                for v in raw[t.name].values
                if v.name.value in t.enum_values_in.get(graph, ())
            ]
            if values:
                blocks.append(f"enum {t.name} {{ " + " ".join(values) + " }")
        elif t.kind == "input":
            fields = [
                f"{f.name.value}: {print_ast(f.type)}"
                + (" = " + print_ast(f.default_value) if f.default_value is not None else "")
                for f in raw[t.name].input_fields
            ]
            blocks.append(f"input {t.name} {{ " + " ".join(fields) + " }")
        elif t.kind == "scalar":
            blocks.append(f"scalar {t.name}")
    query = sg.root_types.get("query", "Query")
    qlines = root_fields.get(query, [])
    blocks.append("scalar _Any")
    if entities:
        blocks.append("union _Entity = " + " | ".join(entities))
        qlines = [*qlines, "  _entities(representations: [_Any!]!): [_Entity]!"]
    if not qlines:
        qlines = ["  _empty: Boolean"]
    blocks.append(f"type {query} {{\n" + "\n".join(qlines) + "\n}")
    schema_ops = [f"query: {query}"]
    for kind in ("mutation", "subscription"):
        name = sg.root_types.get(kind)
        if name and root_fields.get(name):
            blocks.append(f"type {name} {{\n" + "\n".join(root_fields[name]) + "\n}")
            schema_ops.append(f"{kind}: {name}")
    blocks.insert(0, "schema { " + " ".join(schema_ops) + " }")
    return "\n\n".join(blocks) + "\n"


@lru_cache(maxsize=64)
def _build(sdl: str) -> GraphQLSchema:
    return build_schema(sdl)


def extract_subgraph_schema(sg: Supergraph, graph: str) -> GraphQLSchema:
    """``graph``'s view as a graphql-core schema (cached on the supergraph)."""
    cached = sg.extracted.get(graph)
    if cached is not None:
        return cached
    sdl = extract_subgraph_sdl(sg, graph)
    try:
        schema = _build(sdl)
    except Exception as err:
        msg = f"cannot build the extracted schema of {graph}: {err}"
        raise SupergraphError(msg) from err
    sg.extracted[graph] = schema
    return schema

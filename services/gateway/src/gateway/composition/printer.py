"""Print the supergraph model as SDL in Apollo's format (link v1.0, join v0.5).

Directive definitions and types are sorted by name, like Apollo's output, so
the text is deterministic and diffs cleanly against it.
"""

from __future__ import annotations

from importlib.resources import files

from graphql import DirectiveDefinitionNode, TypeDefinitionNode, parse, print_ast
from graphql.language.block_string import print_block_string
from graphql.language.print_string import print_string

from .model import Applied
from .supermodel import JoinField, JoinType, Supergraph, SuperInputValue, SuperType

__all__ = ["print_supergraph"]

_DEFINITIONS = {
    node.name.value: print_ast(node)
    for node in parse(
        (files(__package__) / "federation_definitions.graphql").read_text(encoding="utf-8"),
        no_location=True,
    ).definitions
    if isinstance(node, DirectiveDefinitionNode | TypeDefinitionNode)
}
# graphql-js leaves a blank line before a described value that is not first in its block.
_DEFINITIONS["link__Purpose"] = _DEFINITIONS["link__Purpose"].replace(
    'SECURITY\n  """', 'SECURITY\n\n  """'
)
_BASE_DIRECTIVES = ("link", *(n for n in _DEFINITIONS if n.startswith("join__") and n[6].islower()))
_BASE_TYPES = (
    "join__ContextArgument",
    "join__DirectiveArguments",
    "join__FieldSet",
    "join__FieldValue",
    "link__Import",
    "link__Purpose",
)
_SPECS = "https://specs.apollo.dev"
# feature directive -> (link arguments, extra types the definition needs)
_FEATURES: dict[str, tuple[str, tuple[str, ...]]] = {
    "tag": (f'url: "{_SPECS}/tag/v0.3"', ()),
    "inaccessible": (f'url: "{_SPECS}/inaccessible/v0.2", for: SECURITY', ()),
    "authenticated": (f'url: "{_SPECS}/authenticated/v0.1", for: SECURITY', ()),
    "requiresScopes": (
        f'url: "{_SPECS}/requiresScopes/v0.1", for: SECURITY',
        ("requiresScopes__Scope",),
    ),
    "policy": (f'url: "{_SPECS}/policy/v0.1", for: SECURITY', ("policy__Policy",)),
}
_COST_LINK = f'url: "{_SPECS}/cost/v0.1", import: ["@listSize"]'
_KEYWORDS = {
    "object": "type",
    "interface": "interface",
    "union": "union",
    "enum": "enum",
    "input": "input",
    "scalar": "scalar",
}


def _description(text: str | None, indent: str) -> str:
    if text is None:
        return ""
    block = print_block_string(text)
    return "".join(f"{indent}{line}\n" if line else "\n" for line in block.split("\n"))


def _applied(applied: list[Applied]) -> str:
    return "".join(f" {a}" for a in applied)


def _join_type(j: JoinType) -> str:
    args = [f"graph: {j.graph}"]
    if j.key is not None:
        args.append(f"key: {print_string(j.key)}")
    if j.extension:
        args.append("extension: true")
    if not j.resolvable:
        args.append("resolvable: false")
    if j.interface_object:
        args.append("isInterfaceObject: true")
    return f"@join__type({', '.join(args)})"


def _join_field(j: JoinField) -> str:
    args = [f"graph: {j.graph}"] if j.graph else []
    for name, value in (("requires", j.requires), ("provides", j.provides), ("type", j.type)):
        if value is not None:
            args.append(f"{name}: {print_string(value)}")
    if j.external:
        args.append("external: true")
    if j.override is not None:
        args.append(f"override: {print_string(j.override)}")
    if j.override_label is not None:
        args.append(f"overrideLabel: {print_string(j.override_label)}")
    if j.used_overridden:
        args.append("usedOverridden: true")
    return f"@join__field({', '.join(args)})" if args else "@join__field"


def _with_joins(applied: list[Applied], joins: str) -> str:
    """Apollo prints @inaccessible before the join directives, the others after."""
    hidden = [a for a in applied if a.name == "inaccessible"]
    rest = [a for a in applied if a.name != "inaccessible"]
    return f"{_applied(hidden)}{joins}{_applied(rest)}"


def _input_value(v: SuperInputValue) -> str:
    default = f" = {v.default}" if v.default is not None else ""
    return f"{v.name}: {v.type}{default}{_applied(v.applied)}"


def _type(t: SuperType) -> str:
    out = [_description(t.description, "")]
    header = f"{_KEYWORDS[t.kind]} {t.name}"
    if t.interfaces:
        header += " implements " + " & ".join(t.interfaces)
    directives = [
        f"@join__implements(graph: {g}, interface: {print_string(i)})" for g, i in t.implements
    ]
    directives += [_join_type(j) for j in t.join_types]
    directives += [
        f"@join__unionMember(graph: {g}, member: {print_string(m)})" for g, m in t.union_members
    ]
    directives += [str(a) for a in t.applied]
    out.append(header + "".join(f"\n  {d}" for d in directives))
    if t.kind == "scalar":
        return "".join(out)
    if t.kind == "union":
        out.append("\n = " + " | ".join(t.members) if t.members else "")
        return "".join(out)
    body: list[str] = []
    for f in t.fields.values():
        args = ""
        if f.args:
            if any(a.description for a in f.args):
                args = (
                    "(\n"
                    + "".join(
                        ("\n" if i and a.description else "")
                        + _description(a.description, "    ")
                        + f"    {_input_value(a)}\n"
                        for i, a in enumerate(f.args)
                    )
                    + "  )"
                )
            else:
                args = "(" + ", ".join(_input_value(a) for a in f.args) + ")"
        joins = "".join(f" {_join_field(j)}" for j in f.joins or ())
        extra = f"{_applied(f.applied)}{joins}" if f.inherited else _with_joins(f.applied, joins)
        body.append(_description(f.description, "  ") + f"  {f.name}{args}: {f.type}{extra}")
    for v in t.input_fields.values():
        joins = "".join(f" {_join_field(j)}" for j in v.joins or ())
        default = f" = {v.default}" if v.default is not None else ""
        line = f"  {v.name}: {v.type}{default}{_with_joins(v.applied, joins)}"
        body.append(_description(v.description, "  ") + line)
    for e in t.values.values():
        joins = "".join(f" @join__enumValue(graph: {g})" for g in e.graphs)
        body.append(
            _description(e.description, "  ") + f"  {e.name}{_with_joins(e.applied, joins)}"
        )
    # Like graphql-js: a described element that is not first gets a blank line before it.
    spaced = [f"\n{b}" if i and b.lstrip().startswith('"') else b for i, b in enumerate(body)]
    out.append("\n{\n" + "\n".join(spaced) + "\n}")
    return "".join(out)


def print_supergraph(sg: Supergraph) -> str:
    links = [f'url: "{_SPECS}/link/v1.0"', f'url: "{_SPECS}/join/v0.5", for: EXECUTION']
    directives = {n: _DEFINITIONS[n] for n in _BASE_DIRECTIVES}
    types = {n: _DEFINITIONS[n] for n in _BASE_TYPES}
    for name in sg.features:
        if name == "cost":
            links.append(_COST_LINK)
            directives["cost"] = _DEFINITIONS["cost"]
            directives["listSize"] = _DEFINITIONS["listSize"]
            continue
        link, extra = _FEATURES[name]
        links.append(link)
        directives[name] = _DEFINITIONS[name]
        types.update((n, _DEFINITIONS[n]) for n in extra)
    by_url: dict[str, list[str]] = {}
    for name, (url, definition) in sg.composed.items():
        by_url.setdefault(url, []).append(name)
        directives[name] = definition
    for url, names in by_url.items():
        imports = ", ".join(f'"@{n}"' for n in names)
        links.append(f"url: {print_string(url)}, import: [{imports}]")
    directives.update(sg.executable_directives)
    graph_values = "\n".join(
        f"  {value} @join__graph(name: {print_string(name)}, url: {print_string(url)})"
        for value, name, url in sg.graphs
    )
    types["join__Graph"] = "enum join__Graph {\n" + graph_values + "\n}"
    for name, t in sg.types.items():
        types[name] = _type(t)
    roots = "".join(f"  {op}: {name}\n" for op, name in sg.roots.items())
    schema = "schema" + "".join(f"\n  @link({link})" for link in links) + "\n{\n" + roots + "}"
    parts = [schema]
    parts += [directives[n] for n in sorted(directives, key=_order)]
    parts += [types[n] for n in sorted(types, key=_order)]
    return "\n\n".join(parts) + "\n"


def _order(name: str) -> tuple[str, str]:
    # Apollo sorts names case-insensitively (`policy__Policy` before `Query`).
    return name.lower(), name

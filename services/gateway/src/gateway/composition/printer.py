"""Print the supergraph model as SDL in Apollo's format (link v1.0, join v0.5).

Directive definitions and types are sorted by name, like Apollo's output, so
the text is deterministic and diffs cleanly against it.
"""

from __future__ import annotations

from graphql.language.block_string import print_block_string
from graphql.language.print_string import print_string

from .model import Applied
from .supermodel import JoinField, JoinType, SuperInputValue, SuperType, Supergraph

__all__ = ["print_supergraph"]

_FED_DIRECTIVES = {
    "join__directive": "directive @join__directive(graphs: [join__Graph!], name: String!, args: join__DirectiveArguments) repeatable on SCHEMA | OBJECT | INTERFACE | FIELD_DEFINITION",
    "join__enumValue": "directive @join__enumValue(graph: join__Graph!) repeatable on ENUM_VALUE",
    "join__field": "directive @join__field(graph: join__Graph, requires: join__FieldSet, provides: join__FieldSet, type: String, external: Boolean, override: String, usedOverridden: Boolean, overrideLabel: String, contextArguments: [join__ContextArgument!]) repeatable on FIELD_DEFINITION | INPUT_FIELD_DEFINITION",
    "join__graph": "directive @join__graph(name: String!, url: String!) on ENUM_VALUE",
    "join__implements": "directive @join__implements(graph: join__Graph!, interface: String!) repeatable on OBJECT | INTERFACE",
    "join__type": "directive @join__type(graph: join__Graph!, key: join__FieldSet, extension: Boolean! = false, resolvable: Boolean! = true, isInterfaceObject: Boolean! = false) repeatable on OBJECT | INTERFACE | UNION | ENUM | INPUT_OBJECT | SCALAR",
    "join__unionMember": "directive @join__unionMember(graph: join__Graph!, member: String!) repeatable on UNION",
    "link": "directive @link(url: String, as: String, for: link__Purpose, import: [link__Import]) repeatable on SCHEMA",
}
_FED_TYPES = {
    "join__ContextArgument": "input join__ContextArgument {\n  name: String!\n  type: String!\n  context: String!\n  selection: join__FieldValue!\n}",
    "join__DirectiveArguments": "scalar join__DirectiveArguments",
    "join__FieldSet": "scalar join__FieldSet",
    "join__FieldValue": "scalar join__FieldValue",
    "link__Import": "scalar link__Import",
    "link__Purpose": 'enum link__Purpose {\n  """\n  `SECURITY` features provide metadata necessary to securely resolve fields.\n  """\n  SECURITY\n\n  """\n  `EXECUTION` features provide metadata necessary for operation execution.\n  """\n  EXECUTION\n}',
}
# (directive, link line, definition, extra types)
_FEATURES: list[tuple[str, str, str, dict[str, str]]] = [
    (
        "tag",
        '@link(url: "https://specs.apollo.dev/tag/v0.3")',
        "directive @tag(name: String!) repeatable on FIELD_DEFINITION | OBJECT | INTERFACE | UNION | ARGUMENT_DEFINITION | SCALAR | ENUM | ENUM_VALUE | INPUT_OBJECT | INPUT_FIELD_DEFINITION | SCHEMA",
        {},
    ),
    (
        "inaccessible",
        '@link(url: "https://specs.apollo.dev/inaccessible/v0.2", for: SECURITY)',
        "directive @inaccessible on FIELD_DEFINITION | OBJECT | INTERFACE | UNION | ARGUMENT_DEFINITION | SCALAR | ENUM | ENUM_VALUE | INPUT_OBJECT | INPUT_FIELD_DEFINITION",
        {},
    ),
    (
        "authenticated",
        '@link(url: "https://specs.apollo.dev/authenticated/v0.1", for: SECURITY)',
        "directive @authenticated on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM",
        {},
    ),
    (
        "requiresScopes",
        '@link(url: "https://specs.apollo.dev/requiresScopes/v0.1", for: SECURITY)',
        "directive @requiresScopes(scopes: [[requiresScopes__Scope!]!]!) on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM",
        {"requiresScopes__Scope": "scalar requiresScopes__Scope"},
    ),
    (
        "policy",
        '@link(url: "https://specs.apollo.dev/policy/v0.1", for: SECURITY)',
        "directive @policy(policies: [[policy__Policy!]!]!) on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM",
        {"policy__Policy": "scalar policy__Policy"},
    ),
]
_COST_LINK = '@link(url: "https://specs.apollo.dev/cost/v0.1", import: ["@listSize"])'
_COST = "directive @cost(weight: Int!) on ARGUMENT_DEFINITION | ENUM | FIELD_DEFINITION | INPUT_FIELD_DEFINITION | OBJECT | SCALAR"
_LIST_SIZE = "directive @listSize(assumedSize: Int, slicingArguments: [String!], sizedFields: [String!], requireOneSlicingArgument: Boolean = true) on FIELD_DEFINITION"


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


def _input_value(v: SuperInputValue) -> str:
    default = f" = {v.default}" if v.default is not None else ""
    return f"{v.name}: {v.type}{default}{_applied(v.applied)}"


def _type(t: SuperType) -> str:
    out = [_description(t.description, "")]
    keyword = {
        "object": "type",
        "interface": "interface",
        "union": "union",
        "enum": "enum",
        "input": "input",
        "scalar": "scalar",
    }[t.kind]
    header = f"{keyword} {t.name}"
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
                        _description(a.description, "    ") + f"    {_input_value(a)}\n"
                        for a in f.args
                    )
                    + "  )"
                )
            else:
                args = "(" + ", ".join(_input_value(a) for a in f.args) + ")"
        joins = "".join(f" {_join_field(j)}" for j in f.joins or ())
        extra = f"{_applied(f.applied)}{joins}" if f.inherited else f"{joins}{_applied(f.applied)}"
        body.append(_description(f.description, "  ") + f"  {f.name}{args}: {f.type}{extra}")
    for v in t.input_fields.values():
        joins = "".join(f" {_join_field(j)}" for j in v.joins or ())
        body.append(_description(v.description, "  ") + f"  {_input_value(v)}{joins}")
    for e in t.values.values():
        joins = "".join(f" @join__enumValue(graph: {g})" for g in e.graphs)
        body.append(_description(e.description, "  ") + f"  {e.name}{_applied(e.applied)}{joins}")
    out.append("\n{\n" + "\n".join(body) + "\n}")
    return "".join(out)


def print_supergraph(sg: Supergraph) -> str:
    links = [
        '@link(url: "https://specs.apollo.dev/link/v1.0")',
        '@link(url: "https://specs.apollo.dev/join/v0.5", for: EXECUTION)',
    ]
    directives = dict(_FED_DIRECTIVES)
    types: dict[str, str] = dict(_FED_TYPES)
    for name, link, definition, extra in _FEATURES:
        if sg.uses(name):
            links.append(link)
            directives[name] = definition
            types.update(extra)
    if sg.uses("cost") or sg.uses("listSize"):
        links.append(_COST_LINK)
        directives["cost"] = _COST
        directives["listSize"] = _LIST_SIZE
    by_url: dict[str, list[str]] = {}
    for name, (url, definition) in sg.composed.items():
        by_url.setdefault(url, []).append(name)
        directives[name] = definition
    for url, names in by_url.items():
        imports = ", ".join(f'"@{n}"' for n in names)
        links.append(f"@link(url: {print_string(url)}, import: [{imports}])")
    directives.update(sg.executable_directives)
    graph_values = "\n".join(
        f"  {value} @join__graph(name: {print_string(name)}, url: {print_string(url)})"
        for value, name, url in sg.graphs
    )
    types["join__Graph"] = "enum join__Graph {\n" + graph_values + "\n}"
    for name, t in sg.types.items():
        types[name] = _type(t)
    roots = "".join(f"  {op}: {name}\n" for op, name in sg.roots.items())
    schema = "schema" + "".join(f"\n  {link}" for link in links) + "\n{\n" + roots + "}"
    parts = [schema]
    parts += [directives[n] for n in sorted(directives, key=_order)]
    parts += [types[n] for n in sorted(types, key=_order)]
    return "\n\n".join(parts) + "\n"


def _order(name: str) -> tuple[str, str]:
    # Apollo sorts names case-insensitively (`policy__Policy` before `Query`).
    return name.lower(), name

"""Reading a subgraph's `@link` to the federation spec: which local name means what.

Federation 2 subgraphs name directives through `@link(url: ".../federation/v2.x",
as:, import:)`: imported ones under their own (or `as`-renamed) name, others as
`<as>__<name>`. Federation 1 subgraphs have no link and use the bare names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from graphql import DocumentNode, ListValueNode, ObjectValueNode, StringValueNode, ValueNode
from graphql.language import SchemaDefinitionNode, SchemaExtensionNode

__all__ = [
    "FEDERATION_1_DIRECTIVES",
    "FEDERATION_DIRECTIVES",
    "FEDERATION_TYPES",
    "Link",
    "LinkInfo",
    "read_links",
]

FEDERATION_URL = re.compile(r"^https://specs\.apollo\.dev/federation/v2\.(\d+)$")
LINK_URL = re.compile(r"^https://specs\.apollo\.dev/link/v1\.\d+$")

# Directive -> the minor version of federation 2 that introduced it.
FEDERATION_DIRECTIVES: dict[str, int] = {
    "key": 0,
    "requires": 0,
    "provides": 0,
    "external": 0,
    "tag": 0,
    "extends": 0,
    "shareable": 0,
    "inaccessible": 0,
    "override": 0,
    "composeDirective": 1,
    "interfaceObject": 3,
    "authenticated": 5,
    "requiresScopes": 5,
    "policy": 6,
    "context": 8,
    "fromContext": 8,
    "cost": 9,
    "listSize": 9,
}
FEDERATION_1_DIRECTIVES = ("key", "requires", "provides", "external", "extends", "tag")
FEDERATION_TYPES: dict[str, int] = {
    "FieldSet": 0,
    "Scope": 5,
    "Policy": 6,
    "ContextFieldValue": 8,
}


@dataclass(frozen=True, slots=True)
class Link:
    url: str
    alias: str | None
    imports: tuple[tuple[str, str], ...]  # (original, local), with the leading "@" kept


@dataclass(slots=True)
class LinkInfo:
    """What the schema-level links of one subgraph say."""

    fed2: bool = False
    minor: int = 0
    # local directive name -> canonical federation directive name
    directives: dict[str, str] = field(default_factory=dict)
    # local type names that belong to federation or link and are dropped
    internal_types: set[str] = field(default_factory=set)
    internal_prefixes: tuple[str, ...] = ()
    other_links: list[Link] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _string(value: ValueNode | None) -> str | None:
    return value.value if isinstance(value, StringValueNode) else None


def _imports(value: ValueNode | None) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, ListValueNode):
        return ()
    out: list[tuple[str, str]] = []
    for item in value.values:
        if isinstance(item, StringValueNode):
            out.append((item.value, item.value))
        elif isinstance(item, ObjectValueNode):
            fields = {f.name.value: _string(f.value) for f in item.fields}
            name = fields.get("name")
            if name:
                out.append((name, fields.get("as") or name))
    return tuple(out)


def links_of(document: DocumentNode) -> list[Link]:
    links: list[Link] = []
    for node in document.definitions:
        if not isinstance(node, SchemaDefinitionNode | SchemaExtensionNode):
            continue
        for directive in node.directives or ():
            if directive.name.value != "link":
                continue
            args = {a.name.value: a.value for a in directive.arguments or ()}
            url = _string(args.get("url"))
            if url:
                links.append(Link(url, _string(args.get("as")), _imports(args.get("import"))))
    return links


def read_links(document: DocumentNode) -> LinkInfo:
    info = LinkInfo()
    federation: Link | None = None
    for link in links_of(document):
        if FEDERATION_URL.match(link.url):
            federation = link
        elif not LINK_URL.match(link.url):
            info.other_links.append(link)
    common_types = {"_Any", "_Entity", "_Service", "_FieldSet", "link__Import", "link__Purpose"}
    if federation is None:
        # Federation 1: bare names, no link.
        info.directives = {name: name for name in FEDERATION_1_DIRECTIVES}
        info.internal_types = common_types | {"FieldSet"}
        return info
    match = FEDERATION_URL.match(federation.url)
    assert match is not None
    info.fed2 = True
    info.minor = int(match.group(1))
    prefix = f"{federation.alias or 'federation'}__"
    info.internal_prefixes = (prefix, "link__")
    info.internal_types = set(common_types)
    for name, minor in FEDERATION_DIRECTIVES.items():
        if minor <= info.minor:
            info.directives[prefix + name] = name
    for original, local in federation.imports:
        bare, local_bare = original.lstrip("@"), local.lstrip("@")
        known = FEDERATION_DIRECTIVES if original.startswith("@") else FEDERATION_TYPES
        if known.get(bare, 99) > info.minor:
            info.problems.append(f'Cannot import unknown element "{original}".')
            continue
        if original.startswith("@"):
            info.directives[local_bare] = bare
        else:
            info.internal_types.add(local_bare)
    return info

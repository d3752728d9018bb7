"""Read ``@link``/``@core`` feature applications and build the ``Names`` table (§1.1)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from graphql import (
    DirectiveNode,
    DocumentNode,
    EnumValueNode,
    ListValueNode,
    ObjectValueNode,
    SchemaDefinitionNode,
    SchemaExtensionNode,
    StringValueNode,
    ValueNode,
)

from gateway.supergraph.errors import SupergraphError

__all__ = ["Feature", "Names", "read_features", "schema_directives"]

_URL = re.compile(
    r"^https?://[^/]+(?:/.*)?/(?P<name>[A-Za-z_][\w-]*)/v(?P<major>\d+)\.(?P<minor>\d+)$"
)
_KNOWN_FOR_EXECUTION = frozenset(
    {
        "link",
        "core",
        "join",
        "tag",
        "inaccessible",
        "authenticated",
        "requiresScopes",
        "policy",
        "cost",
    }
)


@dataclass(frozen=True, slots=True)
class Feature:
    """One linked feature: its canonical name, version, local prefix and imports."""

    name: str  # canonical feature name from the URL ("join", "inaccessible", ...)
    major: int
    minor: int
    url: str
    prefix: str  # the ``as:`` name, or the canonical name
    imports: dict[str, str] = field(default_factory=dict)  # "@canon"/"Canon" -> local name
    purpose: str | None = None  # "EXECUTION" | "SECURITY" | None


def schema_directives(doc: DocumentNode) -> list[DirectiveNode]:
    """Directives applied to the schema definition and its extensions, in order."""
    out: list[DirectiveNode] = []
    for d in doc.definitions:
        if isinstance(d, SchemaDefinitionNode | SchemaExtensionNode):
            out.extend(d.directives or ())
    return out


def _arg(d: DirectiveNode, name: str) -> ValueNode | None:
    for a in d.arguments or ():
        if a.name.value == name:
            return a.value
    return None


def _str(v: ValueNode | None) -> str | None:
    if isinstance(v, StringValueNode | EnumValueNode):
        return v.value
    return None


def _imports(v: ValueNode | None) -> dict[str, str]:
    out: dict[str, str] = {}
    if not isinstance(v, ListValueNode):
        return out
    for item in v.values:
        if isinstance(item, StringValueNode):
            out[item.value] = item.value.lstrip("@")
        elif isinstance(item, ObjectValueNode):
            fields = {f.name.value: _str(f.value) for f in item.fields}
            name = fields.get("name")
            if name:
                out[name] = (fields.get("as") or name).lstrip("@")
    return out


def _is_link_url(url: str | None) -> tuple[str, int, int] | None:
    if url is None:
        return None
    m = _URL.match(url)
    if m is None:
        return None
    return m["name"], int(m["major"]), int(m["minor"])


def read_features(doc: DocumentNode) -> dict[str, Feature]:
    """All features linked by the schema, keyed by canonical name."""
    applied = schema_directives(doc)
    # Bootstrap: the link/core spec names itself (its own application may be renamed by as:).
    link_names: set[str] = set()
    core_v01 = False
    for d in applied:
        parsed = _is_link_url(_str(_arg(d, "url")) or _str(_arg(d, "feature")))
        if parsed and parsed[0] in ("link", "core"):
            link_names.add(d.name.value)
            if parsed[0] == "core" and (parsed[1], parsed[2]) == (0, 1):
                core_v01 = True
    if not link_names:
        msg = "not a supergraph: the schema has no @link or @core application"
        raise SupergraphError(msg)
    features: dict[str, Feature] = {}
    for d in applied:
        if d.name.value not in link_names:
            continue
        url = _str(_arg(d, "url")) or _str(_arg(d, "feature"))
        parsed = _is_link_url(url)
        if parsed is None or url is None:
            msg = f"cannot read feature URL {url!r}"
            raise SupergraphError(msg)
        name, major, minor = parsed
        purpose = _str(_arg(d, "for"))
        if purpose is not None and core_v01:
            msg = "core v0.1 does not support for:"
            raise SupergraphError(msg)
        if purpose in ("EXECUTION", "SECURITY") and name not in _KNOWN_FOR_EXECUTION:
            msg = f"unsupported feature {url} is required for {purpose}"
            raise SupergraphError(msg)
        features[name] = Feature(
            name=name,
            major=major,
            minor=minor,
            url=url,
            prefix=_str(_arg(d, "as")) or name,
            imports=_imports(_arg(d, "import")),
            purpose=purpose,
        )
    return features


class Names:
    """Canonical feature element names -> the local names this supergraph uses."""

    def __init__(self, features: dict[str, Feature]) -> None:
        self.features = features

    def directive(self, feature: str, element: str | None = None) -> str | None:
        """Local name of ``@<feature>`` (element None) or ``@<feature>__<element>``."""
        f = self.features.get(feature)
        if f is None:
            return None
        element = element or feature
        imported = f.imports.get("@" + element)
        if imported is not None:
            return imported
        if element == feature:
            return f.prefix
        return f"{f.prefix}__{element}"

    def type(self, feature: str, element: str) -> str | None:
        """Local name of the feature type ``<feature>__<Element>``."""
        f = self.features.get(feature)
        if f is None:
            return None
        return f.imports.get(element) or f"{f.prefix}__{element}"

    def owned_directives(self) -> set[str]:
        """Local names of every directive that belongs to a linked feature."""
        out: set[str] = set()
        for f in self.features.values():
            out.add(f.prefix)
            out.update(v for k, v in f.imports.items() if k.startswith("@"))
        return out

    def is_feature_name(self, local: str) -> bool:
        """True for ``<prefix>__X`` names of linked features (types or directives)."""
        return any(local.startswith(f.prefix + "__") for f in self.features.values())

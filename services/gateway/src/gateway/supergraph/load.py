"""Load a supergraph SDL into the model (§1.1–1.4).

Accepts join v0.1–v0.5 under ``@link`` or ``@core``, renamed imports, and Fed1
``@join__owner`` supergraphs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from graphql import (
    DirectiveNode,
    DocumentNode,
    EnumTypeDefinitionNode,
    EnumTypeExtensionNode,
    EnumValueDefinitionNode,
    FieldDefinitionNode,
    GraphQLError,
    InputObjectTypeDefinitionNode,
    InputObjectTypeExtensionNode,
    InputValueDefinitionNode,
    InterfaceTypeDefinitionNode,
    InterfaceTypeExtensionNode,
    ObjectTypeDefinitionNode,
    ObjectTypeExtensionNode,
    ScalarTypeDefinitionNode,
    ScalarTypeExtensionNode,
    SchemaDefinitionNode,
    UnionTypeDefinitionNode,
    UnionTypeExtensionNode,
    build_ast_schema,
    parse,
)

from gateway.supergraph.api_schema import build_api_schema
from gateway.supergraph.directives import (
    applications,
    arg_bool,
    arg_str,
    base_name,
    parse_field_set,
    type_text,
)
from gateway.supergraph.errors import SupergraphError
from gateway.supergraph.indexes import build_indexes
from gateway.supergraph.links import Names, read_features
from gateway.supergraph.model import (
    FieldInfo,
    Graph,
    Key,
    Supergraph,
    TypeInfo,
    TypeInGraph,
)
from gateway.supergraph.ownership import assign_ownership

__all__ = ["RawType", "load_supergraph"]

_KINDS: dict[type, str] = {
    ObjectTypeDefinitionNode: "object",
    ObjectTypeExtensionNode: "object",
    InterfaceTypeDefinitionNode: "interface",
    InterfaceTypeExtensionNode: "interface",
    UnionTypeDefinitionNode: "union",
    UnionTypeExtensionNode: "union",
    EnumTypeDefinitionNode: "enum",
    EnumTypeExtensionNode: "enum",
    InputObjectTypeDefinitionNode: "input",
    InputObjectTypeExtensionNode: "input",
    ScalarTypeDefinitionNode: "scalar",
    ScalarTypeExtensionNode: "scalar",
}


@dataclass(slots=True)
class RawType:
    """A type's definition merged with its extensions."""

    name: str
    kind: str
    directives: list[DirectiveNode] = field(default_factory=list)
    fields: list[FieldDefinitionNode] = field(default_factory=list)
    input_fields: list[InputValueDefinitionNode] = field(default_factory=list)
    interfaces: list[str] = field(default_factory=list)
    members: list[str] = field(default_factory=list)
    values: list[EnumValueDefinitionNode] = field(default_factory=list)


def _raw_types(doc: DocumentNode) -> dict[str, RawType]:
    out: dict[str, RawType] = {}
    for d in doc.definitions:
        kind = _KINDS.get(type(d))
        if kind is None:
            continue
        name = d.name.value  # type: ignore[attr-defined]
        raw = out.setdefault(name, RawType(name, kind))
        raw.directives.extend(getattr(d, "directives", None) or ())
        if kind in ("object", "interface"):
            raw.fields.extend(getattr(d, "fields", None) or ())
            raw.interfaces.extend(i.name.value for i in getattr(d, "interfaces", None) or ())
        elif kind == "input":
            raw.input_fields.extend(getattr(d, "fields", None) or ())
        elif kind == "union":
            raw.members.extend(m.name.value for m in getattr(d, "types", None) or ())
        elif kind == "enum":
            raw.values.extend(getattr(d, "values", None) or ())
    return out


def _root_types(doc: DocumentNode, raw: dict[str, RawType]) -> dict[str, str]:
    for d in doc.definitions:
        if isinstance(d, SchemaDefinitionNode):
            return {ot.operation.value: ot.type.name.value for ot in d.operation_types}
    defaults = {"query": "Query", "mutation": "Mutation", "subscription": "Subscription"}
    return {k: v for k, v in defaults.items() if v in raw}


def _graphs(raw: dict[str, RawType], names: Names) -> dict[str, Graph]:
    enum_name = names.type("join", "Graph")
    graph_dir = names.directive("join", "graph")
    enum = raw.get(enum_name or "")
    if enum is None or enum.kind != "enum":
        msg = f"the supergraph has no {enum_name} enum"
        raise SupergraphError(msg)
    out: dict[str, Graph] = {}
    for value in enum.values:
        apps = applications(value.directives, graph_dir)
        if not apps:
            msg = f"graph {value.name.value} has no @{graph_dir}"
            raise SupergraphError(msg)
        gname = arg_str(apps[0], "name") or value.name.value
        out[value.name.value] = Graph(value.name.value, gname, arg_str(apps[0], "url") or "")
    return out


class _Loader:
    def __init__(self, sdl: str) -> None:
        try:
            self.doc = parse(sdl, no_location=True)
        except GraphQLError as err:
            msg = f"cannot parse supergraph: {err.message}"
            raise SupergraphError(msg) from None
        self.sdl = sdl
        self.names = Names(read_features(self.doc))
        join = self.names.features.get("join")
        if join is None:
            msg = "the supergraph does not link the join spec"
            raise SupergraphError(msg)
        if join.major != 0 or not 1 <= join.minor <= 5:
            msg = f"unsupported join version v{join.major}.{join.minor} (0.1-0.5 are supported)"
            raise SupergraphError(msg)
        self.version = (join.major, join.minor)
        self.raw = _raw_types(self.doc)
        self.graphs = _graphs(self.raw, self.names)

    def graph_name(self, enum_value: str | None) -> str | None:
        if enum_value is None:
            return None
        g = self.graphs.get(enum_value)
        if g is None:
            msg = f"unknown graph {enum_value}"
            raise SupergraphError(msg)
        return g.name

    def is_feature_type(self, name: str) -> bool:
        return self.names.is_feature_name(name) or name in ("_Any", "_Entity", "_Service")

    def build(self) -> Supergraph:
        n = self.names
        inaccessible = n.directive("inaccessible")
        types: dict[str, TypeInfo] = {}
        for raw in self.raw.values():
            if self.is_feature_type(raw.name):
                continue
            info = TypeInfo(name=raw.name, kind=raw.kind)
            info.inaccessible = bool(applications(raw.directives, inaccessible))
            info.interfaces = tuple(raw.interfaces)
            info.members = tuple(raw.members)
            for app in applications(raw.directives, n.directive("join", "type")):
                graph = self.graph_name(arg_str(app, "graph"))
                assert graph is not None
                keys = list(info.in_graphs[graph].keys) if graph in info.in_graphs else []
                key_text = arg_str(app, "key")
                if key_text is not None:
                    sel = parse_field_set(key_text, raw.name)
                    keys.append(Key(key_text, sel, arg_bool(app, "resolvable", default=True)))
                prev = info.in_graphs.get(graph)
                info.in_graphs[graph] = TypeInGraph(
                    graph=graph,
                    keys=tuple(keys),
                    extension=arg_bool(app, "extension") or (prev.extension if prev else False),
                    interface_object=arg_bool(app, "isInterfaceObject")
                    or (prev.interface_object if prev else False),
                )
            owners = applications(raw.directives, n.directive("join", "owner"))
            if owners:
                info.owner = self.graph_name(arg_str(owners[0], "graph"))
            for fdef in raw.fields:
                info.fields[fdef.name.value] = FieldInfo(
                    name=fdef.name.value,
                    parent=raw.name,
                    type_text=type_text(fdef.type),
                    base_type=base_name(fdef.type),
                    inaccessible=bool(applications(fdef.directives, inaccessible)),
                )
            types[raw.name] = info
        self._per_graph_lists(types)
        roots = _root_types(self.doc, self.raw)
        assign_ownership(self, types, roots)
        try:
            full = build_ast_schema(self.doc, assume_valid=True, assume_valid_sdl=True)
        except (GraphQLError, TypeError) as err:
            msg = f"cannot build the supergraph schema: {err}"
            raise SupergraphError(msg) from None
        api = build_api_schema(self.doc, n, types)
        sg = Supergraph(
            join_version=self.version,
            graphs=tuple(self.graphs.values()),
            types=types,
            root_types=roots,
            supergraph_schema=full,
            api_schema=api,
            sdl=self.sdl,
        )
        build_indexes(sg)
        return sg

    def _per_graph_lists(self, types: dict[str, TypeInfo]) -> None:
        """implements / union members / enum values per graph, from the join directives."""
        n = self.names
        for info in types.values():
            raw = self.raw[info.name]
            impl: dict[str, set[str]] = {}
            for app in applications(raw.directives, n.directive("join", "implements")):
                g = self.graph_name(arg_str(app, "graph"))
                iface = arg_str(app, "interface")
                if g is not None and iface is not None:
                    impl.setdefault(g, set()).add(iface)
            info.implements_in = {g: frozenset(v) for g, v in impl.items()}
            members: dict[str, set[str]] = {}
            for app in applications(raw.directives, n.directive("join", "unionMember")):
                g = self.graph_name(arg_str(app, "graph"))
                member = arg_str(app, "member")
                if g is not None and member is not None:
                    members.setdefault(g, set()).add(member)
            info.members_in = {g: frozenset(v) for g, v in members.items()}
            values: dict[str, set[str]] = {}
            enum_dir = n.directive("join", "enumValue")
            for v in raw.values:
                for app in applications(v.directives, enum_dir):
                    g = self.graph_name(arg_str(app, "graph"))
                    if g is not None:
                        values.setdefault(g, set()).add(v.name.value)
            info.enum_values_in = {g: frozenset(v) for g, v in values.items()}


def load_supergraph(sdl: str) -> Supergraph:
    """Read a supergraph SDL; raise ``SupergraphError`` when it cannot be served."""
    return _Loader(sdl).build()

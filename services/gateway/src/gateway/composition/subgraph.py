"""Parse one subgraph's SDL into the normalized `Subgraph` model.

Handles Federation 2 (`@link` with imports, renames and `federation__` names)
and Federation 1 (no link, `extend type`, `@extends`, key fields marked
`@external` on extensions) alike. Problems become `CompositionError`s.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from graphql import (
    BooleanValueNode,
    DirectiveDefinitionNode,
    DirectiveNode,
    DocumentNode,
    EnumTypeDefinitionNode,
    EnumTypeExtensionNode,
    FieldDefinitionNode,
    GraphQLError,
    InputObjectTypeDefinitionNode,
    InputObjectTypeExtensionNode,
    InputValueDefinitionNode,
    InterfaceTypeDefinitionNode,
    InterfaceTypeExtensionNode,
    ListTypeNode,
    NamedTypeNode,
    Node,
    NonNullTypeNode,
    ObjectTypeDefinitionNode,
    ObjectTypeExtensionNode,
    ScalarTypeDefinitionNode,
    ScalarTypeExtensionNode,
    SchemaDefinitionNode,
    SchemaExtensionNode,
    StringValueNode,
    TypeNode,
    UnionTypeDefinitionNode,
    UnionTypeExtensionNode,
    ValueNode,
    Visitor,
    parse,
    print_ast,
    visit,
)

from .directive_usage import directive_problems
from .errors import CompositionError, Location
from .fieldset import top_level_fields
from .links import FEDERATION_DIRECTIVES, LinkInfo, read_links
from .model import Applied, EnumValue, Field, InputValue, Key, Kind, Subgraph, TypeDef, TypeRef

__all__ = ["CARRIED", "SubgraphSource", "build_subgraph"]

# Directives whose applications reach the supergraph (besides composed custom ones).
CARRIED = frozenset(
    {"tag", "inaccessible", "authenticated", "requiresScopes", "policy", "cost", "listSize"}
)
BUILTIN_CARRIED = frozenset({"deprecated", "specifiedBy"})
BUILTIN_DIRECTIVES = frozenset({"deprecated", "specifiedBy", "skip", "include", "oneOf"})
EXECUTABLE_LOCATIONS = frozenset(
    {
        "QUERY",
        "MUTATION",
        "SUBSCRIPTION",
        "FIELD",
        "FRAGMENT_DEFINITION",
        "FRAGMENT_SPREAD",
        "INLINE_FRAGMENT",
        "VARIABLE_DEFINITION",
    }
)
ROOT_NAMES = {"query": "Query", "mutation": "Mutation", "subscription": "Subscription"}
_KINDS: dict[type[Node], Kind] = {
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
_EXTENSIONS = (
    ObjectTypeExtensionNode,
    InterfaceTypeExtensionNode,
    UnionTypeExtensionNode,
    EnumTypeExtensionNode,
    InputObjectTypeExtensionNode,
    ScalarTypeExtensionNode,
)


@dataclass(frozen=True, slots=True)
class SubgraphSource:
    """A subgraph as given to `compose`: its name, routing URL and SDL text."""

    name: str
    url: str
    sdl: str


@dataclass(slots=True)
class _Builder:
    source: SubgraphSource
    links: LinkInfo
    rename: dict[str, str]
    errors: list[CompositionError] = field(default_factory=list)
    composed_names: set[str] = field(default_factory=set)

    def loc(self, node: Node | None) -> Location | None:
        if node is None or node.loc is None:
            return None
        token = node.loc.start_token
        return Location(self.source.name, token.line, token.column)

    def error(self, code: str, message: str, node: Node | None = None) -> None:
        loc = self.loc(node)
        self.errors.append(
            CompositionError(
                code, f"[{self.source.name}] {message}", (self.source.name,), (loc,) if loc else ()
            )
        )

    def type_ref(self, node: TypeNode) -> TypeRef:
        if isinstance(node, NonNullTypeNode):
            return TypeRef("non_null", of=self.type_ref(node.type))
        if isinstance(node, ListTypeNode):
            return TypeRef("list", of=self.type_ref(node.type))
        assert isinstance(node, NamedTypeNode)
        name = node.name.value
        return TypeRef("named", self.rename.get(name, name))

    def canonical(self, directive: DirectiveNode) -> str | None:
        """The federation meaning of a directive application, if it has one."""
        return self.links.directives.get(directive.name.value)

    def split(
        self, directives: tuple[DirectiveNode, ...] | None
    ) -> tuple[dict[str, list[DirectiveNode]], list[Applied]]:
        """Federation directives by canonical name, and the carried applications."""
        fed: dict[str, list[DirectiveNode]] = {}
        carried: list[Applied] = []
        for directive in directives or ():
            name = self.canonical(directive)
            raw = directive.name.value
            if name is not None:
                fed.setdefault(name, []).append(directive)
                if name in CARRIED:
                    carried.append(_applied(name, directive))
            elif raw in BUILTIN_CARRIED or raw in self.composed_names:
                carried.append(_applied(raw, directive))
        return fed, carried


def _applied(name: str, directive: DirectiveNode) -> Applied:
    return Applied(
        name, tuple((a.name.value, print_ast(a.value)) for a in directive.arguments or ())
    )


def _arg(directive: DirectiveNode, name: str) -> ValueNode | None:
    return next((a.value for a in directive.arguments or () if a.name.value == name), None)


def _str_arg(directive: DirectiveNode, name: str) -> str | None:
    value = _arg(directive, name)
    return value.value if isinstance(value, StringValueNode) else None


def _bool_arg(directive: DirectiveNode, name: str, default: bool) -> bool:
    value = _arg(directive, name)
    return value.value if isinstance(value, BooleanValueNode) else default


def _description(node: Node) -> str | None:
    desc = getattr(node, "description", None)
    return desc.value if isinstance(desc, StringValueNode) else None


def _root_renames(document: DocumentNode) -> dict[str, str]:
    renames: dict[str, str] = {}
    for node in document.definitions:
        if isinstance(node, SchemaDefinitionNode | SchemaExtensionNode):
            for op in node.operation_types or ():
                renames[op.type.name.value] = ROOT_NAMES[op.operation.value]
    return renames


def build_subgraph(source: SubgraphSource) -> tuple[Subgraph | None, list[CompositionError]]:
    """Normalize one subgraph; returns `None` and errors if it cannot be read at all."""
    try:
        document = parse(source.sdl)
    except GraphQLError as exc:
        locs = tuple(Location(source.name, s.line, s.column) for s in exc.locations or ())
        message = f"[{source.name}] {exc.message}"
        return None, [CompositionError("INVALID_GRAPHQL", message, (source.name,), locs)]
    links = read_links(document)
    builder = _Builder(source, links, _root_renames(document))
    for problem in links.problems:
        builder.error("INVALID_LINK_DIRECTIVE_USAGE", problem)
    subgraph = Subgraph(source.name, source.url, links.fed2)
    _read_directive_definitions(builder, document, subgraph)
    _check_unknown_directives(builder, document)
    for code, message, application in directive_problems(document, links.directives):
        builder.error(code, message, application)
    _read_types(builder, document, subgraph)
    for op, root in ROOT_NAMES.items():
        if root in subgraph.types:
            subgraph.roots[op] = root
            # Root types are never "extensions" in the supergraph sense.
            subgraph.types[root].extension = False
    # Federation gives every subgraph a Query type (it holds `_service`/`_entities`).
    query = subgraph.types.setdefault("Query", TypeDef("object", "Query"))
    subgraph.roots["query"] = "Query"
    query.fields.pop("_service", None)
    query.fields.pop("_entities", None)
    _key_fields_not_external(subgraph)
    return subgraph, builder.errors


def _read_types(b: _Builder, document: DocumentNode, subgraph: Subgraph) -> None:
    defined: set[str] = set()
    for node in document.definitions:
        kind = _KINDS.get(type(node))
        if kind is None:
            continue
        name = node.name.value  # type: ignore[attr-defined]
        if _is_internal(b.links, name):
            continue
        name = b.rename.get(name, name)
        if not isinstance(node, _EXTENSIONS):
            if name in defined:
                b.error("INVALID_GRAPHQL", f'There can be only one type named "{name}".', node)
                continue
            defined.add(name)
        typedef = subgraph.types.get(name)
        if typedef is None:
            typedef = TypeDef(kind, name, loc=b.loc(node), extension=True)
            subgraph.types[name] = typedef
        elif typedef.kind != kind:
            b.error("INVALID_GRAPHQL", f'Type "{name}" is defined with two kinds.', node)
            continue
        _read_type(b, node, typedef)


class _DirectiveUses(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[DirectiveNode] = []

    def enter_directive(self, node: DirectiveNode, *_args: object) -> None:
        self.found.append(node)


def _check_unknown_directives(b: _Builder, document: DocumentNode) -> None:
    """Every applied directive must be imported (Federation 2), known or defined."""
    defined = {d.name.value for d in document.definitions if isinstance(d, DirectiveDefinitionNode)}
    known = defined | set(b.links.directives) | BUILTIN_DIRECTIVES | {"link"}
    uses = _DirectiveUses()
    visit(document, uses)
    reported: set[str] = set()
    for node in uses.found:
        name = node.name.value
        if name not in known and name not in reported:
            reported.add(name)
            hint = ""
            if name in FEDERATION_DIRECTIVES and b.links.fed2:
                hint = f' If you meant the "@{name}" federation directive, import it in the @link.'
            elif name in FEDERATION_DIRECTIVES:
                hint = " Federation 2 directives need a @link to the federation 2 specification."
            b.error("INVALID_GRAPHQL", f'Unknown directive "@{name}".{hint}', node)


def _is_internal(links: LinkInfo, name: str) -> bool:
    return name in links.internal_types or name.startswith(links.internal_prefixes or ("link__",))


def _read_directive_definitions(b: _Builder, document: DocumentNode, subgraph: Subgraph) -> None:
    composed: list[tuple[str, DirectiveNode]] = []
    for node in document.definitions:
        if isinstance(node, SchemaDefinitionNode | SchemaExtensionNode):
            for directive in node.directives or ():
                if b.canonical(directive) == "composeDirective":
                    composed.append((_str_arg(directive, "name") or "", directive))
    definitions = {
        node.name.value: node
        for node in document.definitions
        if isinstance(node, DirectiveDefinitionNode)
    }
    for raw, application in composed:
        name = raw.lstrip("@")
        if name not in definitions or name in b.links.directives or not raw.startswith("@"):
            b.error(
                "DIRECTIVE_COMPOSITION_ERROR",
                "Could not find matching directive definition for argument to @composeDirective "
                f'"{raw}".',
                application,
            )
            continue
        url = next(
            (
                link.url
                for link in b.links.other_links
                if any(local.lstrip("@") == name for _, local in link.imports)
            ),
            None,
        )
        b.composed_names.add(name)
        subgraph.composed[name] = (url, print_ast(definitions[name]))
    for name, node in definitions.items():
        if name in b.links.directives or name in BUILTIN_DIRECTIVES or name in b.composed_names:
            continue
        if name == "link" or name.startswith(b.links.internal_prefixes or ("link__",)):
            continue
        if all(loc.value in EXECUTABLE_LOCATIONS for loc in node.locations):
            subgraph.executable_directives[name] = print_ast(node)


def _read_type_directives(b: _Builder, node: Node, typedef: TypeDef) -> bool:
    """Apply the type-level directives; returns whether the type is `@external`."""
    fed, carried = b.split(getattr(node, "directives", None))
    typedef.applied.extend(carried)
    typedef.extension = typedef.extension or "extends" in fed
    typedef.shareable = typedef.shareable or "shareable" in fed
    typedef.interface_object = typedef.interface_object or "interfaceObject" in fed
    for directive in fed.get("key", ()):
        fields = _str_arg(directive, "fields")
        if fields is None:
            b.error("KEY_INVALID_FIELDS", f'@key on "{typedef.name}" has no fields.', directive)
            continue
        typedef.keys.append(Key(fields, _bool_arg(directive, "resolvable", default=True)))
    return "external" in fed


def _read_type(b: _Builder, node: Node, typedef: TypeDef) -> None:
    if not isinstance(node, _EXTENSIONS) or not b.links.fed2:
        # Federation 1 `extend type` is upgraded to a definition; only `@extends` counts there.
        typedef.extension = False
        typedef.loc = b.loc(node)
        typedef.description = _description(node) or typedef.description
    type_external = _read_type_directives(b, node, typedef)
    for iface in getattr(node, "interfaces", None) or ():
        typedef.interfaces.append(b.rename.get(iface.name.value, iface.name.value))
    for member in getattr(node, "types", None) or ():
        typedef.members.append(b.rename.get(member.name.value, member.name.value))
    for value in getattr(node, "values", None) or ():
        _, vcarried = b.split(value.directives)
        typedef.values[value.name.value] = EnumValue(
            value.name.value, _description(value), vcarried, b.loc(value)
        )
    for fnode in getattr(node, "fields", None) or ():
        if isinstance(fnode, InputValueDefinitionNode):
            typedef.input_fields[fnode.name.value] = _input_value(b, fnode)
        elif isinstance(fnode, FieldDefinitionNode):
            field_ = _field(b, fnode, typedef)
            field_.external = field_.external or type_external
            if field_.name in typedef.fields:
                b.error(
                    "INVALID_GRAPHQL",
                    f'Field "{typedef.name}.{field_.name}" is defined twice.',
                    fnode,
                )
            typedef.fields[field_.name] = field_


def _input_value(b: _Builder, node: InputValueDefinitionNode) -> InputValue:
    _, carried = b.split(node.directives)
    default = print_ast(node.default_value) if node.default_value is not None else None
    return InputValue(
        node.name.value, b.type_ref(node.type), default, _description(node), carried, b.loc(node)
    )


def _field(b: _Builder, node: FieldDefinitionNode, parent: TypeDef) -> Field:
    fed, carried = b.split(node.directives)
    result = Field(
        node.name.value,
        b.type_ref(node.type),
        {a.name.value: _input_value(b, a) for a in node.arguments or ()},
        _description(node),
        carried,
        loc=b.loc(node),
    )
    result.external = "external" in fed
    # Federation 1 had no @shareable: every field may be resolved by several subgraphs.
    result.shareable = "shareable" in fed or not b.links.fed2
    if fed.get("requires"):
        result.requires = _str_arg(fed["requires"][0], "fields")
    if fed.get("provides"):
        result.provides = _str_arg(fed["provides"][0], "fields")
    if fed.get("override"):
        result.override = _str_arg(fed["override"][0], "from")
        result.override_label = _str_arg(fed["override"][0], "label")
    return result


def _key_fields_not_external(subgraph: Subgraph) -> None:
    """Key fields marked `@external` on extensions (and in Federation 1) are resolvable."""
    for typedef in subgraph.types.values():
        if subgraph.fed2 and not typedef.extension:
            continue
        for key in typedef.keys:
            for name in top_level_fields(key.fields):
                if name in typedef.fields:
                    typedef.fields[name].external = False

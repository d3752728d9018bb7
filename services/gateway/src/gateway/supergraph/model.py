"""The supergraph model (§1.2–1.4): graphs, types per graph, keys and field ownership.

Graphs are identified by their *name* (``join__graph(name:)``) everywhere after loading.
Everything is built once at load and then only read.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from graphql import GraphQLSchema, SelectionSetNode

__all__ = [
    "FieldInGraph",
    "FieldInfo",
    "Graph",
    "Guard",
    "Key",
    "Resolver",
    "Supergraph",
    "TypeInGraph",
    "TypeInfo",
    "guard_active",
]

# (override label, whether the label must be on) for progressive override edges
Guard = tuple[str, bool]


@dataclass(frozen=True, slots=True)
class Graph:
    """One subgraph."""

    enum_value: str  # the join__Graph enum value directives refer to
    name: str  # the name used by plans, logs and settings
    url: str  # the routing URL (settings may override it by name)


@dataclass(frozen=True, slots=True)
class Key:
    """One ``@key`` of a type in a graph."""

    fields_text: str  # the FieldSet as written
    selection: SelectionSetNode  # parsed once, on the supergraph type
    resolvable: bool  # False: the graph cannot be the target of an entity fetch


@dataclass(frozen=True, slots=True)
class TypeInGraph:
    """How one graph declares a type."""

    graph: str
    keys: tuple[Key, ...]
    extension: bool  # Fed1 ``extend type``: key fields are local despite @external
    interface_object: bool  # an @interfaceObject in this graph


@dataclass(frozen=True, slots=True)
class FieldInGraph:
    """One ``@join__field`` application (or the implicit one when there is none)."""

    graph: str | None  # None: no graph resolves it directly (interface-object inheritance)
    requires: SelectionSetNode | None  # parsed on the parent type
    requires_text: str | None
    provides: SelectionSetNode | None  # parsed on the field's base type
    provides_text: str | None
    graph_type: str | None  # the subgraph's type when it differs (nullability/list shape)
    external: bool
    override_from: str | None  # graph name this graph took the field from
    override_label: str | None  # progressive override label
    used_overridden: bool
    context_arguments: bool  # join v0.5 contextArguments present (planning refuses it)


@dataclass(frozen=True, slots=True)
class Resolver:
    """A graph that resolves a field, under an optional override guard."""

    graph: str
    join: FieldInGraph
    guard: Guard | None  # None: always active


@dataclass(slots=True)
class FieldInfo:
    """A field of an object or interface type, with its per-graph presence."""

    name: str
    parent: str
    type_text: str  # supergraph type, e.g. "[Delivery!]!"
    base_type: str  # named type
    in_graphs: dict[str, FieldInGraph] = field(default_factory=dict)  # graphs that have it
    resolvers: tuple[Resolver, ...] = ()  # graphs that resolve it (§1.3), declaration order
    inaccessible: bool = False


@dataclass(slots=True)
class TypeInfo:
    """A named type of the supergraph and where it lives."""

    name: str
    kind: str  # "object" | "interface" | "union" | "enum" | "input" | "scalar"
    in_graphs: dict[str, TypeInGraph] = field(default_factory=dict)
    fields: dict[str, FieldInfo] = field(default_factory=dict)  # objects and interfaces
    interfaces: tuple[str, ...] = ()  # supergraph-level implements
    members: tuple[str, ...] = ()  # supergraph-level union members
    implements_in: dict[str, frozenset[str]] = field(default_factory=dict)  # graph -> interfaces
    members_in: dict[str, frozenset[str]] = field(default_factory=dict)  # graph -> members
    enum_values_in: dict[str, frozenset[str]] = field(default_factory=dict)  # graph -> values
    owner: str | None = None  # Fed1 @join__owner
    inaccessible: bool = False


@dataclass(slots=True)
class Supergraph:
    """The loaded supergraph: model, derived indexes, API and full schemas."""

    join_version: tuple[int, int]
    graphs: tuple[Graph, ...]  # declaration order
    types: dict[str, TypeInfo]  # declaration order
    root_types: dict[str, str]  # "query"/"mutation"/"subscription" -> supergraph type name
    supergraph_schema: GraphQLSchema
    api_schema: GraphQLSchema
    sdl: str
    # Derived indexes (§1.4)
    possible: dict[str, tuple[str, ...]] = field(default_factory=dict)
    possible_in: dict[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)
    inconsistent_abstracts: frozenset[str] = frozenset()
    override_labels: frozenset[str] = frozenset()
    tags: dict[str, tuple[str, ...]] = field(default_factory=dict)  # coordinate -> tag names
    auth: dict[str, tuple[tuple[str, object], ...]] = field(default_factory=dict)
    extracted: dict[str, GraphQLSchema] = field(default_factory=dict)  # cache of §1.7 views

    # --- graphs ---------------------------------------------------------------------
    @property
    def graph_names(self) -> tuple[str, ...]:
        """Graph names in declaration order."""
        return tuple(g.name for g in self.graphs)

    def graph(self, name: str) -> Graph:
        """The graph called ``name``."""
        for g in self.graphs:
            if g.name == name:
                return g
        raise KeyError(name)

    # --- types and fields -----------------------------------------------------------
    def type(self, name: str) -> TypeInfo:
        """The model of a supergraph type."""
        return self.types[name]

    def field(self, type_name: str, field_name: str) -> FieldInfo | None:
        """The model of ``type.field``, or None."""
        t = self.types.get(type_name)
        return None if t is None else t.fields.get(field_name)

    def has_type(self, type_name: str, graph: str) -> bool:
        """Whether ``graph`` declares the type (in any form)."""
        t = self.types.get(type_name)
        return t is not None and graph in t.in_graphs

    def is_abstract(self, type_name: str) -> bool:
        """Interfaces and unions."""
        t = self.types.get(type_name)
        return t is not None and t.kind in ("interface", "union")

    def is_composite(self, type_name: str) -> bool:
        """Objects, interfaces and unions."""
        t = self.types.get(type_name)
        return t is not None and t.kind in ("object", "interface", "union")

    def resolvers(
        self, type_name: str, field_name: str, labels: frozenset[str] | None = None
    ) -> tuple[str, ...]:
        """Graphs resolving the field under active ``labels`` (None: every label on)."""
        f = self.field(type_name, field_name)
        if f is None:
            return ()
        return tuple(r.graph for r in f.resolvers if guard_active(r.guard, labels))

    # --- keys and entities ----------------------------------------------------------
    def keys(self, type_name: str, graph: str) -> tuple[Key, ...]:
        """Resolvable keys of the type in the graph (declaration order)."""
        t = self.types.get(type_name)
        if t is None or graph not in t.in_graphs:
            return ()
        return tuple(k for k in t.in_graphs[graph].keys if k.resolvable)

    def entity_graphs(self, type_name: str) -> tuple[str, ...]:
        """Graphs with at least one resolvable key on the type."""
        return tuple(g for g in self.graph_names if self.keys(type_name, g))

    def interface_object_graphs(self, interface: str) -> tuple[str, ...]:
        """Graphs where ``interface`` is an @interfaceObject."""
        t = self.types.get(interface)
        if t is None:
            return ()
        return tuple(g for g, tig in t.in_graphs.items() if tig.interface_object)

    def is_interface_object(self, type_name: str, graph: str) -> bool:
        """Whether the type is an @interfaceObject in ``graph``."""
        t = self.types.get(type_name)
        return t is not None and graph in t.in_graphs and t.in_graphs[graph].interface_object

    # --- abstract types -------------------------------------------------------------
    def possible_types(self, abstract: str) -> tuple[str, ...]:
        """Object types of an abstract type (or the type itself for objects)."""
        if abstract in self.possible:
            return self.possible[abstract]
        return (abstract,)

    def possible_types_in(self, abstract: str, graph: str) -> tuple[str, ...]:
        """Object types of ``abstract`` that ``graph`` knows as such."""
        if (abstract, graph) in self.possible_in:
            return self.possible_in[(abstract, graph)]
        return (abstract,) if self.has_type(abstract, graph) else ()

    def root_name(self, kind: str) -> str | None:
        """Supergraph root type name for an operation kind."""
        return self.root_types.get(kind)


def guard_active(guard: Guard | None, labels: frozenset[str] | None) -> bool:
    """Whether an override guard lets its edge be used under ``labels`` (None: all on)."""
    if guard is None:
        return True
    label, expected = guard
    on = True if labels is None else label in labels
    return on == expected

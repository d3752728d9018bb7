"""The merged supergraph, before printing: types with their join information."""

from __future__ import annotations

from dataclasses import dataclass, field

from .model import Applied, Kind, TypeRef

__all__ = [
    "JoinField",
    "JoinType",
    "SuperEnumValue",
    "SuperField",
    "SuperInputValue",
    "SuperType",
    "Supergraph",
]


@dataclass(frozen=True, slots=True)
class JoinType:
    graph: str  # join__Graph enum value
    key: str | None = None
    extension: bool = False
    resolvable: bool = True
    interface_object: bool = False


@dataclass(frozen=True, slots=True)
class JoinField:
    graph: str | None  # None: inherited from an @interfaceObject, no graph resolves it here
    requires: str | None = None
    provides: str | None = None
    type: str | None = None
    external: bool = False
    override: str | None = None
    override_label: str | None = None
    used_overridden: bool = False


@dataclass(slots=True)
class SuperInputValue:
    name: str
    type: TypeRef
    default: str | None = None
    description: str | None = None
    applied: list[Applied] = field(default_factory=list)
    joins: list[JoinField] | None = None  # input fields only: set when subgraph types differ


@dataclass(slots=True)
class SuperField:
    name: str
    type: TypeRef
    args: list[SuperInputValue] = field(default_factory=list)
    description: str | None = None
    applied: list[Applied] = field(default_factory=list)
    joins: list[JoinField] | None = None  # None: present in every graph of its type, no join needed
    inherited: bool = False  # added from an @interfaceObject to an implementation


@dataclass(slots=True)
class SuperEnumValue:
    name: str
    graphs: list[str]
    description: str | None = None
    applied: list[Applied] = field(default_factory=list)


@dataclass(slots=True)
class SuperType:
    kind: Kind
    name: str
    description: str | None = None
    join_types: list[JoinType] = field(default_factory=list)
    implements: list[tuple[str, str]] = field(default_factory=list)  # (graph, interface)
    interfaces: list[str] = field(default_factory=list)
    union_members: list[tuple[str, str]] = field(default_factory=list)  # (graph, member)
    members: list[str] = field(default_factory=list)
    fields: dict[str, SuperField] = field(default_factory=dict)
    input_fields: dict[str, SuperInputValue] = field(default_factory=dict)
    values: dict[str, SuperEnumValue] = field(default_factory=dict)
    applied: list[Applied] = field(default_factory=list)


@dataclass(slots=True)
class Supergraph:
    graphs: list[tuple[str, str, str]]  # (enum value, subgraph name, url), by name
    roots: dict[str, str]  # operation -> type name
    types: dict[str, SuperType] = field(default_factory=dict)
    composed: dict[str, tuple[str, str]] = field(default_factory=dict)  # name -> (url, definition)
    executable_directives: dict[str, str] = field(default_factory=dict)
    # linked features in first-use order over the subgraphs ("cost" covers @listSize too)
    features: list[str] = field(default_factory=list)

    def uses(self, directive: str) -> bool:
        def has(applied: list[Applied]) -> bool:
            return any(a.name == directive for a in applied)

        for t in self.types.values():
            if has(t.applied):
                return True
            for f in t.fields.values():
                if has(f.applied) or any(has(a.applied) for a in f.args):
                    return True
            if any(has(v.applied) for v in t.input_fields.values()):
                return True
            if any(has(v.applied) for v in t.values.values()):
                return True
        return False

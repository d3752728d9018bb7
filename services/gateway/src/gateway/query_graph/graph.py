"""Query-graph data types (§2): nodes, edges and the immutable graph with its indexes."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from graphql import SelectionSetNode

from gateway.supergraph.model import FieldInGraph, Guard, Key, guard_active

__all__ = ["Edge", "EdgeKind", "Node", "QueryGraph"]


class EdgeKind(Enum):
    """The edge kinds of §2."""

    ROOT_ENTRY = "RootEntry"
    FIELD = "Field"
    TYPENAME = "Typename"
    KEY = "Key"
    KEY_TO_INTERFACE_OBJECT = "KeyToInterfaceObject"
    DOWNCAST = "Downcast"
    INTERFACE_OBJECT_DOWNCAST = "InterfaceObjectDowncast"
    ROOT_REENTRY = "RootReentry"


@dataclass(frozen=True, slots=True)
class Node:
    """A (type, graph) position; ``provide_id > 0`` marks a @provides copy."""

    type_name: str  # supergraph type name ("__typename" for the typename leaf)
    graph: str  # graph name ("" for the per-kind root nodes)
    provide_id: int = 0  # 0 for the canonical node, n for the n-th provides copy

    def __str__(self) -> str:
        suffix = f"#{self.provide_id}" if self.provide_id else ""
        return f"{self.type_name}({self.graph}){suffix}" if self.graph else f"[{self.type_name}]"


@dataclass(frozen=True, slots=True, eq=False)
class Edge:
    """A directed edge; equality is identity (edges are created once)."""

    kind: EdgeKind
    tail: Node
    head: Node
    field: str | None = None  # Field edges: the field name
    condition: SelectionSetNode | None = None  # selection to collect at the tail first
    condition_text: str | None = None  # the condition as written (snapshots, display)
    guard: Guard | None = None  # progressive override guard
    key: Key | None = None  # Key edges: the key used
    join: FieldInGraph | None = None  # Field edges: the join data (requires/provides/type)

    def __str__(self) -> str:
        label = self.kind.value
        if self.field is not None:
            label += f"({self.field})"
        elif self.key is not None:
            label += f"({self.key.fields_text})"
        elif self.kind in (EdgeKind.DOWNCAST, EdgeKind.INTERFACE_OBJECT_DOWNCAST):
            label += f"({self.head.type_name})"
        text = f"{self.tail} -{label}-> {self.head}"
        if self.condition_text:
            text += f" [{self.condition_text}]"
        if self.guard is not None:
            text += f" <{self.guard[0]}={'on' if self.guard[1] else 'off'}>"
        return text


@dataclass(slots=True)
class QueryGraph:
    """The directed multigraph of one supergraph, built once (see ``build_query_graph``)."""

    roots: dict[str, Node]  # operation kind -> root node
    out: dict[Node, tuple[Edge, ...]] = field(default_factory=dict)
    fields: dict[tuple[Node, str], tuple[Edge, ...]] = field(default_factory=dict)
    keys: dict[Node, tuple[Edge, ...]] = field(default_factory=dict)  # Key + KeyToIfaceObject
    downcasts: dict[tuple[Node, str], Edge] = field(default_factory=dict)
    cross_reachable: dict[Node, bool] = field(default_factory=dict)

    def edges(self, node: Node) -> tuple[Edge, ...]:
        """Every out-edge of ``node``, in construction order."""
        return self.out.get(node, ())

    def field_edge(self, node: Node, name: str, labels: frozenset[str] | None) -> Edge | None:
        """The active ``Field(name)`` edge at ``node`` under ``labels`` (None: all on)."""
        for e in self.fields.get((node, name), ()):
            if guard_active(e.guard, labels):
                return e
        return None

    def key_edges(self, node: Node) -> tuple[Edge, ...]:
        """Key and KeyToInterfaceObject edges leaving ``node``."""
        return self.keys.get(node, ())

    def downcast(self, node: Node, type_name: str) -> Edge | None:
        """The Downcast/InterfaceObjectDowncast edge to ``type_name`` at ``node``."""
        return self.downcasts.get((node, type_name))

    def typename_edge(self, node: Node) -> Edge | None:
        """The Typename edge (absent on interface objects)."""
        for e in self.out.get(node, ()):
            if e.kind is EdgeKind.TYPENAME:
                return e
        return None

    def snapshot(self, graph: str | None = None) -> list[str]:
        """Every edge as text, deterministic (for tests and debugging)."""
        out: list[str] = []
        for node, edges in self.out.items():
            if graph is not None and node.graph not in (graph, ""):
                continue
            out.extend(str(e) for e in edges)
        return out

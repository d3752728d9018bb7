"""Build the query graph of a supergraph (§2)."""

from __future__ import annotations

from graphql import FieldNode, InlineFragmentNode, SelectionSetNode

from gateway.query_graph.graph import Edge, EdgeKind, Node, QueryGraph
from gateway.supergraph.model import Resolver, Supergraph, TypeInfo

__all__ = ["build_query_graph"]

_COMPOSITE = ("object", "interface", "union")


class _Builder:
    def __init__(self, sg: Supergraph) -> None:
        self.sg = sg
        self.out: dict[Node, list[Edge]] = {}
        self.next_copy = 0
        roots = {kind: Node(name, "") for kind, name in sg.root_types.items()}
        self.qg = QueryGraph(roots=roots)

    def add(self, e: Edge) -> None:
        self.out.setdefault(e.tail, []).append(e)
        self.out.setdefault(e.head, [])

    def head_for(self, type_name: str, graph: str) -> Node:
        return Node(type_name, graph)

    def local_resolver(self, t: TypeInfo, fname: str, graph: str) -> Resolver | None:
        for r in t.fields[fname].resolvers:
            if r.graph == graph:
                return r
        return None

    def interface_field_ok(self, t: TypeInfo, fname: str, graph: str) -> bool:
        """Every local implementation must resolve the field itself, plainly."""
        for o in self.sg.possible_types_in(t.name, graph):
            ot = self.sg.types[o]
            if fname not in ot.fields:
                return False
            r = self.local_resolver(ot, fname, graph)
            if r is None or r.join.requires is not None:
                return False
        return True

    def field_edges(self, t: TypeInfo, graph: str, tail: Node, pending: list[Edge]) -> None:
        for fname, f in t.fields.items():
            r = self.local_resolver(t, fname, graph)
            if r is None:
                continue
            plain_interface = t.kind == "interface" and not self.sg.is_interface_object(
                t.name, graph
            )
            if plain_interface and not self.interface_field_ok(t, fname, graph):
                continue
            e = Edge(
                kind=EdgeKind.FIELD,
                tail=tail,
                head=self.head_for(f.base_type, graph),
                field=fname,
                condition=r.join.requires,
                condition_text=r.join.requires_text,
                guard=r.guard,
                join=r.join,
            )
            if r.join.provides is not None and self.sg.is_composite(f.base_type):
                pending.append(e)
            else:
                self.add(e)

    def type_edges(self, t: TypeInfo, graph: str, pending: list[Edge]) -> None:  # noqa: PLR0912
        sg = self.sg
        node = Node(t.name, graph)
        self.out.setdefault(node, [])
        if t.kind in ("object", "interface"):
            self.field_edges(t, graph, node, pending)
        if not sg.is_interface_object(t.name, graph):
            self.add(Edge(EdgeKind.TYPENAME, node, Node("__typename", graph)))
        # Key edges into every other graph with a resolvable key.
        for g2 in sg.graph_names:
            if g2 == graph:
                continue
            for k in sg.keys(t.name, g2):
                self.add(
                    Edge(
                        EdgeKind.KEY,
                        node,
                        Node(t.name, g2),
                        condition=k.selection,
                        condition_text=k.fields_text,
                        key=k,
                    )
                )
        if t.kind == "object":
            for iface in t.interfaces:
                for g2 in sg.interface_object_graphs(iface):
                    if g2 == graph:
                        continue
                    for k in sg.keys(iface, g2):
                        if all(n in t.fields for n in _top_names(k.selection)):
                            self.add(
                                Edge(
                                    EdgeKind.KEY_TO_INTERFACE_OBJECT,
                                    node,
                                    Node(iface, g2),
                                    condition=k.selection,
                                    condition_text=k.fields_text,
                                    key=k,
                                )
                            )
        if t.kind in ("interface", "union"):
            if sg.is_interface_object(t.name, graph):
                for o in sg.possible_types(t.name):
                    self.add(
                        Edge(
                            EdgeKind.INTERFACE_OBJECT_DOWNCAST,
                            node,
                            node,
                            field=o,
                            condition_text="__typename",
                        )
                    )
            else:
                for o in sg.possible_types_in(t.name, graph):
                    self.add(Edge(EdgeKind.DOWNCAST, node, Node(o, graph)))

    def provides_copy(self, base: Node, sel: SelectionSetNode) -> Node:
        """A copy of ``base`` with extra Field edges for the provided selection."""
        self.next_copy += 1
        copy = Node(base.type_name, base.graph, self.next_copy)
        provided: dict[str, FieldNode] = {}
        downcasts: dict[str, list[FieldNode | InlineFragmentNode]] = {}
        for s in sel.selections:
            if isinstance(s, FieldNode):
                provided[s.name.value] = s
            elif isinstance(s, InlineFragmentNode) and s.type_condition is not None:
                downcasts.setdefault(s.type_condition.name.value, []).extend(
                    s.selection_set.selections  # type: ignore[arg-type]
                )
        t = self.sg.types[base.type_name]
        self.out[copy] = []
        for e in list(self.out.get(base, ())):
            if e.kind is EdgeKind.FIELD and e.field in provided:
                continue
            if e.kind is EdgeKind.DOWNCAST and e.head.type_name in downcasts:
                continue
            self.add(_retail(e, copy))
        for name, fnode in provided.items():
            f = t.fields[name]
            head = Node(f.base_type, base.graph)
            if fnode.selection_set is not None and self.sg.is_composite(f.base_type):
                head = self.provides_copy(head, fnode.selection_set)
            self.add(Edge(EdgeKind.FIELD, copy, head, field=name))
        for type_name, sels in downcasts.items():
            head = self.provides_copy(
                Node(type_name, base.graph), SelectionSetNode(selections=tuple(sels))
            )
            self.add(Edge(EdgeKind.DOWNCAST, copy, head))
        return copy

    def build(self) -> QueryGraph:
        sg = self.sg
        pending: list[Edge] = []
        for t in sg.types.values():
            if t.kind not in _COMPOSITE:
                continue
            for graph in sg.graph_names:
                if graph in t.in_graphs:
                    self.type_edges(t, graph, pending)
        for e in pending:
            assert e.join is not None
            assert e.join.provides is not None
            head = self.provides_copy(e.head, e.join.provides)
            self.add(_rehead(e, head))
        self.root_edges()
        return self.finish()

    def root_edges(self) -> None:
        sg = self.sg
        for root in self.qg.roots.values():
            t = sg.types.get(root.type_name)
            if t is None:
                continue
            for graph in sg.graph_names:
                if any(r.graph == graph for f in t.fields.values() for r in f.resolvers):
                    self.add(Edge(EdgeKind.ROOT_ENTRY, root, Node(root.type_name, graph)))
        query = sg.root_types.get("query")
        returns_query = query is not None and any(
            f.base_type == query for t in sg.types.values() for f in t.fields.values()
        )
        if query is not None and returns_query:
            graphs = [g for g in sg.graph_names if Node(query, g) in self.out]
            for g1 in graphs:
                for g2 in graphs:
                    if g1 != g2:
                        self.add(Edge(EdgeKind.ROOT_REENTRY, Node(query, g1), Node(query, g2)))

    def finish(self) -> QueryGraph:
        qg = self.qg
        fields: dict[tuple[Node, str], list[Edge]] = {}
        keys: dict[Node, list[Edge]] = {}
        for node, edges in self.out.items():
            qg.out[node] = tuple(edges)
            for e in edges:
                if e.kind is EdgeKind.FIELD and e.field is not None:
                    fields.setdefault((node, e.field), []).append(e)
                elif e.kind in (EdgeKind.KEY, EdgeKind.KEY_TO_INTERFACE_OBJECT):
                    keys.setdefault(node, []).append(e)
                elif e.kind is EdgeKind.DOWNCAST:
                    qg.downcasts[(node, e.head.type_name)] = e
                elif e.kind is EdgeKind.INTERFACE_OBJECT_DOWNCAST and e.field is not None:
                    qg.downcasts[(node, e.field)] = e
        qg.fields = {k: tuple(v) for k, v in fields.items()}
        qg.keys = {k: tuple(v) for k, v in keys.items()}
        qg.cross_reachable = _cross_reachable(qg)
        return qg


def _top_names(sel: SelectionSetNode) -> list[str]:
    return [s.name.value for s in sel.selections if isinstance(s, FieldNode)]


def _retail(e: Edge, tail: Node) -> Edge:
    return Edge(
        e.kind, tail, e.head, e.field, e.condition, e.condition_text, e.guard, e.key, e.join
    )


def _rehead(e: Edge, head: Node) -> Edge:
    return Edge(
        e.kind, e.tail, head, e.field, e.condition, e.condition_text, e.guard, e.key, e.join
    )


def _cross_reachable(qg: QueryGraph) -> dict[Node, bool]:
    """Per node: can a Key edge or a conditioned edge be reached without leaving its graph?"""
    direct = {
        n: any(e.condition is not None or e.kind is EdgeKind.ROOT_REENTRY for e in edges)
        for n, edges in qg.out.items()
    }
    result = dict(direct)
    changed = True
    while changed:
        changed = False
        for n, edges in qg.out.items():
            if result[n]:
                continue
            if any(result.get(e.head, False) for e in edges if e.head.graph == n.graph):
                result[n] = True
                changed = True
    return result


def build_query_graph(sg: Supergraph) -> QueryGraph:
    """The query graph of ``sg``; deterministic edge order (types, then graphs, declared)."""
    return _Builder(sg).build()

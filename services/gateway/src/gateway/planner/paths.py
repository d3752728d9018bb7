"""Path finding over the query graph: local satisfiability, key-jump BFS and cost (§4.2–4.3)."""

from __future__ import annotations

from graphql import FieldNode, InlineFragmentNode, SelectionSetNode

from gateway.operation.tree import Field, Selection
from gateway.query_graph.graph import Edge, Node, QueryGraph
from gateway.supergraph.model import Supergraph

__all__ = ["FETCH_COST", "Paths"]

FETCH_COST = 1000  # a fetch dominates the cost; fields only break ties (§4.3)
MISSING_MEMBER_COST = 5 * FETCH_COST  # a selected runtime type this graph cannot return


def _size(sel: SelectionSetNode | None) -> int:
    """Number of fields in a FieldSet, nested ones included."""
    if sel is None:
        return 0
    total = 0
    for s in sel.selections:
        if isinstance(s, FieldNode):
            total += 1 + _size(s.selection_set)
        elif isinstance(s, InlineFragmentNode):
            total += _size(s.selection_set)
    return total


class Paths:
    """Path queries for one planning run (one label set); results are memoized."""

    def __init__(self, sg: Supergraph, qg: QueryGraph, labels: frozenset[str] | None) -> None:
        self.sg = sg
        self.qg = qg
        self.labels = labels
        self._reach: dict[Node, list[tuple[Node, tuple[Edge, ...]]]] = {}
        self._estimates: dict[tuple[int, Node, int], int] = {}

    def field_edge(self, node: Node, name: str) -> Edge | None:
        """The active Field edge (``__typename`` maps to the Typename edge)."""
        if name == "__typename":
            return self.qg.typename_edge(node)
        return self.qg.field_edge(node, name, self.labels)

    def local_ok(self, sel: SelectionSetNode, node: Node) -> bool:
        """Whether a FieldSet can be collected at ``node`` without any jump."""
        for s in sel.selections:
            if isinstance(s, FieldNode):
                e = self.field_edge(node, s.name.value)
                if e is None or e.condition is not None:
                    return False
                if s.selection_set is not None and not self.local_ok(s.selection_set, e.head):
                    return False
            elif isinstance(s, InlineFragmentNode):
                target = node
                if s.type_condition is not None and s.type_condition.name.value != node.type_name:
                    d = self.qg.downcast(node, s.type_condition.name.value)
                    if d is None:
                        continue  # never matches here: nothing to collect
                    target = d.head
                if not self.local_ok(s.selection_set, target):
                    return False
        return True

    def reachable(self, node: Node) -> list[tuple[Node, tuple[Edge, ...]]]:
        """Nodes reachable through key jumps whose keys are local at each tail (BFS).

        Never re-enters a graph already on the chain; keeps the first (fewest jumps) chain
        per destination graph; deterministic edge order.
        """
        cached = self._reach.get(node)
        if cached is not None:
            return cached
        out: list[tuple[Node, tuple[Edge, ...]]] = []
        seen = {node.graph}
        frontier: list[tuple[Node, tuple[Edge, ...]]] = [(node, ())]
        while frontier:
            nxt: list[tuple[Node, tuple[Edge, ...]]] = []
            for tail, chain in frontier:
                # Per destination graph, the cheapest satisfiable key (fewest fields) wins;
                # ties keep declaration order.
                best: dict[str, Edge] = {}
                for e in self.qg.key_edges(tail):
                    if e.head.graph in seen:
                        continue
                    if e.condition is not None and not self.local_ok(e.condition, tail):
                        continue
                    prev = best.get(e.head.graph)
                    if prev is None or _size(e.condition) < _size(prev.condition):
                        best[e.head.graph] = e
                for e in best.values():
                    seen.add(e.head.graph)
                    item = (e.head, (*chain, e))
                    out.append(item)
                    nxt.append(item)
            frontier = nxt
        self._reach[node] = out
        return out

    def options(self, node: Node, name: str) -> list[tuple[Node, tuple[Edge, ...], Edge]]:
        """(destination, chain, field edge) for a field that is not direct at ``node``."""
        out = []
        for dest, chain in self.reachable(node):
            e = self.field_edge(dest, name)
            if e is not None:
                out.append((dest, chain, e))
        return out

    def estimate(self, selections: tuple[Selection, ...], node: Node, depth: int = 1) -> int:
        """Cost of collecting ``selections`` from ``node``: fetches, then fields (§4.3)."""
        memo_key = (id(selections), node, depth)
        cached = self._estimates.get(memo_key)
        if cached is not None:
            return cached
        self._estimates[memo_key] = 0  # cycle guard
        total = 0
        for s in selections:
            if isinstance(s, Field):
                total += self._field_cost(s, node, depth)
                continue
            target = node
            if s.type_condition is not None and s.type_condition != node.type_name:
                d = self.qg.downcast(node, s.type_condition)
                if d is None:
                    # A member the supergraph allows here but this graph cannot return:
                    # prefer graphs whose member set covers the client's conditions (§4.10).
                    if s.type_condition in self.sg.possible_types(node.type_name):
                        total += MISSING_MEMBER_COST
                    continue
                target = d.head
            total += self.estimate(s.selections, target, depth)
        self._estimates[memo_key] = total
        return total

    def _field_cost(self, f: Field, node: Node, depth: int) -> int:
        e = self.field_edge(node, f.name)
        if e is not None:
            extra = FETCH_COST if e.condition is not None else 0
            return extra + depth + self.estimate(f.selections, e.head, depth + 1)
        best: int | None = None
        for _dest, chain, fe in self.options(node, f.name):
            extra = FETCH_COST if fe.condition is not None else 0
            cost = FETCH_COST * len(chain) + extra + depth
            cost += self.estimate(f.selections, fe.head, depth + 1)
            if best is None or cost < best:
                best = cost
        return best if best is not None else 10 * FETCH_COST

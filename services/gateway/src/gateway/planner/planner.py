"""The planner facade and its bounded plan cache (§4, §7)."""

from __future__ import annotations

from collections import OrderedDict

from gateway.operation.tree import NormalizedOperation
from gateway.plan.nodes import Fetch, QueryPlan
from gateway.planner.assemble import assemble
from gateway.planner.conflicts import resolve_conflicts
from gateway.planner.fetches import make_fetch
from gateway.planner.guarded_merge import merge_guarded_steps
from gateway.planner.merge_steps import merge_entity_steps
from gateway.planner.paths import Paths
from gateway.planner.walker import Walker
from gateway.query_graph.build import build_query_graph
from gateway.query_graph.graph import QueryGraph
from gateway.supergraph.model import Supergraph

__all__ = ["PlanCache", "Planner"]


class PlanCache:
    """Bounded LRU of plans keyed by ``(canonical hash, active labels)``."""

    def __init__(self, maxsize: int = 1000) -> None:
        self.maxsize = maxsize
        self.hits = 0
        self.misses = 0
        self._data: OrderedDict[tuple[str, frozenset[str]], QueryPlan] = OrderedDict()

    @property
    def size(self) -> int:
        """Number of cached plans (exported to /metrics)."""
        return len(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def get(self, key: tuple[str, frozenset[str]]) -> QueryPlan | None:
        plan = self._data.get(key)
        if plan is None:
            self.misses += 1
            return None
        self.hits += 1
        self._data.move_to_end(key)
        return plan

    def put(self, key: tuple[str, frozenset[str]], plan: QueryPlan) -> None:
        self._data[key] = plan
        self._data.move_to_end(key)
        while len(self._data) > self.maxsize:
            self._data.popitem(last=False)


class Planner:
    """Plans normalized operations over one supergraph; plans are cached and immutable."""

    def __init__(self, supergraph: Supergraph, *, cache_size: int = 1000) -> None:
        self.supergraph = supergraph
        self.query_graph: QueryGraph = build_query_graph(supergraph)
        self.cache = PlanCache(cache_size)

    def active_labels(self, labels: frozenset[str] | set[str] | None) -> frozenset[str]:
        """The override labels in effect: every label when ``labels`` is None (§1.3)."""
        if labels is None:
            return self.supergraph.override_labels
        return frozenset(labels) & self.supergraph.override_labels

    def plan(
        self, operation: NormalizedOperation, labels: frozenset[str] | set[str] | None = None
    ) -> QueryPlan:
        """The plan of ``operation`` under ``labels`` (None: every label on), cached."""
        active = self.active_labels(labels)
        key = (operation.hash, active)
        cached = self.cache.get(key)
        if cached is not None:
            return cached
        plan = self.build(operation, active)
        self.cache.put(key, plan)
        return plan

    def build(self, operation: NormalizedOperation, active: frozenset[str]) -> QueryPlan:
        """Plan without the cache."""
        paths = Paths(self.supergraph, self.query_graph, active)
        graph = Walker(self.supergraph, self.query_graph, paths, operation).run()
        graph.remove_empty()
        graph.transitive_reduction()
        merge_entity_steps(graph)
        while merge_guarded_steps(graph):
            merge_entity_steps(graph)
        for step in graph.steps:
            resolve_conflicts(step)
        fetches: dict[int, Fetch] = {s.id: make_fetch(s, operation) for s in graph.steps}
        node = assemble(graph.steps, fetches)
        return QueryPlan(
            node=node,
            root_kind=operation.kind,
            operation=operation,
            introspection=operation.introspection,
        )

"""Root fields (§4.6): graph choice per field, query grouping and mutation order."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from gateway.operation.tree import Conditions, Field, Fragment, NormalizedOperation, Selection
from gateway.planner.context import Ctx
from gateway.planner.errors import PlanningError, UnsupportedFeature
from gateway.planner.paths import FETCH_COST
from gateway.planner.steps import Step
from gateway.query_graph.graph import Node

if TYPE_CHECKING:
    from gateway.planner.walker import Walker

__all__ = ["choose_root_graph", "root_fields", "run_mutation", "run_query"]


def root_fields(op: NormalizedOperation) -> list[Field]:
    """Root selections with root fragments flattened into their fields' conditions."""
    out: list[Field] = []

    def walk(sels: tuple[Selection, ...], conds: Conditions) -> None:
        for s in sels:
            if isinstance(s, Fragment):
                walk(s.selections, conds | s.conditions)
            elif s.name != "__typename":
                out.append(replace(s, conditions=s.conditions | conds) if conds else s)

    walk(op.planned_selections, frozenset())
    return out


def choose_root_graph(w: Walker, root: str, f: Field, open_graphs: set[str]) -> str:
    graphs = w.sg.resolvers(root, f.name, w.paths.labels)
    if not graphs:
        msg = f"no graph resolves {root}.{f.name}"
        raise PlanningError(msg)
    best: tuple[int, str] | None = None
    for g in graphs:
        e = w.paths.field_edge(Node(root, g), f.name)
        if e is None:
            continue
        cost = w.paths.estimate(f.selections, e.head, 2)
        cost += 0 if g in open_graphs else FETCH_COST
        if best is None or cost < best[0]:
            best = (cost, g)
    if best is None:
        msg = f"no graph resolves {root}.{f.name}"
        raise PlanningError(msg)
    return best[1]


def plan_root_field(w: Walker, step: Step, root: str, f: Field, common: Conditions) -> None:
    node = Node(root, step.graph)
    e = w.paths.field_edge(node, f.name)
    assert e is not None
    if e.condition is not None:
        msg = f"@requires on root field {root}.{f.name}"
        raise UnsupportedFeature(msg)
    ctx = Ctx(step, step.selection, node, (), common)
    w.plan_field(ctx, f, e, False, strip=common)


def run_query(w: Walker, root: str, fields: list[Field]) -> None:
    """Root fields grouped per graph; a condition shared by a whole group guards it."""
    choices: list[tuple[Field, str]] = []
    for f in fields:
        graph = choose_root_graph(w, root, f, {g for _, g in choices})
        choices.append((f, graph))
    common: dict[str, Conditions] = {}
    for f, graph in choices:
        common[graph] = common[graph] & f.conditions if graph in common else f.conditions
    by_graph: dict[str, Step] = {}
    for f, graph in choices:
        step = by_graph.get(graph)
        if step is None:
            step = w.steps.new(graph, "root", (), common[graph], None)
            by_graph[graph] = step
        plan_root_field(w, step, root, f, common[graph])


def run_mutation(w: Walker, root: str, fields: list[Field]) -> None:
    """Mutation fields in client order; consecutive fields on one graph share a step."""
    last: Step | None = None
    for f in fields:
        graph = choose_root_graph(w, root, f, {last.graph} if last is not None else set())
        if last is None or last.graph != graph:
            index = 0 if last is None else (last.mutation_index or 0) + 1
            last = w.steps.new(graph, "root", (), frozenset(), index)
        plan_root_field(w, last, root, f, frozenset())

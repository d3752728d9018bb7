"""From steps to plan nodes (§4.6): stages, exclusive children, Condition wrapping."""

from __future__ import annotations

from gateway.operation.tree import Conditions
from gateway.plan.nodes import Condition, Fetch, Flatten, Parallel, PlanNode, Sequence
from gateway.planner.errors import PlanningError
from gateway.planner.steps import Step

__all__ = ["assemble"]


def _seq(nodes: list[PlanNode]) -> PlanNode:
    flat: list[PlanNode] = []
    for n in nodes:
        flat.extend(n.nodes if isinstance(n, Sequence) else (n,))
    return flat[0] if len(flat) == 1 else Sequence(tuple(flat))


def _par(nodes: list[PlanNode]) -> PlanNode:
    flat: list[PlanNode] = []
    for n in nodes:
        flat.extend(n.nodes if isinstance(n, Parallel) else (n,))
    return flat[0] if len(flat) == 1 else Parallel(tuple(flat))


def _wrap(node: PlanNode, conds: Conditions) -> PlanNode:
    for var, want in sorted(conds, reverse=True):
        node = Condition(var, node, None) if want else Condition(var, None, node)
    return node


def _any_of(node: PlanNode, options: list[Conditions]) -> PlanNode | None:
    """``node`` under Condition nodes that run it when one of ``options`` holds."""
    if not options:
        return None
    if not all(options):
        return node
    var = min(v for option in options for v, _ in option)
    then = _any_of(node, [o - {(var, True)} for o in options if (var, False) not in o])
    other = _any_of(node, [o - {(var, False)} for o in options if (var, True) not in o])
    return then if then == other else Condition(var, then, other)


def _guard(node: PlanNode, any_of: tuple[Conditions, ...], enclosing: Conditions) -> PlanNode:
    """``node`` under its step's alternative conditions, less what ``enclosing`` settles."""
    if not any_of:
        return node
    contradicted = {(v, not want) for v, want in enclosing}
    options = [o - enclosing for o in any_of if not o & contradicted]
    return _any_of(node, options) or node


def _runs_only_within(child: Step, inner: Conditions, any_of: tuple[Conditions, ...]) -> bool:
    """Whether ``child`` may sit inside its parent's Condition nodes: it needs them all (a
    step merged under fewer conditions than a parent runs after it, not inside it)."""
    conditions = child.conditions | inner
    return inner <= child.conditions and (
        not any_of or any(option <= conditions for option in any_of)
    )


class _Assembler:
    def __init__(self, steps: list[Step], fetches: dict[int, Fetch]) -> None:
        self.steps = steps
        self.fetches = fetches
        self.placed: set[int] = set()
        self.finished: set[int] = set()

    def node(self, s: Step) -> PlanNode:
        fetch = self.fetches[s.id]
        return Flatten(s.merge_at, fetch) if s.kind == "entity" or s.merge_at else fetch

    def subplan(self, s: Step, chain: frozenset[int], enclosing: Conditions) -> PlanNode:
        chain = chain | {s.id}
        inner = enclosing | s.conditions
        kids = [
            c
            for c in sorted(s.children, key=lambda c: c.id)
            if c.id not in self.placed
            and all(p.id in chain or p.id in self.finished for p in c.parents)
            and _runs_only_within(c, inner, s.any_of)
        ]
        self.placed.update(c.id for c in kids)
        body = self.node(s)
        if kids:
            body = _seq([body, _par([self.subplan(c, chain, inner) for c in kids])])
        body = _guard(body, s.any_of, enclosing | s.conditions)
        return _wrap(body, s.conditions - enclosing)

    def stages(self, scope: list[Step]) -> list[PlanNode]:
        out: list[PlanNode] = []
        while True:
            ready = [
                s
                for s in scope
                if s.id not in self.placed and all(p.id in self.finished for p in s.parents)
            ]
            if not ready:
                break
            self.placed.update(s.id for s in ready)
            before = set(self.placed)
            out.append(_par([self.subplan(s, frozenset(), frozenset()) for s in ready]))
            self.finished |= before | self.placed
        if any(s.id not in self.placed for s in scope):
            msg = "cyclic fetch dependencies"
            raise PlanningError(msg)
        return out


def assemble(steps: list[Step], fetches: dict[int, Fetch]) -> PlanNode | None:
    """The plan tree; mutation root steps run in order, each followed by its dependents."""
    if not steps:
        return None
    a = _Assembler(steps, fetches)
    indexes = sorted({s.mutation_index for s in steps if s.mutation_index is not None})
    if not indexes:
        return _seq(a.stages(steps))
    out: list[PlanNode] = []
    for i in indexes:
        out.extend(a.stages([s for s in steps if s.mutation_index == i]))
    return _seq(out)
